import time

import pytest

from pages.classify import classify_url, is_likely_contact_page
from pages.models import PageType

SITE = "https://firm.example.org"


@pytest.mark.parametrize(
    ("path", "page_type"),
    [
        ("/contact", PageType.CONTACT),
        ("/contact-us/", PageType.CONTACT),
        ("/en/kontakt.html", PageType.CONTACT),
        ("/es/contacto", PageType.CONTACT),
        ("/fr/contactez-nous", PageType.CONTACT),
        ("/contact-our-team", PageType.CONTACT),
        ("/about-us", PageType.ABOUT),
        ("/ueber-uns", PageType.ABOUT),
        ("/%C3%BCber-uns", PageType.ABOUT),
        ("/who-we-are", PageType.ABOUT),
        ("/qui-sommes-nous", PageType.ABOUT),
        ("/team", PageType.TEAM),
        ("/our-people", PageType.TEAM),
        ("/staff/", PageType.TEAM),
        ("/fr/equipe", PageType.TEAM),
        ("/careers", PageType.CAREERS),
        ("/jobs/senior-engineer", PageType.CAREERS),
        ("/de/stellenangebote", PageType.CAREERS),
        ("/impressum", PageType.LEGAL),
        ("/imprint", PageType.LEGAL),
        ("/privacy-policy", PageType.LEGAL),
        ("/datenschutz", PageType.LEGAL),
        ("/services/tax-advice", PageType.SERVICES),
        ("/leistungen", PageType.SERVICES),
        ("/blog", PageType.BLOG),
        ("/news/2021-results", PageType.BLOG),
        ("/2023/05/how-to-contact-us", PageType.BLOG),
        ("/blog/contact-us-today", PageType.BLOG),
        ("/posts/about-our-team", PageType.BLOG),
        ("/", PageType.OTHER),
        ("/products/widget-3000", PageType.OTHER),
        ("/contact.pdf", PageType.OTHER),
        ("/team/photo.jpg", PageType.OTHER),
    ],
)
def test_page_type_from_path(path, page_type):
    assert classify_url(SITE + path)[0] == page_type


def test_depth_counts_path_segments():
    assert classify_url(SITE)[2] == 0
    assert classify_url(SITE + "/")[2] == 0
    assert classify_url(SITE + "/contact")[2] == 1
    assert classify_url(SITE + "/en/about/team/")[2] == 3


def test_confidence_is_highest_for_a_whole_segment_match():
    whole = classify_url(SITE + "/contact")[1]
    word = classify_url(SITE + "/contact-information-form")[1]
    parent = classify_url(SITE + "/team/jane-doe")[1]
    assert whole > word > parent
    assert classify_url(SITE + "/team/jane-doe")[0] == PageType.TEAM


@pytest.mark.parametrize(
    "path",
    ["/contact", "/contact-us", "/en/kontakt", "/about", "/about/team", "/de/ueber-uns/team"],
)
def test_likely_contact_pages(path):
    assert is_likely_contact_page(SITE + path)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/blog/contact-us-today",
        "/2023/05/contact",
        "/contact.pdf",
        "/about/team/photo.jpg",
        "/careers",
        "/impressum",
        "/team/jane-doe",
        "/a/b/c/contact",
        "/products/widget",
    ],
)
def test_not_likely_contact_pages(path):
    assert not is_likely_contact_page(SITE + path)


def test_hostile_paths_take_linear_time():
    hostile = SITE + "/" + "-" * 50_000 + "/" + "2023/" * 5_000 + "a" * 50_000
    started = time.perf_counter()
    classify_url(hostile)
    is_likely_contact_page(hostile)
    assert time.perf_counter() - started < 0.5
