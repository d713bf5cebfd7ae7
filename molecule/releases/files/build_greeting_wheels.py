"""Writes modwsgi_greeting-1.0 and -2.0 (py3-none-any wheels) into the directory given as
argv[1]: a pure-Python package pip installs without an index, so a release's requirements
file can name either version and the tests see which one its venv holds."""
import base64
import hashlib
import os
import sys
import zipfile

VERSIONS = ("1.0", "2.0")


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def build(directory, version):
    name = "modwsgi_greeting-" + version
    files = {
        "modwsgi_greeting/__init__.py": ("VERSION = %r\n" % version).encode(),
        name + ".dist-info/METADATA": ("Metadata-Version: 2.1\nName: modwsgi-greeting\nVersion: %s\n" % version).encode(),
        name + ".dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: modwsgi.deploy tests\nRoot-Is-Purelib: true\n"
                                   b"Tag: py3-none-any\n",
    }
    record = "\n".join([record_line(path, data) for path, data in sorted(files.items())]
                       + [name + ".dist-info/RECORD,,", ""])
    # Fixed timestamps: the same bytes every time, whoever builds them.
    with zipfile.ZipFile(os.path.join(directory, name + "-py3-none-any.whl"), "w") as wheel:
        for path, data in sorted(files.items()) + [(name + ".dist-info/RECORD", record.encode())]:
            wheel.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data)


if __name__ == "__main__":
    os.makedirs(sys.argv[1], exist_ok=True)
    for each in VERSIONS:
        build(sys.argv[1], each)
