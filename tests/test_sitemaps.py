import gzip

import pytest
import requests
import responses

from pages import fetch as fetch_module
from pages import sitemaps
from pages.sitemaps import SitemapError, collect_page_urls, discover_sitemaps, iter_sitemap_urls

SITE = "https://firm.example.org"
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
IMAGE_NS = 'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'


@pytest.fixture(autouse=True)
def offline(settings, monkeypatch):
    settings.FETCH_BACKOFF_SECONDS = 0.001
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    settings.SCRAPER_API_KEY = ""
    monkeypatch.setattr(fetch_module, "resolve_host", lambda host: ("93.184.215.14",))
    monkeypatch.setattr(fetch_module, "sleep", lambda seconds: None)


def urlset(*urls: str) -> str:
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{entries}</urlset>'


def index(*sitemap_urls: str) -> str:
    entries = "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in sitemap_urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{entries}</sitemapindex>'


def serve(path: str, body, status: int = 200, content_type: str = "application/xml"):
    responses.add(responses.GET, SITE + path, body=body, status=status, content_type=content_type)


def robots(text: str | None = None):
    if text is None:
        serve("/robots.txt", "Not found", status=404, content_type="text/html")
    else:
        serve("/robots.txt", text, content_type="text/plain")


@responses.activate
def test_discover_reads_robots_txt_sitemap_lines_first():
    robots(
        "User-agent: *\nDisallow: /admin\n"
        "Sitemap: https://firm.example.org/sm/main.xml\n"
        "sitemap: /sm/relative.xml\n"
        "Sitemap: https://firm.example.org/sitemap.xml\n"
    )
    assert discover_sitemaps("Firm.Example.org") == [
        f"{SITE}/sm/main.xml",
        f"{SITE}/sm/relative.xml",
        f"{SITE}/sitemap.xml",
        f"{SITE}/sitemap_index.xml",
    ]


@responses.activate
def test_discover_without_robots_txt_tries_the_usual_places():
    robots(None)
    assert discover_sitemaps("firm.example.org") == [
        f"{SITE}/sitemap.xml",
        f"{SITE}/sitemap_index.xml",
    ]


@responses.activate
def test_discover_falls_back_to_http_when_https_does_not_answer():
    responses.add(
        responses.GET, SITE + "/robots.txt", body=requests.exceptions.ConnectionError("refused")
    )
    responses.add(responses.GET, "http://firm.example.org/robots.txt", status=404)
    assert discover_sitemaps("firm.example.org")[0] == "http://firm.example.org/sitemap.xml"


@responses.activate
def test_discover_an_unreachable_site_says_so():
    for scheme in ("https", "http"):
        responses.add(
            responses.GET,
            f"{scheme}://firm.example.org/robots.txt",
            body=requests.exceptions.ConnectionError("[Errno 111] Connection refused"),
        )
    with pytest.raises(SitemapError, match=r"^could not reach firm\.example\.org: could not conn"):
        discover_sitemaps("firm.example.org")


@responses.activate
def test_index_is_followed_to_its_urlsets():
    serve("/sitemap_index.xml", index(f"{SITE}/a.xml", f"{SITE}/b.xml"))
    images = (
        f'<?xml version="1.0"?><urlset {NS} {IMAGE_NS}><url><loc> {SITE}/one </loc>'
        f"<image:image><image:loc>{SITE}/logo.png</image:loc></image:image></url></urlset>"
    )
    serve("/a.xml", images)
    serve("/b.xml", urlset(f"{SITE}/two", f"{SITE}/three?x=1&amp;y=2"))
    assert list(iter_sitemap_urls(SITE + "/sitemap_index.xml")) == [
        f"{SITE}/one",
        f"{SITE}/two",
        f"{SITE}/three?x=1&y=2",
    ]


@responses.activate
def test_gzip_is_recognised_by_its_bytes_not_its_name():
    packed = gzip.compress(urlset(f"{SITE}/gz-page").encode())
    serve("/sitemap.xml", packed, content_type="application/octet-stream")
    serve("/pages.xml.gz", packed, content_type="application/x-gzip")
    assert list(iter_sitemap_urls(SITE + "/sitemap.xml")) == [f"{SITE}/gz-page"]
    assert list(iter_sitemap_urls(SITE + "/pages.xml.gz")) == [f"{SITE}/gz-page"]


