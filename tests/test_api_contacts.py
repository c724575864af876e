"""GET /api/v3/contacts, the CSV export and GET /api/v3/domains."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import Contact
from pages.models import Domain


@pytest.fixture
def contacts(make_pages, domain):
    page = make_pages(1)[0]
    other = Domain.objects.create(name="other.example.net")
    rows = [
        Contact.objects.create(
            domain=domain, page=page, email="info@firm.example.org", email_type="SERVICE"
        ),
        Contact.objects.create(
            domain=domain,
            page=page,
            email="jane@firm.example.org",
            name="Jane Døe",
            phone="+14155550123",
            email_type="CORPORATE",
            context='=HYPERLINK("http://evil") Jane, "sales"',
        ),
        Contact.objects.create(domain=other, phone="+14155550199"),
    ]
    Contact.objects.filter(pk=rows[2].pk).update(first_seen=timezone.now() - timedelta(days=3))
    return rows


def test_list_filters_and_paginates(client, auth, contacts):
    payload = client.get("/api/v3/contacts", headers=auth).json()
    assert payload["count"] == 3 and len(payload["items"]) == 3
    assert client.get("/api/v3/contacts?limit=1&offset=2", headers=auth).json()["count"] == 3
    assert len(client.get("/api/v3/contacts?limit=1", headers=auth).json()["items"]) == 1

    payload = client.get("/api/v3/contacts?email_type=SERVICE", headers=auth).json()
    assert [c["email"] for c in payload["items"]] == ["info@firm.example.org"]
    payload = client.get("/api/v3/contacts?domain=other.example.net", headers=auth).json()
    assert [c["phone"] for c in payload["items"]] == ["+14155550199"]
    payload = client.get("/api/v3/contacts?q=JANE", headers=auth).json()
    assert [c["name"] for c in payload["items"]] == ["Jane Døe"]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    response = client.get("/api/v3/contacts", {"since": since}, headers=auth)
    assert response.json()["count"] == 2
    item = payload["items"][0]
    assert item["domain"] == "firm.example.org" and item["page_url"].startswith("https://")


@pytest.mark.parametrize(
    "query", ["email_type=GOLD", "since=yesterday", "limit=501", "offset=x", "domain=a%00"]
)
def test_list_bad_filters_are_422(client, auth, db, query):
    response = client.get(f"/api/v3/contacts?{query}", headers=auth)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Invalid request: ")


def test_naive_and_extreme_since_never_500(client, auth, contacts):
    assert client.get("/api/v3/contacts?since=2020-01-01T00:00:00", headers=auth).json()["count"]
    response = client.get("/api/v3/contacts?since=0001-01-01T00:00:00%2B05:00", headers=auth)
    assert response.status_code in (200, 422)


def test_list_needs_auth(client, db):
    assert client.get("/api/v3/contacts").status_code == 401
    assert client.get("/api/v3/contacts.csv").status_code == 401


def test_csv_export(client, auth, contacts):
    response = client.get("/api/v3/contacts.csv?domain=firm.example.org", headers=auth)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-')
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted(r["email"] for r in rows) == ["info@firm.example.org", "jane@firm.example.org"]
    jane = next(r for r in rows if r["email"].startswith("jane"))
    assert jane["name"] == "Jane Døe"
    assert jane["phone"] == "+14155550123"
    assert jane["domain"] == "firm.example.org"
    # Scraped text that would run as a formula in a spreadsheet is defused.
    assert jane["context"] == '\'=HYPERLINK("http://evil") Jane, "sales"'


def test_csv_export_of_nothing_is_a_header(client, auth, db):
    response = client.get("/api/v3/contacts.csv", headers=auth)
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines == [
        "email,name,phone,email_type,source,domain,page_url,context,first_seen,last_seen,id"
    ]


def test_domains_have_counts(client, auth, contacts, domain):
    Domain.objects.create(name="empty.example.com")
    payload = client.get("/api/v3/domains", headers=auth).json()
    counts = {d["name"]: (d["page_count"], d["contact_count"]) for d in payload["items"]}
    assert counts == {
        "empty.example.com": (0, 0),
        "firm.example.org": (1, 2),
        "other.example.net": (0, 1),
    }
    payload = client.get("/api/v3/domains?q=FIRM&limit=1", headers=auth).json()
    assert payload["count"] == 1 and payload["items"][0]["name"] == "firm.example.org"
    assert client.get("/api/v3/domains?limit=0", headers=auth).status_code == 422
    assert client.get("/api/v3/domains").status_code == 401
