"""Social links: profiles from hrefs, normalised; never share buttons or other pages."""

import pytest

from contacts.extract import extract
from contacts.extract.social import profile_url


def social(body: str) -> list[str]:
    return extract(f"<html><body>{body}</body></html>", "https://www.fernwick.org/").social


@pytest.mark.parametrize(
    ("href", "profile"),
    [
        (
            "https://www.linkedin.com/in/ola-nordmann-12ab/",
            "https://www.linkedin.com/in/ola-nordmann-12ab",
        ),
        ("https://uk.linkedin.com/company/fernwick", "https://uk.linkedin.com/company/fernwick"),
        (
            "https://www.linkedin.com/school/fernwick-college/",
            "https://www.linkedin.com/school/fernwick-college",
        ),
        ("http://twitter.com/fernwick/", "https://twitter.com/fernwick"),
        ("https://x.com/fernwick?ref_src=twsrc%5Etfw", "https://x.com/fernwick"),
        ("//www.facebook.com/Fernwick#about", "https://www.facebook.com/Fernwick"),
        ("https://www.instagram.com/fern_wick/?hl=en", "https://www.instagram.com/fern_wick"),
        ("https://www.youtube.com/@FernwickTV", "https://www.youtube.com/@FernwickTV"),
        ("https://www.youtube.com/channel/UCabc123", "https://www.youtube.com/channel/UCabc123"),
        ("https://www.youtube.com/c/Fernwick", "https://www.youtube.com/c/Fernwick"),
        ("https://www.youtube.com/user/fernwick", "https://www.youtube.com/user/fernwick"),
        ("https://www.tiktok.com/@fernwick", "https://www.tiktok.com/@fernwick"),
        ("https://github.com/fernwick", "https://github.com/fernwick"),
    ],
)
def test_profiles_normalised(href, profile):
    assert profile_url(href) == profile


@pytest.mark.parametrize(
    "href",
    [
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fwww.fernwick.org",
        "https://twitter.com/intent/tweet?url=https%3A%2F%2Fwww.fernwick.org",
        "https://twitter.com/share?url=x",
        "https://www.linkedin.com/sharing/share-offsite/?url=x",
        "https://www.linkedin.com/shareArticle?mini=true",
        "https://github.com/fernwick/fernwick",
        "https://github.com/fernwick/fernwick/issues",
        "https://gist.github.com/fernwick",
        "https://docs.github.com/fernwick",
        "https://fernwick.github.io/",
        "https://twitter.com/fernwick/status/1790000000000000000",
        "https://www.instagram.com/p/C7abcdef/",
        "https://www.youtube.com/watch?v=abc",
        "https://youtu.be/abc",
        "https://www.pinterest.com/fernwick/",
        "https://www.tripadvisor.com/Restaurant_Review-g1-d2",
        "https://www.yelp.com/biz/fernwick",
        "https://www.facebook.com/profile.php?id=100001",
        "mailto:hi@fernwick.org",
        "/about/",
    ],
)
def test_not_profiles(href):
    assert profile_url(href) is None


def test_page_links_unique_in_order_and_same_as_is_not_a_link():
    body = (
        '<script type="application/ld+json">{"@type": "Organization", "sameAs": '
        '["https://www.facebook.com/fernwick.only.in.jsonld"]}</script>'
        '<a href="https://twitter.com/Fernwick">X</a>'
        '<a href="https://www.facebook.com/fernwick/">Facebook</a>'
        '<a href="http://twitter.com/fernwick/">again</a>'
        '<a href="https://www.facebook.com/sharer.php?u=x">Share</a>'
    )
    assert social(body) == ["https://twitter.com/Fernwick", "https://www.facebook.com/fernwick"]
