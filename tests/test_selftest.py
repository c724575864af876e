import io

import pytest
from django.core.management import CommandError, call_command

from contacts.models import Contact
from pages.models import Domain, Page

pytestmark = pytest.mark.django_db(transaction=True)


def test_selftest_passes_and_cleans_up():
    out = io.StringIO()
    call_command("selftest", stdout=out)
    assert "Self-test passed" in out.getvalue()
    assert not Page.objects.exists()
    assert not Contact.objects.exists()
    assert not Domain.objects.exists()


def test_selftest_fails_loudly_when_extraction_breaks(monkeypatch):
    from contacts import workflow
    from contacts.extract import extract

    def forgetful(html, url):
        result = extract(html, url)
        result.contacts = [c for c in result.contacts if not c.email.startswith("info@")]
        return result

    monkeypatch.setattr(workflow, "extract", forgetful)
    with pytest.raises(CommandError, match=r"missing contact \('info@selftest-firm\.com'"):
        call_command("selftest", stdout=io.StringIO())
    assert not Page.objects.exists()


def test_selftest_keeps_an_existing_domain():
    Domain.objects.create(name="127.0.0.1")
    call_command("selftest", stdout=io.StringIO())
    assert Domain.objects.filter(name="127.0.0.1").exists()
