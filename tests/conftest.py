import pytest
from django.db import connection

from pages.models import Domain, Page
from tests.localsite import LocalSite


def pytest_configure(config):
    if connection.vendor != "postgresql":
        raise pytest.UsageError(
            "The tests run against PostgreSQL only: set DATABASE_URL=postgres://… or use bin/test "
            f"(got the {connection.vendor} backend)."
        )


@pytest.fixture
def staff(django_user_model):
    """A staff user allowed to change pages (not a superuser)."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["pages", "contacts"],
            codename__regex=r"^(view|change|add|delete)_",
        )
    )
    return user


@pytest.fixture
def api_user(django_user_model):
    """A plain (non-staff) user calling the API with a token."""
    return django_user_model.objects.create_user("robot", password="pw")


@pytest.fixture
def auth(api_user):
    """Headers that authenticate as api_user."""
    from curation.models import ApiToken

    return {"Authorization": f"Bearer {ApiToken.issue(api_user)[1]}"}


@pytest.fixture
def domain(db):
    return Domain.objects.create(name="firm.example.org")


@pytest.fixture
def make_pages(db, domain):
    """make_pages(n, **fields) -> list of Page rows on one domain."""

    def make(n: int = 3, **fields):
        pages = [
            Page(url=f"https://{domain.name}/p{i}-{Page.objects.count()}", domain=domain, **fields)
            for i in range(n)
        ]
        return Page.objects.bulk_create(pages)

    return make


@pytest.fixture
def local_site():
    """local_site(page) -> a LocalSite serving page(path) on 127.0.0.1, closed after the test."""
    sites = []

    def start(page):
        sites.append(LocalSite(page))
        return sites[-1]

    yield start
    for site in sites:
        site.close()
