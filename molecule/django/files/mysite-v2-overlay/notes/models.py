"""The notes app: one model, so that releases carry migrations."""
from django.db import models


class Note(models.Model):
    text = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
    # Nullable, so that release 1, rolled back to over this migrated table, still
    # inserts rows: its INSERT names no title.
    title = models.CharField(max_length=100, null=True, blank=True)

    def __str__(self):
        return self.title or self.text
