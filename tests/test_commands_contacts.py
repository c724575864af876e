"""recent_contacts and verify_contacts."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from contacts.models import Contact


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def contacts(make_pages, domain):
    page = make_pages(1)[0]
    rows = {
        "jane": Contact.objects.create(
            domain=domain,
            page=page,
            email="jane@acmewidgets.de",
            name="Jane Doe",
            phone="+14155550123",
            email_type="CORPORATE",
        ),
        "old": Contact.objects.create(domain=domain, email="old@acmewidgets.de"),
        "asset": Contact.objects.create(domain=domain, email="logo@2x.png"),
        "placeholder": Contact.objects.create(domain=domain, email="you@example.com"),
        "bad_phone": Contact.objects.create(
            domain=domain, email="sales@acmewidgets.de", phone="+1000"
        ),
        "phone_only_bad": Contact.objects.create(domain=domain, phone="12345"),
        "phone_only_good": Contact.objects.create(domain=domain, phone="+442079460958"),
    }
    Contact.objects.filter(pk=rows["old"].pk).update(first_seen=timezone.now() - timedelta(hours=3))
    return rows


def test_recent_contacts(contacts):
    out = run("recent_contacts")
    assert "jane@acmewidgets.de (Jane Doe) +14155550123  [CORPORATE]  firm.example.org" in out
    assert "old@acmewidgets.de" not in out
    assert out.strip().endswith("6 contacts in the last 60 minutes.")
    assert "old@acmewidgets.de" in run("recent_contacts", "--minutes", "240")


def test_recent_contacts_json(contacts):
    rows = [json.loads(line) for line in run("recent_contacts", "--json").splitlines()]
    jane = next(r for r in rows if r["email"] == "jane@acmewidgets.de")
    assert jane["name"] == "Jane Doe" and jane["domain"] == "firm.example.org"
    assert jane["page_url"].startswith("https://firm.example.org/")
    assert len(rows) == 6


def test_recent_contacts_rejects_bad_minutes(db):
    with pytest.raises(CommandError):
        run("recent_contacts", "--minutes", "0")


def test_verify_reports_and_changes_nothing_without_fix(contacts):
    before = list(Contact.objects.order_by("pk").values())
    out = run("verify_contacts")
    assert "logo@2x.png" in out and "you@example.com" in out and "12345" in out
    assert "sales@acmewidgets.de: phone:" in out
    assert "jane@acmewidgets.de" not in out
    assert "Checked 7 contacts: 3 invalid, 1 with an invalid phone" in out
    assert "Nothing changed" in out
    assert list(Contact.objects.order_by("pk").values()) == before
    assert "Nothing changed" in run("verify_contacts", "--fix", "--dry-run")
    assert list(Contact.objects.order_by("pk").values()) == before


def test_verify_fix(contacts):
    out = run("verify_contacts", "--fix")
    assert "Deleted 3; cleared 1 phones." in out
    remaining = set(Contact.objects.values_list("email", "phone"))
    assert remaining == {
        ("jane@acmewidgets.de", "+14155550123"),
        ("old@acmewidgets.de", ""),
        ("sales@acmewidgets.de", ""),
        ("", "+442079460958"),
    }
    assert "0 invalid, 0 with an invalid phone" in run("verify_contacts")


def test_verify_falls_back_without_the_extractor(contacts, domain, monkeypatch):
    import importlib
    import sys

    extract = importlib.import_module("contacts.extract")
    for name in ("emails", "phones"):
        monkeypatch.delattr(extract, name, raising=False)
        monkeypatch.setitem(sys.modules, f"contacts.extract.{name}", None)
    Contact.objects.create(domain=domain, email="no-at-sign.example.org")
    out = run("verify_contacts")
    assert "no-at-sign.example.org:" in out
    assert "12345:" in out
    assert "jane@acmewidgets.de" not in out
