"""WSGI entry point of mysite. The WSGI script modwsgi.deploy.wsgi_app installs sets
os.environ (wsgi_app_environment) and then imports `application` from here."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

application = get_wsgi_application()
