import gzip
import logging
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
import responses
from responses import matchers

from pages import fetch as fetch_module
from pages.fetch import FetchError, fetch, fetch_bytes, retry_after_seconds
from pages.models import ScraperApiUsage

real_resolve_host = fetch_module.resolve_host
URL = "https://firm.example.org/"
PAGE = "<!doctype html><html><head><title>Firm</title></head><body>Hello</body></html>"
HOSTS = {"intranet.example.org": ("10.0.0.5",), "local.example.org": ("127.0.0.1",)}


@pytest.fixture(autouse=True)
def fast_and_public(settings, monkeypatch):
    """Tiny backoff, no ScraperAPI, and a fake DNS where every host but HOSTS is public."""
    settings.FETCH_BACKOFF_SECONDS = 0.001
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = False
    settings.SCRAPER_API_KEY = ""
    settings.SCRAPER_API_ENABLE_JS_RENDERING = False
    settings.SCRAPER_API_ENABLE_PREMIUM = False
    settings.SCRAPER_API_ENABLE_GEOTARGETING = False
    monkeypatch.setattr(
        fetch_module, "resolve_host", lambda host: HOSTS.get(host, ("93.184.215.14",))
    )


@pytest.fixture
def sleeps(monkeypatch):
    """The delays fetch waited between retries (without waiting)."""
    delays = []
    monkeypatch.setattr(fetch_module, "sleep", delays.append)
    return delays


def html(url=URL, body=PAGE, status=200, content_type="text/html; charset=utf-8", **kwargs):
    responses.add(responses.GET, url, body=body, status=status, content_type=content_type, **kwargs)


def error_of(url: str = URL) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url)
    return caught.value


@responses.activate
def test_html_page_is_fetched():
    html()
    result = fetch(URL)
    assert result.html == PAGE
    assert (result.url, result.final_url, result.status_code) == (URL, URL, 200)
    assert (result.content_type, result.encoding) == ("text/html", "utf-8")
    assert result.elapsed_seconds >= 0


@responses.activate
def test_user_agent_from_settings_is_sent(settings):
    settings.FETCH_USER_AGENT = "TestBot/9"
    html()
    fetch(URL)
    assert responses.calls[0].request.headers["User-Agent"] == "TestBot/9"


@responses.activate
def test_404_is_an_error_naming_status_and_url_and_is_not_retried():
    html(URL + "missing", status=404)
    error = error_of(URL + "missing")
    assert str(error) == "HTTP 404 Not Found from https://firm.example.org/missing"
    assert error.status_code == 404
    assert len(responses.calls) == 1


@responses.activate
def test_read_timeout():
    responses.add(responses.GET, URL, body=requests.exceptions.ReadTimeout("read timed out"))
    assert str(error_of()) == "timed out after 30 s"
    assert len(responses.calls) == 1


@responses.activate
def test_pdf_is_not_html():
    html(body=b"%PDF-1.7", content_type="application/pdf")
    error = error_of()
    assert str(error) == "not HTML: application/pdf"
    assert error.status_code == 200


@responses.activate
def test_missing_content_type_is_sniffed():
    html(body=PAGE.encode(), content_type=None)
    assert fetch(URL).html == PAGE
    html(URL + "blob", body=b"\x00\x01binary", content_type=None)
    assert str(error_of(URL + "blob")).startswith("not HTML: no content type")


@responses.activate
def test_body_over_the_cap_is_refused_from_content_length():
    html(body=b"x" * (10 * 1024 * 1024), auto_calculate_content_length=True)
    assert str(error_of()) == "page larger than 5 MB"


@responses.activate
def test_body_over_the_cap_is_refused_while_streaming(settings):
    settings.FETCH_MAX_BYTES = 100 * 1024
    html(body=b"<html>" + b"x" * (10 * 1024 * 1024))  # no Content-Length header
    assert str(error_of()) == "page larger than 100 KB"


@responses.activate
def test_redirects_are_followed_and_the_final_url_kept():
    responses.add(responses.GET, URL, status=301, headers={"Location": "/en/"})
    responses.add(
        responses.GET,
        URL + "en/",
        status=302,
        headers={"Location": "https://www.firm.example.org/"},
    )
    html("https://www.firm.example.org/")
    result = fetch(URL)
    assert result.final_url == "https://www.firm.example.org/"
    assert result.html == PAGE


@responses.activate
def test_too_many_redirects():
    for i in range(7):
        responses.add(responses.GET, f"{URL}r{i}", status=302, headers={"Location": f"/r{i + 1}"})
    assert str(error_of(URL + "r0")) == "too many redirects (more than 5)"
    assert len(responses.calls) == 6


@responses.activate
def test_redirect_to_a_private_address_is_refused():
    responses.add(
        responses.GET, URL, status=302, headers={"Location": "http://intranet.example.org/admin"}
    )
    assert str(error_of()) == (
        "refused: intranet.example.org resolves to 10.0.0.5, a private address"
    )
    assert len(responses.calls) == 1


