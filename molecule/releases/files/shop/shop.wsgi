"""The shop: a release as the role deploys it. It reports what the tests check: which
release answers (the directory "current" resolved to), the VERSION file that came with
the source, the modwsgi_greeting its requirements installed and the venv (sys.prefix,
resolved) it runs in, and what the daemon user may write."""
import json
import os
import sys

import modwsgi_greeting

RELEASE = os.path.dirname(os.path.realpath(__file__))
with open(os.path.join(RELEASE, "VERSION")) as handle:
    VERSION = handle.read().strip()


def application(environ, start_response):
    body = json.dumps({
        "release": os.path.basename(RELEASE),
        "version": VERSION,
        "greeting": modwsgi_greeting.VERSION,
        "greeting_file": os.path.realpath(modwsgi_greeting.__file__),
        "prefix": os.path.realpath(sys.prefix),
        "code_writable": os.access(RELEASE, os.W_OK),
        "data_writable": os.access(os.path.join(RELEASE, "data"), os.W_OK),
    }, sort_keys=True).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
