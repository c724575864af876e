"""Property-based: requests generated from the OpenAPI schema, valid or not, never get a 5xx."""

import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from curation.models import ApiToken
from scrapersky.wsgi import application

EXAMPLES_PER_OPERATION = 20
BUDGET_SECONDS = 60


@pytest.fixture
def wsgi_in_test_transaction():
    """Called through WSGI, Django closes the connection after each request, and with it the
    test's transaction; its test client disconnects the same signal handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth(django_user_model, make_pages):
    make_pages(3)  # some rows for the lists and filters to find
    user = django_user_model.objects.create_user("fuzzer", password="pw")
    return {"Authorization": f"Bearer {ApiToken.issue(user)[1]}"}


@pytest.mark.parametrize("path", ["/api/v3/openapi.json", "/api/v2/openapi.json"])
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_input_gives_a_server_error(wsgi_in_test_transaction, auth, path, mode):
    schema = schemathesis.openapi.from_wsgi(path, application)
    started = time.monotonic()
    seen: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case):
            response = case.call(headers=auth)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} -> {response.status_code}: "
                f"{response.text[:500]}\n{case.as_curl_command()}"
            )

        check()
        seen.append(operation.label)
    assert seen
    assert time.monotonic() - started < BUDGET_SECONDS
