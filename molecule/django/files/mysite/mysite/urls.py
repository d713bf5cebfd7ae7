"""URLs of mysite: the admin, the notes, and a report of what serves the request at the root."""
from django.contrib import admin
from django.urls import path

import notes.views
from mysite import views

urlpatterns = [
    path("", views.report, name="report"),
    path("notes/", notes.views.index, name="notes"),
    path("admin/", admin.site.urls),
]
