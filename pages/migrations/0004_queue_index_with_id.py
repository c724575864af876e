"""The queue index on (queued_at, id), built without locking the tables.

On PostgreSQL: CREATE INDEX CONCURRENTLY under a temporary name, drop the old index
concurrently, then rename, so reads, selections and workers carry on while a large table is
indexed. Other databases (SQLite for development) build it plainly.
"""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models

QUEUED = models.Q(("processing_status", "Queued"))


class PlainUnlessPostgres:
    """CONCURRENTLY on PostgreSQL; the plain AddIndex/RemoveIndex elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        plain = (
            migrations.AddIndex if isinstance(self, migrations.AddIndex) else migrations.RemoveIndex
        )
        return plain.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        plain = (
            migrations.AddIndex if isinstance(self, migrations.AddIndex) else migrations.RemoveIndex
        )
        return plain.database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddQueueIndex(PlainUnlessPostgres, AddIndexConcurrently):
    pass


class RemoveQueueIndex(PlainUnlessPostgres, RemoveIndexConcurrently):
    pass


def swap(model_name: str, name: str) -> list:
    return [
        AddQueueIndex(
            model_name=model_name,
            index=models.Index(condition=QUEUED, fields=["queued_at", "id"], name=f"{name}_new"),
        ),
        RemoveQueueIndex(model_name=model_name, name=name),
        migrations.RenameIndex(model_name=model_name, new_name=name, old_name=f"{name}_new"),
    ]


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ("pages", "0003_status_indexes"),
    ]

    operations = swap("domain", "pages_domain_queue") + swap("page", "pages_page_queue")