@responses.activate
def test_white_space_before_the_xml_declaration_is_tolerated():
    serve("/sitemap.xml", "\n\n  " + urlset(f"{SITE}/p"))
    assert list(iter_sitemap_urls(SITE + "/sitemap.xml")) == [f"{SITE}/p"]


@responses.activate
def test_malformed_xml_is_a_clear_error():
    serve("/sitemap.xml", f"<urlset {NS}><url><loc>{SITE}/p</url></urlset>")
    with pytest.raises(
        SitemapError, match=r"^malformed XML in https://firm\.example\.org/sitemap\.xml: "
    ):
        list(iter_sitemap_urls(SITE + "/sitemap.xml"))


@responses.activate
def test_a_document_that_is_not_a_sitemap():
    serve("/sitemap.xml", "<html><body>Hello</body></html>")
    with pytest.raises(SitemapError, match=r"^not a sitemap: .* root element is <html>"):
        list(iter_sitemap_urls(SITE + "/sitemap.xml"))


@responses.activate
def test_an_index_loop_is_detected():
    serve("/a.xml", index(f"{SITE}/b.xml"))
    serve("/b.xml", index(f"{SITE}/a.xml"))
    with pytest.raises(
        SitemapError, match=r"^sitemap index loop at https://firm\.example\.org/a\.xml$"
    ):
        list(iter_sitemap_urls(SITE + "/a.xml"))


@responses.activate
def test_a_sitemap_listed_twice_is_read_once():
    serve("/index.xml", index(f"{SITE}/a.xml", f"{SITE}/a.xml"))
    serve("/a.xml", urlset(f"{SITE}/p"))
    assert list(iter_sitemap_urls(SITE + "/index.xml")) == [f"{SITE}/p"]
    assert len(responses.calls) == 2


@responses.activate
def test_entries_are_capped():
    serve("/sitemap.xml", urlset(*(f"{SITE}/p{i}" for i in range(10))))
    assert len(list(iter_sitemap_urls(SITE + "/sitemap.xml", max_entries=4))) == 4


@responses.activate
def test_uncompressed_size_is_capped(monkeypatch):
    monkeypatch.setattr(sitemaps, "SITEMAP_MAX_BYTES", 2048)
    bomb = gzip.compress(urlset(*(f"{SITE}/p{i}" for i in range(500))).encode())
    assert len(bomb) < 2048
    serve("/sitemap.xml", bomb, content_type="application/x-gzip")
    with pytest.raises(SitemapError, match=r"^sitemap larger than"):
        list(iter_sitemap_urls(SITE + "/sitemap.xml"))


@responses.activate
def test_a_missing_sitemap_says_what_the_server_answered():
    serve("/sitemap.xml", "gone", status=404, content_type="text/html")
    with pytest.raises(SitemapError) as caught:
        list(iter_sitemap_urls(SITE + "/sitemap.xml"))
    assert str(caught.value) == (
        "could not read sitemap https://firm.example.org/sitemap.xml: "
        "HTTP 404 Not Found from https://firm.example.org/sitemap.xml"
    )


@responses.activate
def test_collect_puts_likely_contact_pages_first_and_keeps_only_this_site():
    robots(None)
    serve(
        "/sitemap.xml",
        urlset(
            f"{SITE}/",
            f"{SITE}/blog/contact-us-today",
            f"{SITE}/products/widget",
            "https://other.example.net/contact",
            f"{SITE}/about-us",
            "https://WWW.firm.example.org/contact#form",
            f"{SITE}/contact",
            f"{SITE}/contact",
            f"{SITE}/team",
            f"{SITE}/brochure.pdf",
            "not a url",
        ),
    )
    assert collect_page_urls("firm.example.org", limit=100) == [
        "https://www.firm.example.org/contact",
        f"{SITE}/contact",
        f"{SITE}/team",
        f"{SITE}/about-us",
        f"{SITE}/",
        f"{SITE}/blog/contact-us-today",
        f"{SITE}/products/widget",
        f"{SITE}/brochure.pdf",
    ]


@responses.activate
def test_collect_stops_at_the_limit():
    robots(None)
    serve("/sitemap.xml", urlset(*(f"{SITE}/p{i}" for i in range(50)), f"{SITE}/contact"))
    assert collect_page_urls("firm.example.org", limit=3) == [
        f"{SITE}/contact",
        f"{SITE}/p0",
        f"{SITE}/p1",
    ]


