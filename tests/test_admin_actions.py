"""The page admin's bulk actions, through the test client, as staff and as a non-staff user."""

import pytest
from django.urls import reverse

from curation.models import CurationStatus, ProcessingStatus
from pages.models import Page

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:pages_page_changelist")


def run_action(client, action, pages):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [str(p.pk) for p in pages]},
        follow=True,
    )


@pytest.mark.parametrize(
    "action,curation,processing",
    [
        ("select_for_extraction", CurationStatus.SELECTED, ProcessingStatus.QUEUED),
        ("reject", CurationStatus.REJECTED, None),
        ("archive", CurationStatus.ARCHIVED, None),
        ("reset_to_new", CurationStatus.NEW, None),
    ],
)
def test_staff_runs_each_bulk_action(client, staff, make_pages, action, curation, processing):
    start = CurationStatus.NEW if action != "reset_to_new" else CurationStatus.REJECTED
    pages = make_pages(3, curation_status=start)
    client.force_login(staff)
    response = run_action(client, action, pages)
    assert response.status_code == 200
    assert set(Page.objects.values_list("curation_status", "processing_status")) == {
        (curation, processing)
    }
    text = [str(m) for m in response.context["messages"]]
    assert any("3 pages updated" in m for m in text), text


def test_select_action_reports_skipped_processing_pages(client, staff, make_pages):
    busy = make_pages(1, processing_status=ProcessingStatus.PROCESSING)
    fresh = make_pages(2)
    client.force_login(staff)
    response = run_action(client, "select_for_extraction", busy + fresh)
    text = " ".join(str(m) for m in response.context["messages"])
    assert "2 pages updated, 2 queued for processing" in text
    assert "1 page skipped because they are being processed right now" in text
    assert Page.objects.get(pk=busy[0].pk).processing_status == ProcessingStatus.PROCESSING


def test_non_staff_user_cannot_run_actions(client, django_user_model, make_pages):
    pages = make_pages(2)
    user = django_user_model.objects.create_user("visitor", password="pw")
    client.force_login(user)
    response = run_action(client, "select_for_extraction", pages)
    assert response.redirect_chain and "/admin/login/" in response.redirect_chain[-1][0]
    assert not Page.objects.exclude(curation_status=CurationStatus.NEW).exists()


def test_staff_without_change_permission_cannot_select(client, django_user_model, make_pages):
    from django.contrib.auth.models import Permission

    pages = make_pages(2)
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_page"))
    client.force_login(viewer)
    run_action(client, "select_for_extraction", pages)
    assert not Page.objects.exclude(curation_status=CurationStatus.NEW).exists()


def test_processing_fields_are_read_only_in_the_change_form(client, staff, make_pages):
    page = make_pages(1)[0]
    client.force_login(staff)
    response = client.get(reverse("admin:pages_page_change", args=[page.pk]))
    form = response.context["adminform"].form
    for field in ("processing_status", "processing_error", "processing_attempts", "domain"):
        assert field not in form.fields


def test_adding_a_page_creates_its_domain_and_normalises_the_url(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:pages_page_add"),
        {
            "url": "HTTPS://Shop.Example.COM/about#team",
            "title": "",
            "source": "manual",
            "curation_status": "New",
            "page_type": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = Page.objects.get()
    assert page.url == "https://shop.example.com/about"
    assert page.domain.name == "shop.example.com"


def test_selecting_in_the_change_form_goes_through_the_dual_status_update(
    client, staff, make_pages
):
    page = make_pages(1)[0]
    client.force_login(staff)
    client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        {
            "url": page.url,
            "title": "Team",
            "source": "manual",
            "curation_status": "Selected",
            "page_type": "",
        },
        follow=True,
    )
    page.refresh_from_db()
    assert (page.title, page.curation_status, page.processing_status) == (
        "Team",
        CurationStatus.SELECTED,
        ProcessingStatus.QUEUED,
    )
    assert page.curated_by == staff


def test_saving_the_form_keeps_what_the_worker_wrote_meanwhile(client, staff, make_pages):
    page = make_pages(1, curation_status="Selected", processing_status="Processing")[0]
    client.force_login(staff)
    Page.objects.filter(pk=page.pk).update(processing_status="Complete", contacts_found=4)
    client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        {
            "url": page.url,
            "title": "Renamed",
            "source": "manual",
            "curation_status": "Selected",
            "page_type": "",
        },
    )
    page.refresh_from_db()
    assert (page.title, page.processing_status, page.contacts_found) == ("Renamed", "Complete", 4)


def test_changelist_shows_facet_counts(client, staff, make_pages):
    make_pages(2, curation_status=CurationStatus.REJECTED)
    client.force_login(staff)
    response = client.get(CHANGELIST + "?_facets=True")
    assert response.status_code == 200
    assert "Rejected" in response.content.decode()
    assert "(2)" in response.content.decode()


def test_api_tokens_are_listed_and_revoked_in_the_admin(admin_client, django_user_model):
    from curation.models import ApiToken

    user = django_user_model.objects.create_user("robot")
    token, raw = ApiToken.issue(user, name="crm sync")
    listing = admin_client.get(reverse("admin:curation_apitoken_changelist"))
    assert token.prefix in listing.content.decode()
    assert raw not in listing.content.decode()
    admin_client.post(
        reverse("admin:curation_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert ApiToken.user_for(raw) is None


def test_adding_a_domain_in_another_case_is_refused_with_a_message(admin_client):
    from pages.models import Domain

    Domain.objects.create(name="example.org")
    response = admin_client.post(reverse("admin:pages_domain_add"), {"name": "Example.ORG."})
    assert response.status_code == 200  # the form again, with the error
    assert "already exists" in response.content.decode()
    assert Domain.objects.count() == 1
