import pytest

from pages.importing import create_pages, normalise_urls
from pages.links import InvalidURL, host_of, normalize_url
from pages.models import Page


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("HTTPS://Firm.Example.ORG/Team#jane", "https://firm.example.org/Team"),
        ("firm.example.org", "https://firm.example.org/"),
        ("http://firm.example.org:80/a?b=1", "http://firm.example.org/a?b=1"),
        ("https://firm.example.org:8443/", "https://firm.example.org:8443/"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("  https://firm.example.org/x  ", "https://firm.example.org/x"),
        ("firm.example.org:8080/x", "https://firm.example.org:8080/x"),
    ],
)
def test_normalize_url(raw, expected):
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    "raw,reason",
    [
        ("", "empty URL"),
        ("ftp://firm.example.org/", "only http and https"),
        ("https://firm.example.org/a b", "white space"),
        ("https://firm.example.org/\x00", "NUL"),
        ("https://" + ".".join(["a" * 60] * 5) + ".com/", "host name longer than 253"),
        ("mailto:jane@firm.example.org", "not mailto:"),
        ("javascript:alert(1)", "not javascript:"),
        ("https://user:secret@firm.example.org/", "user name or password"),
        ("https://firm.example.org/" + "é" * 1100, "longer than 2048 bytes"),
        ("https://nohost/", "no valid host"),
        ("https://firm.example.org:99999/", "not a valid URL"),
    ],
)
def test_invalid_urls_say_why(raw, reason):
    with pytest.raises(InvalidURL, match=reason):
        normalize_url(raw)


def test_host_of():
    assert host_of("https://firm.example.org:8443/x") == "firm.example.org"


def test_normalise_urls_deduplicates_and_reports_invalid_lines():
    result = normalise_urls(["https://a.example.org/x#1", "A.example.org/x", "mailto:x@y.z"])
    assert result.urls == ["https://a.example.org/x"]
    assert result.duplicates == 1
    assert result.invalid[0][0] == 2


@pytest.mark.django_db
def test_created_pages_get_their_type_and_depth():
    created, existing = create_pages(
        ["https://firm.example.org/contact", "https://firm.example.org/blog/2024/05/news"],
        "import",
    )
    assert existing == []
    contact = Page.objects.get(url="https://firm.example.org/contact")
    assert (contact.page_type, contact.path_depth, contact.source) == ("contact", 1, "import")
    assert Page.objects.get(pk=created[1].id).page_type == "blog"
    again, known = create_pages(["https://firm.example.org/contact"], "import")
    assert (again, [ref.url for ref in known]) == ([], ["https://firm.example.org/contact"])


def test_a_lone_surrogate_is_an_invalid_url_not_a_crash():
    with pytest.raises(InvalidURL, match="not valid text"):
        normalize_url("https://firm.example.org/\ud800")
