"""PUT /api/v3/pages/status, the v2 route, and the pages list, detail and bulk create."""

import json
import uuid

import pytest
from django.utils import timezone

from contacts.models import Contact
from pages.models import Domain, Page


def send(client, method, url, body, auth):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json", headers=auth)


def put_status(client, auth, body, url="/api/v3/pages/status"):
    return send(client, "put", url, body, auth)


# --- PUT /api/v3/pages/status --------------------------------------------------------------


def test_selecting_queues_pages(client, auth, api_user, make_pages):
    pages = make_pages(2)
    unknown = uuid.uuid4()
    body = {"page_ids": [str(p.id) for p in pages] + [str(unknown)], "status": "Selected"}
    response = put_status(client, auth, body)
    assert response.status_code == 200
    assert response.json() == {
        "updated_count": 2,
        "queued_count": 2,
        "not_found": [str(unknown)],
        "skipped": [],
    }
    for page in pages:
        page.refresh_from_db()
        assert (page.curation_status, page.processing_status) == ("Selected", "Queued")
        assert page.curated_by == api_user


def test_queued_is_a_synonym_of_selected(client, auth, make_pages):
    page = make_pages(1)[0]
    response = put_status(client, auth, {"page_ids": [str(page.id)], "status": "Queued"})
    assert response.json()["queued_count"] == 1
    page.refresh_from_db()
    assert (page.curation_status, page.processing_status) == ("Selected", "Queued")


def test_processing_pages_are_skipped(client, auth, make_pages):
    page = make_pages(1, curation_status="Selected", processing_status="Processing")[0]
    response = put_status(client, auth, {"page_ids": [str(page.id)], "status": "Selected"})
    assert response.json()["skipped"] == [str(page.id)]
    assert response.json()["queued_count"] == 0


def test_rejecting_a_queued_page_takes_it_off_the_queue(client, auth, make_pages):
    page = make_pages(1, curation_status="Selected", processing_status="Queued")[0]
    response = put_status(client, auth, {"page_ids": [str(page.id)], "status": "Rejected"})
    assert response.json()["updated_count"] == 1
    page.refresh_from_db()
    assert (page.curation_status, page.processing_status) == ("Rejected", None)


def test_status_needs_auth(client, make_pages):
    page = make_pages(1)[0]
    response = put_status(client, {}, {"page_ids": [str(page.id)], "status": "Selected"})
    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"page_ids": ["not-a-uuid"], "status": "Selected"}, "page_ids[0]"),
        ({"page_ids": [str(uuid.uuid4())], "status": "Done"}, "'Selected', 'Queued'"),
        ({"page_ids": "abc", "status": "Selected"}, "page_ids"),
        ({"page_ids": [str(uuid.uuid4())], "status": 7}, "status"),
        ({"page_ids": [], "status": "Selected"}, "at least 1 item"),
        ({"status": "Selected"}, "page_ids: this field is required"),
        ([1, 2], "page_ids"),
        ({"page_ids": [str(uuid.uuid4()) for _ in range(1001)], "status": "Selected"}, "1000"),
    ],
    ids=[
        "malformed-uuid",
        "unknown-status",
        "wrong-type",
        "wrong-type-status",
        "empty-list",
        "missing-field",
        "not-an-object",
        "too-many-ids",
    ],
)
def test_bad_input_is_a_readable_422(client, auth, db, body, fragment):
    response = put_status(client, auth, body)
    assert response.status_code == 422
    payload = response.json()
    assert fragment in payload["detail"]
    assert payload["detail"].startswith("Invalid request: ")
    assert payload["errors"] and {"loc", "msg", "type"} <= set(payload["errors"][0])


def test_invalid_json_is_a_400(client, auth, db):
    response = put_status(client, auth, b'{"page_ids": [')
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]


def test_non_utf8_body_is_a_400(client, auth, db):
    response = put_status(client, auth, b"\xff\xfe{}")
    assert response.status_code == 400


def test_huge_body_is_a_413(client, auth, db, settings):
    body = json.dumps({"page_ids": ["x" * 1000] * 3000, "status": "Selected"})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = put_status(client, auth, body)
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


# --- PUT /api/v2/pages/status --------------------------------------------------------------


@pytest.mark.parametrize("status", ["Queued", "Selected"])
def test_v2_queues_on_queued_and_selected(client, auth, make_pages, status):
    pages = make_pages(2)
    body = {"ids": [str(p.id) for p in pages], "status": status}
    response = put_status(client, auth, body, url="/api/v2/pages/status")
    assert response.status_code == 200
    payload = response.json()
    assert sorted(payload["updated_ids"]) == sorted(str(p.id) for p in pages)
    assert "2 queued" in payload["message"]
    assert set(Page.objects.values_list("processing_status", flat=True)) == {"Queued"}


def test_v2_other_statuses_do_not_queue(client, auth, make_pages):
    page = make_pages(1)[0]
    response = put_status(
        client, auth, {"ids": [str(page.id)], "status": "Rejected"}, url="/api/v2/pages/status"
    )
    assert response.status_code == 200
    page.refresh_from_db()
    assert (page.curation_status, page.processing_status) == ("Rejected", None)


def test_v2_bad_input_and_auth(client, auth, db):
    url = "/api/v2/pages/status"
    assert put_status(client, {}, {"ids": [], "status": "Queued"}, url=url).status_code == 401
    response = put_status(client, auth, {"ids": ["nope"], "status": "Queued"}, url=url)
    assert response.status_code == 422
    assert "ids[0]" in response.json()["detail"]


# --- GET /api/v3/pages ---------------------------------------------------------------------


