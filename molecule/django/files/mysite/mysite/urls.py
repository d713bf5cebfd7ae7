"""URLs of mysite: the admin, and a report of what serves the request at the root."""
from django.contrib import admin
from django.urls import path

from mysite import views

urlpatterns = [
    path("", views.report, name="report"),
    path("admin/", admin.site.urls),
]
