"""A report of the interpreter, process and environment serving the request."""
import grp
import locale
import os
import pwd
import sys

import django
from django.conf import settings
from django.http import JsonResponse

# Where the "current" link led when this process imported the project: the release
# (code and venv) it runs, even after the link has moved on.
LOADED_FROM = {"code": os.path.realpath(settings.BASE_DIR), "prefix": os.path.realpath(sys.prefix)}


def report(request):
    application_group = request.META.get("mod_wsgi.application_group")
    return JsonResponse({
        "prefix": sys.prefix,
        "loaded_from": LOADED_FROM,
        "python_version": "%d.%d.%d" % sys.version_info[:3],
        "django_version": django.get_version(),
        "django_file": django.__file__,
        "filesystem_encoding": sys.getfilesystemencoding(),
        "preferred_encoding": locale.getpreferredencoding(False),
        "lc_ctype": locale.setlocale(locale.LC_CTYPE),
        "lang": os.environ.get("LANG"),
        "process_group": request.META.get("mod_wsgi.process_group"),
        "application_group": application_group,
        # %{GLOBAL} is the main interpreter, whose application group name is empty.
        "main_interpreter": application_group == "",
        "user": pwd.getpwuid(os.geteuid()).pw_name,
        "group": grp.getgrgid(os.getegid()).gr_name,
        "pid": os.getpid(),
        "environment": {name: os.environ.get(name) for name in ("DJANGO_SETTINGS_MODULE", "MYSITE_DEPLOYMENT")},
        "secret_key_from_environment": settings.SECRET_KEY == os.environ.get("DJANGO_SECRET_KEY"),
        "debug": settings.DEBUG,
        # Non-ASCII names come back intact only with a UTF-8 file system encoding.
        "media_files": sorted(os.listdir(settings.MEDIA_ROOT)),
    })
