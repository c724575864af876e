"""Who may call the API: bearer tokens, staff sessions, and the 401/403 answers."""

import json

import pytest
from django.test import Client

from curation.models import ApiToken

STATUS_URL = "/api/v3/pages/status"


@pytest.fixture
def token(api_user):
    return ApiToken.issue(api_user, name="tests")[1]


def put_status(client, page_ids, headers=None):
    body = json.dumps({"page_ids": [str(i) for i in page_ids], "status": "Selected"})
    return client.put(STATUS_URL, body, content_type="application/json", headers=headers or {})


def test_missing_token_is_401_json(client, db):
    response = client.get("/api/v3/pages")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "Authorization: Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_token_is_401_json(client, token):
    response = client.get("/api/v3/pages", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    assert "wrong, revoked" in response.json()["detail"]


def test_put_with_wrong_token_is_401_not_a_csrf_403(db, make_pages):
    client = Client(enforce_csrf_checks=True)
    page = make_pages(1)[0]
    response = put_status(client, [page.id], {"Authorization": "Bearer nope"})
    assert response.status_code == 401


def test_token_authenticates_and_records_its_use(client, token, api_user):
    response = client.get("/api/v3/pages", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert ApiToken.objects.get(user=api_user).last_used_at is not None


def test_only_the_hash_is_stored(token):
    row = ApiToken.objects.get()
    assert row.key_hash == ApiToken.hash(token) != token
    assert row.prefix == token[:8]


def test_revoked_token_is_401(client, token):
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    response = client.get("/api/v3/pages", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_token_of_inactive_user_is_401(client, token, api_user):
    api_user.is_active = False
    api_user.save()
    response = client.get("/api/v3/pages", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_selection_records_the_token_user(client, token, api_user, make_pages):
    page = make_pages(1)[0]
    response = put_status(client, [page.id], {"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    page.refresh_from_db()
    assert page.curated_by == api_user


def test_staff_session_may_read(client, staff):
    client.force_login(staff)
    assert client.get("/api/v3/pages").status_code == 200


def test_non_staff_session_is_401(client, api_user):
    client.force_login(api_user)
    assert client.get("/api/v3/pages").status_code == 401


def test_staff_session_put_needs_the_csrf_token(staff, make_pages):
    page = make_pages(1)[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    response = put_status(client, [page.id])
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]

    client.get("/admin/")  # sets the csrftoken cookie, as a browser session would have it
    csrf = client.cookies["csrftoken"].value
    response = put_status(client, [page.id], {"X-CSRFToken": csrf})
    assert response.status_code == 200
    page.refresh_from_db()
    assert page.curated_by == staff


def test_openapi_docs_are_served(client, db):
    assert client.get("/api/v3/docs").status_code == 200
    schema = client.get("/api/v3/openapi.json").json()
    assert set(schema["paths"]) >= {
        "/api/v3/pages/status",
        "/api/v3/pages",
        "/api/v3/pages/{page_id}",
        "/api/v3/contacts",
        "/api/v3/contacts.csv",
        "/api/v3/domains",
        "/api/v3/stats",
    }
    put = schema["paths"]["/api/v3/pages/status"]["put"]
    assert {"200", "401", "422"} <= set(put["responses"])
    assert schema["components"]["schemas"]["PageStatusIn"]["properties"]["page_ids"]["examples"]
    assert "/api/v2/pages/status" in client.get("/api/v2/openapi.json").json()["paths"]
