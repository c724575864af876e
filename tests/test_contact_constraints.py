import pytest
from django.db import IntegrityError, transaction

from contacts.models import Contact
from pages.models import Domain

pytestmark = pytest.mark.django_db


def test_same_email_in_other_case_on_one_domain_is_refused(domain):
    Contact.objects.create(domain=domain, email="jane@firm.example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(domain=domain, email="Jane@Firm.Example.org")


def test_same_email_on_another_domain_is_allowed(domain):
    other = Domain.objects.create(name="other.example.org")
    Contact.objects.create(domain=domain, email="jane@gmail.com")
    Contact.objects.create(domain=other, email="jane@gmail.com")
    assert Contact.objects.count() == 2


def test_phone_without_email_is_unique_per_domain(domain):
    Contact.objects.create(domain=domain, phone="+13125550123")
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(domain=domain, phone="+13125550123")


def test_the_same_phone_may_belong_to_several_email_contacts(domain):
    Contact.objects.create(domain=domain, email="a@firm.example.org", phone="+13125550123")
    Contact.objects.create(domain=domain, email="b@firm.example.org", phone="+13125550123")
    Contact.objects.create(domain=domain, phone="+13125550123")
    assert Contact.objects.count() == 3


def test_a_contact_needs_an_email_or_a_phone(domain):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(domain=domain, name="Nobody")