@responses.activate
def test_redirect_to_another_scheme_is_refused():
    responses.add(responses.GET, URL, status=302, headers={"Location": "ftp://firm.example.org/x"})
    assert str(error_of()).startswith("only http and https URLs can be fetched")


@responses.activate
def test_503_with_retry_after_is_retried_then_succeeds(sleeps):
    html(status=503, headers={"Retry-After": "2"})
    html()
    assert fetch(URL).html == PAGE
    assert len(responses.calls) == 2
    assert sleeps == [2.0]


@responses.activate
def test_429_retried_until_the_retries_run_out(sleeps):
    for _ in range(3):
        html(status=429)
    error = error_of()
    assert str(error) == "HTTP 429 Too Many Requests from https://firm.example.org/"
    assert error.status_code == 429
    assert len(responses.calls) == 3  # FETCH_RETRIES = 2
    assert len(sleeps) == 2
    assert sleeps[1] > sleeps[0]  # exponential backoff


@responses.activate
def test_connection_error_retried_then_reported(sleeps):
    refused = requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='firm.example.org', port=443): Max retries exceeded "
        "(Caused by NewConnectionError('Failed to establish a new connection: "
        "[Errno 111] Connection refused'))"
    )
    responses.add(responses.GET, URL, body=refused)
    assert str(error_of()) == "could not connect to host: firm.example.org (Connection refused)"
    assert len(responses.calls) == 3
    assert len(sleeps) == 2


def test_retry_after_as_seconds_or_http_date_capped(settings):
    settings.FETCH_RETRY_AFTER_MAX_SECONDS = 30
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds("600") == 30
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    assert 8 <= retry_after_seconds(soon) <= 10
    past = format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)
    assert retry_after_seconds(past) == 0
    assert retry_after_seconds("soon, maybe") == 0
    assert retry_after_seconds(None) == 0


@responses.activate
def test_charset_from_the_http_header():
    html(body="Привет, мир".encode("cp1251"), content_type="text/html; charset=windows-1251")
    result = fetch(URL)
    assert (result.html, result.encoding) == ("Привет, мир", "cp1251")


@responses.activate
def test_charset_from_meta_in_the_first_2_kb():
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
    page += "</head><body>Привет</body></html>"
    html(body=page.encode("koi8_r"), content_type="text/html")
    result = fetch(URL)
    assert "Привет" in result.html
    assert result.encoding == "koi8-r"


@responses.activate
def test_charset_detected_when_nothing_declares_it():
    text = "Café crème, déjà vu à l'hôtel: où est la forêt? Les élèves préfèrent être écoutés. " * 5
    html(body=f"<html><body><p>{text}</p></body></html>".encode("cp1252"), content_type="text/html")
    assert text in fetch(URL).html


@responses.activate
@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Привет, как дела? Мы находимся в Москве, пишите нам на почту.", "cp1251"),
        ("お問い合わせはこちらまでご連絡ください。営業時間は平日です。", "shift_jis"),
    ],
)
def test_charset_detected_for_other_scripts(text, encoding):
    html(body=f"<html><body>{text}</body></html>".encode(encoding), content_type="text/html")
    assert text in fetch(URL).html


@responses.activate
def test_valid_utf8_wins_over_a_default_latin1_label():
    html(body="<html>Müller & Söhne</html>".encode(), content_type="text/html; charset=ISO-8859-1")
    result = fetch(URL)
    assert (result.html, result.encoding) == ("<html>Müller & Söhne</html>", "utf-8")


@responses.activate
def test_latin1_label_on_non_utf8_bytes_reads_as_windows_1252():
    body = "<html>Müller € Söhne</html>".encode("cp1252")
    html(body=body, content_type="text/html; charset=ISO-8859-1")
    assert fetch(URL).html == "<html>Müller € Söhne</html>"


@pytest.mark.parametrize(
    "url", ["ftp://firm.example.org/file", "file:///etc/passwd", "mailto:x@y.z"]
)
def test_only_http_and_https(url):
    assert str(error_of(url)).startswith("only http and https URLs can be fetched")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.5/", "refused: 10.0.0.5 is a private address"),
        ("http://127.0.0.1:8000/", "refused: 127.0.0.1 is a loopback address"),
        ("http://169.254.169.254/latest/", "refused: 169.254.169.254 is a link-local address"),
        ("http://[::ffff:10.1.2.3]/", "refused: ::ffff:a01:203 is a private address"),
        (
            "http://local.example.org/",
            "refused: local.example.org resolves to 127.0.0.1, a loopback address",
        ),
    ],
)
def test_private_addresses_are_refused(url, message):
    assert str(error_of(url)) == message


@responses.activate
def test_private_addresses_allowed_by_the_setting(settings):
    settings.FETCH_ALLOW_PRIVATE_NETWORKS = True
    html("http://10.0.0.5/")
    assert fetch("http://10.0.0.5/").html == PAGE


