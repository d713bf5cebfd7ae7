"""Writes modwsgi_probe-1.0-py3-none-any.whl into the directory given as argv[1]."""
import base64
import hashlib
import os
import sys
import zipfile

NAME = "modwsgi_probe-1.0"
FILES = {
    "modwsgi_probe/__init__.py": b"MARKER = 'installed from requirements'\n",
    NAME + ".dist-info/METADATA": b"Metadata-Version: 2.1\nName: modwsgi-probe\nVersion: 1.0\n",
    NAME + ".dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: modwsgi.deploy tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


record = "\n".join([record_line(p, d) for p, d in sorted(FILES.items())] + [NAME + ".dist-info/RECORD,,", ""])
with zipfile.ZipFile(os.path.join(sys.argv[1], NAME + "-py3-none-any.whl"), "w") as wheel:
    for path, data in sorted(FILES.items()):
        wheel.writestr(path, data)
    wheel.writestr(NAME + ".dist-info/RECORD", record)
