import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_queue_index_is_partial_on_queued_rows():
    from pages.models import Page

    index = next(i for i in Page._meta.indexes if i.name == "pages_page_queue")
    assert index.condition is not None
    assert "Queued" in str(index.condition)


@pytest.mark.django_db
def test_the_queue_index_in_the_database_is_queued_at_then_id():
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "pages_page")
    assert constraints["pages_page_queue"]["columns"] == ["queued_at", "id"]
