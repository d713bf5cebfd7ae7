"""Settings of the Django project the django molecule scenario releases through
modwsgi.deploy.wsgi_app. Works with Django 3.2 (Python 3.6) and 4.2 (Python 3.8+).

Each release is a directory of its own (/srv/mysite/releases/<id>, served through the
"current" link) and belongs to root. The daemon user may write only MEDIA_ROOT and the
directory of the SQLite database, which outlive releases: "media" and "data" in a
release are links to /srv/mysite/shared (wsgi_app_shared_paths).
"""
import os

# The release this file belongs to: collectstatic, run in a new release before the
# switch, fills that release's STATIC_ROOT, not the one serving.
BASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Set in os.environ by the WSGI script and, for manage.py, by the role's release commands
# (both from wsgi_app_environment): no secret in the code.
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["mysite.test", "www.mysite.test", "localhost", "127.0.0.1"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "notes",
]

MIDDLEWARE = [
    # First, so that every response Django produces (errors included) carries it.
    "mysite.middleware.served_by_django",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "mysite.urls"
WSGI_APPLICATION = "mysite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The directory, not only the file, belongs to the daemon user: SQLite writes its
# journal next to the database.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(BASE_DIR, "data", "db.sqlite3"),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Apache serves both itself (wsgi_app_aliases); Django only builds the URLs. The static
# files are collected into each release, so a rollback serves the old release's own.
STATIC_URL = "/static/"
STATIC_ROOT = os.path.join(BASE_DIR, "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = os.path.join(BASE_DIR, "media")

# Errors go to stderr, which mod_wsgi writes to the VirtualHost's ErrorLog.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
