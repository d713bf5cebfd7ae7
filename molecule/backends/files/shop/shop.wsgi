"""The shop's release, served by a backend instance: it answers with the VERSION that
came with its source, the same length in every release (ab counts a length that
differs as failed)."""
import os

RELEASE = os.path.dirname(os.path.realpath(__file__))
with open(os.path.join(RELEASE, "VERSION"), "rb") as handle:
    VERSION = handle.read().strip()


def application(environ, start_response):
    body = b"shop " + VERSION
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
