"""Storing contacts: bulk upserts, merging, and two workers storing the same contacts."""

import threading
from dataclasses import dataclass

import pytest

from contacts.models import Contact
from contacts.store import store_contacts, store_contacts_many
from pages.models import Domain, Page
from tests.concurrency import run_concurrently


@dataclass
class Found:
    email: str = ""
    phone: str = ""
    name: str = ""
    email_type: str = "CORPORATE"
    source: str = "text"
    context: str = ""


@pytest.mark.django_db
def test_email_case_and_repeats_make_one_contact():
    page = Page.objects.create(url="https://acme-tools.com/team")
    stored = store_contacts(
        page, [Found("Ana@Acme-Tools.com"), Found("ana@acme-tools.com", name="Ana Ruiz")]
    )
    assert (stored.created, stored.updated) == (1, 0)
    contact = Contact.objects.get()
    assert (contact.email, contact.name) == ("ana@acme-tools.com", "Ana Ruiz")


@pytest.mark.django_db
def test_phone_only_contacts_are_unique_per_domain_and_kept_apart_from_emails():
    page = Page.objects.create(url="https://acme-tools.com/")
    store_contacts(page, [Found(phone="+13128674411"), Found("ana@acme-tools.com", "+13128674411")])
    store_contacts(page, [Found(phone="+13128674411")])
    assert Contact.objects.filter(email="", phone="+13128674411").count() == 1
    assert Contact.objects.count() == 2


@pytest.mark.django_db
def test_a_later_page_fills_what_the_first_left_empty_and_keeps_the_first_page():
    first = Page.objects.create(url="https://acme-tools.com/a")
    second = Page.objects.create(url="https://acme-tools.com/b")
    store_contacts(first, [Found("ana@acme-tools.com")])
    stored = store_contacts(second, [Found("ana@acme-tools.com", "+13128674411", "Ana Ruiz")])
    assert (stored.created, stored.updated) == (0, 1)
    contact = Contact.objects.get()
    assert (contact.page_id, contact.name, contact.phone) == (first.pk, "Ana Ruiz", "+13128674411")


@pytest.mark.django_db(transaction=True)
def test_two_workers_storing_the_same_contacts_never_deadlock():
    domain = Domain.objects.create(name="acme-tools.com")
    pages = [
        Page.objects.create(url=f"https://acme-tools.com/p{i}", domain=domain) for i in range(2)
    ]
    shared = [Found(f"team{i}@acme-tools.com") for i in range(300)]
    errors = []

    def worker(page, order, barrier):
        try:
            for _ in range(20):
                barrier.wait(timeout=10)
                store_contacts_many([(page, order)])
        except threading.BrokenBarrierError:
            pass  # the other worker failed
        except Exception as exc:  # a deadlock would surface here
            errors.append(exc)
            barrier.abort()

    barrier = threading.Barrier(2)
    run_concurrently(
        lambda: worker(pages[0], shared, barrier),
        lambda: worker(pages[1], shared[::-1], barrier),
    )
    assert errors == []
    assert Contact.objects.count() == 300
