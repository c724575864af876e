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