def test_resolve_host_caches_for_a_short_while(monkeypatch):
    calls = []

    def getaddrinfo(host, *args, **kwargs):
        calls.append(host)
        return [(2, 1, 6, "", ("203.0.113.7", 0))]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", getaddrinfo)
    fetch_module._dns_cache.clear()
    assert real_resolve_host("cache.example.org") == ("203.0.113.7",)
    assert real_resolve_host("cache.example.org") == ("203.0.113.7",)
    assert calls == ["cache.example.org"]
    fetch_module._dns_cache.clear()


def test_unresolvable_host_is_a_readable_error(monkeypatch):
    def getaddrinfo(host, *args, **kwargs):
        raise fetch_module.socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", getaddrinfo)
    with pytest.raises(
        FetchError, match=r"^could not resolve host name nowhere\.example\.org: Name"
    ):
        real_resolve_host("nowhere.example.org")


def test_each_thread_has_its_own_session():
    mine = fetch_module._session()
    assert fetch_module._session() is mine
    others = []
    thread = threading.Thread(target=lambda: others.append(fetch_module._session()))
    thread.start()
    thread.join()
    assert others[0] is not mine


@responses.activate
def test_fetch_bytes_for_xml_and_gzip():
    responses.add(responses.GET, URL + "sitemap.xml", body=b"<urlset/>", content_type="text/xml")
    packed = gzip.compress(b"<urlset/>")
    responses.add(responses.GET, URL + "s.xml.gz", body=packed, content_type="application/x-gzip")
    assert fetch_bytes(URL + "sitemap.xml").body == b"<urlset/>"
    assert fetch_bytes(URL + "s.xml.gz").body == packed
    html(URL + "page")
    with pytest.raises(FetchError, match=r"^unexpected content type text/html \(expected xml\)"):
        fetch_bytes(URL + "page", accept=("xml",))


@pytest.fixture
def scraper_api(settings):
    settings.SCRAPER_API_KEY = "secret-key-123"
    return settings


@responses.activate
@pytest.mark.django_db
def test_scraper_api_without_costly_options(scraper_api, caplog):
    caplog.set_level(logging.DEBUG)
    responses.add(
        responses.GET,
        "https://api.scraperapi.com/",
        body=PAGE,
        content_type="text/html",
        match=[matchers.query_param_matcher({"api_key": "secret-key-123", "url": URL})],
    )
    assert fetch(URL).html == PAGE
    usage = ScraperApiUsage.objects.get()
    assert (usage.requests, usage.credits) == (1, 1)
    assert "secret-key-123" not in caplog.text
    assert "~1 credits" in caplog.text


@responses.activate
@pytest.mark.django_db
def test_scraper_api_costly_options_each_add_their_parameter_and_multiply_credits(scraper_api):
    scraper_api.SCRAPER_API_ENABLE_JS_RENDERING = True
    scraper_api.SCRAPER_API_ENABLE_PREMIUM = True
    scraper_api.SCRAPER_API_ENABLE_GEOTARGETING = True
    expected = {
        "api_key": "secret-key-123",
        "url": URL,
        "render": "true",
        "premium": "true",
        "country_code": "us",
        "device_type": "desktop",
    }
    responses.add(
        responses.GET,
        "https://api.scraperapi.com/",
        body=PAGE,
        content_type="text/html",
        match=[matchers.query_param_matcher(expected)],
    )
    fetch(URL)
    assert ScraperApiUsage.objects.get().credits == 5 * 10 * 2


@pytest.mark.parametrize(
    ("premium", "render", "geo", "credits"),
    [
        (False, False, False, 1),
        (True, False, False, 5),
        (False, True, False, 10),
        (False, False, True, 2),
    ],
)
def test_scraper_api_credit_estimate(settings, premium, render, geo, credits):
    settings.SCRAPER_API_ENABLE_PREMIUM = premium
    settings.SCRAPER_API_ENABLE_JS_RENDERING = render
    settings.SCRAPER_API_ENABLE_GEOTARGETING = geo
    assert fetch_module.scraper_api_credits() == credits


@responses.activate
def test_scraper_api_failure_never_shows_the_key(scraper_api, sleeps):
    leak = requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='api.scraperapi.com', port=443): Max retries exceeded with url: "
        "/?api_key=secret-key-123&url=x"
    )
    responses.add(responses.GET, "https://api.scraperapi.com/", body=leak)
    error = error_of()
    assert "secret-key-123" not in str(error)
    assert str(error).startswith("could not connect to host: ScraperAPI")


class _DrippingResponse:
    """A response whose body read times out after the first chunk."""

    status_code = 200
    headers: dict[str, str] = {}
    url = URL

    def iter_content(self, size):
        yield b"<html>"
        raise requests.exceptions.ConnectionError("HTTPSConnectionPool: Read timed out.")


def test_a_read_timing_out_mid_body():
    with pytest.raises(FetchError, match=r"^timed out after 30 s$"):
        fetch_module._read_body(_DrippingResponse(), 1024, "page", 30)