def test_list_filters_and_paginates(client, auth, make_pages):
    make_pages(3)
    queued = make_pages(2, curation_status="Selected", processing_status="Queued")
    other = Domain.objects.create(name="other.example.net")
    Page.objects.create(url="https://other.example.net/team", domain=other, title="Our team")

    response = client.get("/api/v3/pages?limit=2&offset=1", headers=auth)
    assert response.status_code == 200
    payload = response.json()
    assert payload["count"] == 6 and payload["limit"] == 2 and len(payload["items"]) == 2

    payload = client.get("/api/v3/pages?processing_status=Queued", headers=auth).json()
    assert sorted(i["id"] for i in payload["items"]) == sorted(str(p.id) for p in queued)
    assert client.get("/api/v3/pages?processing_status=none", headers=auth).json()["count"] == 4
    assert client.get("/api/v3/pages?curation_status=Selected", headers=auth).json()["count"] == 2
    payload = client.get("/api/v3/pages?domain=Other.Example.net", headers=auth).json()
    assert [i["domain"] for i in payload["items"]] == ["other.example.net"]
    assert client.get("/api/v3/pages?q=TEAM", headers=auth).json()["count"] == 1


@pytest.mark.parametrize(
    "query",
    [
        "curation_status=Bogus",
        "limit=0",
        "limit=abc",
        "offset=-1",
        "processing_status=x",
        "q=a%00b",
    ],
)
def test_list_bad_filters_are_422(client, auth, db, query):
    response = client.get(f"/api/v3/pages?{query}", headers=auth)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Invalid request: ")


def test_list_needs_auth(client, db):
    assert client.get("/api/v3/pages").status_code == 401


# --- GET /api/v3/pages/{id} ----------------------------------------------------------------


def test_detail_has_the_contacts(client, auth, make_pages, domain):
    page = make_pages(1)[0]
    Contact.objects.create(domain=domain, page=page, email="jane@firm.example.org", name="Jane")
    response = client.get(f"/api/v3/pages/{page.id}", headers=auth)
    assert response.status_code == 200
    payload = response.json()
    assert payload["url"] == page.url
    assert [c["email"] for c in payload["contacts"]] == ["jane@firm.example.org"]
    assert payload["contacts"][0]["page_url"] == page.url


def test_detail_unknown_malformed_and_unauthenticated(client, auth, make_pages):
    page = make_pages(1)[0]
    assert client.get(f"/api/v3/pages/{uuid.uuid4()}", headers=auth).status_code == 404
    assert client.get(f"/api/v3/pages/{uuid.uuid4()}", headers=auth).json()["detail"]
    response = client.get("/api/v3/pages/not-a-uuid", headers=auth)
    assert response.status_code == 422
    assert "page_id" in response.json()["detail"]
    assert client.get(f"/api/v3/pages/{page.id}").status_code == 401


# --- POST /api/v3/pages --------------------------------------------------------------------


def test_bulk_create_normalises_deduplicates_and_reports(client, auth, make_pages, domain):
    known = make_pages(1)[0]
    urls = [
        "HTTPS://New.Example.com/Contact#top",
        "https://new.example.com/Contact",
        known.url,
        "ftp://new.example.com/file",
        "",
        "team.example.com",
    ]
    response = send(client, "post", "/api/v3/pages", {"urls": urls}, auth)
    assert response.status_code == 201
    payload = response.json()
    assert sorted(p["url"] for p in payload["created"]) == [
        "https://new.example.com/Contact",
        "https://team.example.com/",
    ]
    assert payload["existing"] == [{"id": str(known.id), "url": known.url}]
    assert [i["url"] for i in payload["invalid"]] == ["ftp://new.example.com/file", ""]
    assert "only http and https" in payload["invalid"][0]["reason"]
    assert payload["queued_count"] == 0
    assert Domain.objects.filter(name__in=["new.example.com", "team.example.com"]).count() == 2
    assert Page.objects.get(url="https://new.example.com/Contact").processing_status is None


def test_bulk_create_can_select(client, auth, db):
    body = {"urls": ["https://a.example.com/contact"], "select": True}
    response = send(client, "post", "/api/v3/pages", body, auth)
    assert response.json()["queued_count"] == 1
    page = Page.objects.get()
    assert (page.curation_status, page.processing_status) == ("Selected", "Queued")
    # Nothing new: 200, and nothing queued again.
    response = send(client, "post", "/api/v3/pages", body, auth)
    assert response.status_code == 200
    assert response.json()["queued_count"] == 0


def test_bulk_create_rejects_what_the_database_cannot_hold(client, auth, db):
    urls = ["https://a.example.com/\x00", "https://a.example.com/" + "é" * 1500]
    response = send(client, "post", "/api/v3/pages", {"urls": urls}, auth)
    assert response.status_code == 200
    assert len(response.json()["invalid"]) == 2
    assert not Page.objects.exists()


@pytest.mark.parametrize(
    "body", [{"urls": []}, {"urls": "x"}, {"urls": [1]}, {}, {"urls": ["a.com"] * 1001}]
)
def test_bulk_create_bad_input_is_422(client, auth, db, body):
    response = send(client, "post", "/api/v3/pages", body, auth)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_bulk_create_needs_auth(client, db):
    assert send(client, "post", "/api/v3/pages", {"urls": ["a.com"]}, {}).status_code == 401


def test_page_timestamps_are_iso(client, auth, make_pages):
    make_pages(1)
    item = client.get("/api/v3/pages", headers=auth).json()["items"][0]
    assert timezone.datetime.fromisoformat(item["created_at"])