@responses.activate
def test_collect_filters_with_match():
    robots(None)
    serve("/sitemap.xml", urlset(f"{SITE}/en/a", f"{SITE}/de/b", f"{SITE}/en/contact"))
    assert collect_page_urls("firm.example.org", match=r"/en/") == [
        f"{SITE}/en/contact",
        f"{SITE}/en/a",
    ]


@responses.activate
def test_collect_follows_robots_txt_and_an_index():
    robots(f"Sitemap: {SITE}/sitemap_index.xml\n")
    serve("/sitemap_index.xml", index(f"{SITE}/pages.xml.gz"))
    serve(
        "/pages.xml.gz",
        gzip.compress(urlset(f"{SITE}/p").encode()),
        content_type="application/gzip",
    )
    assert collect_page_urls("firm.example.org") == [f"{SITE}/p"]
    assert SITE + "/sitemap.xml" not in [call.request.url for call in responses.calls]


@responses.activate
def test_collect_falls_back_to_sitemap_index_xml():
    robots(None)
    serve("/sitemap.xml", "not here", status=404, content_type="text/html")
    serve("/sitemap_index.xml", urlset(f"{SITE}/p"))
    assert collect_page_urls("firm.example.org") == [f"{SITE}/p"]


@responses.activate
def test_collect_with_no_sitemap_anywhere():
    robots(None)
    serve("/sitemap.xml", "not here", status=404, content_type="text/html")
    serve("/sitemap_index.xml", "not here", status=404, content_type="text/html")
    with pytest.raises(SitemapError) as caught:
        collect_page_urls("firm.example.org")
    assert str(caught.value) == (
        "no sitemap found for firm.example.org (tried robots.txt, /sitemap.xml, /sitemap_index.xml)"
    )


@responses.activate
def test_collect_reports_why_a_declared_sitemap_failed():
    robots(f"Sitemap: {SITE}/declared.xml\n")
    serve("/declared.xml", "<urlset><oops></urlset>")
    serve("/sitemap.xml", "not here", status=404, content_type="text/html")
    serve("/sitemap_index.xml", "not here", status=404, content_type="text/html")
    with pytest.raises(
        SitemapError, match=r"^malformed XML in https://firm\.example\.org/declared"
    ):
        collect_page_urls("firm.example.org")


def test_collect_refuses_a_broken_filter():
    with pytest.raises(SitemapError, match=r"^invalid URL filter '\(': "):
        collect_page_urls("firm.example.org", match="(")


def test_collect_refuses_a_broken_domain_name():
    with pytest.raises(SitemapError, match=r"^not a valid domain name: 'ftp://x'"):
        collect_page_urls("ftp://x")


@responses.activate
def test_an_unreadable_child_sitemap_does_not_hide_its_siblings(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    site = "https://kids.example.org"
    responses.get(f"{site}/robots.txt", body=f"Sitemap: {site}/index.xml\n")
    responses.get(
        f"{site}/index.xml",
        body=(
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{site}/broken.xml</loc></sitemap>"
            f"<sitemap><loc>{site}/good.xml</loc></sitemap></sitemapindex>"
        ),
        content_type="application/xml",
    )
    responses.get(f"{site}/broken.xml", status=404)
    responses.get(
        f"{site}/good.xml",
        body=(
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{site}/contact</loc></url></urlset>"
        ),
        content_type="application/xml",
    )
    assert collect_page_urls("kids.example.org") == [f"{site}/contact"]


@responses.activate
def test_an_index_whose_children_are_all_unreadable_says_why(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    site = "https://gone.example.org"
    responses.get(f"{site}/robots.txt", body=f"Sitemap: {site}/index.xml\n")
    responses.get(
        f"{site}/index.xml",
        body=(
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{site}/a.xml</loc></sitemap></sitemapindex>"
        ),
        content_type="application/xml",
    )
    responses.get(f"{site}/a.xml", status=404)
    with pytest.raises(SitemapError, match=r"could not read sitemap .*a\.xml: HTTP 404"):
        collect_page_urls("gone.example.org")


def test_the_url_filter_runs_in_linear_time():
    from pages.sitemaps import compile_url_filter

    # Python's re needs about 2**40 steps here (it would hang); RE2 answers at once.
    pattern = compile_url_filter(r"(a+)+$")
    assert pattern.search("https://x.example.org/" + "a" * 40 + "!") is None
    assert pattern.search("https://x.example.org/aaa")
    with pytest.raises(ValueError, match="RE2"):
        compile_url_filter(r"(\w)\1")  # backreferences cannot run in linear time
