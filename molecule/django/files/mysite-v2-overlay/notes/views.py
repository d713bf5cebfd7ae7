"""What the notes table holds, and which columns the database gives it: the tests tell
releases apart by this view's answer, and see which migrations the database has had."""
from django.db import connection
from django.http import JsonResponse

from notes.models import Note


def index(request):
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, Note._meta.db_table)
    columns = [column.name for column in table]
    return JsonResponse({
        "release": 2,
        # Release 2 shows each note's title, the field migration 0002 adds.
        "notes": [{"text": note.text, "title": note.title} for note in Note.objects.order_by("id")],
        "columns": sorted(columns),
    })
