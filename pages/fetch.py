"""Fetching a URL (SPEC section 4): every outside HTTP call and DNS lookup goes through here.

`fetch(url)` returns a page's HTML decoded to text, or raises FetchError with a sentence a person
understands. `fetch_bytes(url, accept=...)` is the same machinery (session, retries, redirects,
private-address check, size cap) for robots.txt, sitemaps and gzip files.
"""

import codecs
import email.utils
import ipaddress
import logging
import os
import random
import re
import socket
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import charset_normalizer
import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

logger = logging.getLogger(__name__)

SCRAPER_API_URL = "https://api.scraperapi.com/"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_SIZE = 64 * 1024
DNS_CACHE_SECONDS = 60.0
# Content types each `accept` kind stands for; "+xml" suffixes count as XML too.
CONTENT_KINDS = {
    "html": frozenset({"text/html", "application/xhtml+xml"}),
    "xml": frozenset({"application/xml", "text/xml"}),
    "gzip": frozenset({"application/gzip", "application/x-gzip", "application/octet-stream"}),
    "text": frozenset({"text/plain"}),
}
_HTML_SNIFF = (b"<html", b"<!doctype html")
_META_TAG = re.compile(rb"<meta\b([^<>]*)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([a-z0-9_.:-]{1,40})", re.IGNORECASE)
_ERRNO_REASON = re.compile(r"\[Errno -?\d+\] ([^'\"\]\)]{1,200})")
# Servers label bodies ISO-8859-1 by default; browsers read that label as windows-1252.
_LATIN1_LABELS = frozenset({"iso8859-1", "ascii", "cp1252"})
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class FetchError(Exception):
    """A URL could not be fetched; str() says why in one sentence."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(_redact(message))
        self.status_code = status_code


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status_code: int
    html: str
    content_type: str
    encoding: str
    elapsed_seconds: float


@dataclass(frozen=True)
class FetchedBytes:
    """A response body as bytes (robots.txt, sitemaps); `charset` is the header's, if any."""

    url: str
    final_url: str
    status_code: int
    body: bytes
    content_type: str
    charset: str
    elapsed_seconds: float


def fetch(url: str) -> FetchResult:
    """The HTML of `url`, decoded; through ScraperAPI when SCRAPER_API_KEY is set."""
    started = time.monotonic()
    raw = _get(
        url,
        accept=("html",),
        max_bytes=settings.FETCH_MAX_BYTES,
        scraper_api=bool(settings.SCRAPER_API_KEY),
    )
    html, encoding = decode_html(raw.body, raw.charset)
    return FetchResult(
        url=url,
        final_url=raw.final_url,
        status_code=raw.status_code,
        html=html,
        content_type=raw.content_type,
        encoding=encoding,
        elapsed_seconds=time.monotonic() - started,
    )


def fetch_bytes(
    url: str,
    *,
    accept: Collection[str] | None = ("xml", "gzip", "text"),
    max_bytes: int | None = None,
    scraper_api: bool = False,
) -> FetchedBytes:
    """The body of `url` as bytes.

    `accept` names kinds from CONTENT_KINDS (None accepts any content type); a response without a
    content type is accepted and left for the caller to recognise. `max_bytes` defaults to
    FETCH_MAX_BYTES.
    """
    return _get(
        url,
        accept=accept,
        max_bytes=settings.FETCH_MAX_BYTES if max_bytes is None else max_bytes,
        scraper_api=scraper_api,
    )


# --- DNS and the private-address check ------------------------------------------------------

_dns_cache: dict[str, tuple[float, tuple[str, ...]]] = {}
_dns_lock = threading.Lock()


def resolve_host(host: str) -> tuple[str, ...]:
    """The IP addresses `host` resolves to (cached for a minute). Raises FetchError."""
    now = time.monotonic()
    with _dns_lock:
        cached = _dns_cache.get(host)
    if cached and cached[0] > now:
        return cached[1]
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"could not resolve host name {host}: {_short_reason(exc)}") from None
    addresses = tuple(dict.fromkeys(info[4][0] for info in infos))
    with _dns_lock:
        if len(_dns_cache) > 4096:
            _dns_cache.clear()
        _dns_cache[host] = (now + DNS_CACHE_SECONDS, addresses)
    return addresses


def _forbidden_kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why this address must not be fetched ("private", "loopback"…), or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    ):
        if flag:
            return kind
    return None


def _check_url(url: str) -> None:
    """Raise FetchError unless `url` is http(s) with a host that is allowed to be fetched."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise FetchError(f"not a valid URL: {url}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not {url}")
    if not host:
        raise FetchError(f"no host name in {url}")
    if settings.FETCH_ALLOW_PRIVATE_NETWORKS:
        return
    try:
        addresses: tuple[str, ...] = (str(ipaddress.ip_address(host)),)
        named = False
    except ValueError:
        addresses = resolve_host(host)
        named = True
    for address in addresses:
        kind = _forbidden_kind(ipaddress.ip_address(address.split("%", 1)[0]))
        if kind:
            what = f"{host} resolves to {address}, a" if named else f"{address} is a"
            raise FetchError(f"refused: {what} {kind} address")


class RefusedAddress(Exception):
    """The connection reached an address fetching must not reach (checked after connecting)."""


class _PeerChecked:
    """Checks the address a connection actually reached. The check in _check_url resolves the
    name once; the connection resolves it again, and a hostile DNS server can answer the two
    differently (DNS rebinding). This second check is the one that cannot be fooled."""

    def _new_conn(self):
        sock = super()._new_conn()
        if not settings.FETCH_ALLOW_PRIVATE_NETWORKS:
            address = sock.getpeername()[0]
            kind = _forbidden_kind(ipaddress.ip_address(address.split("%", 1)[0]))
            if kind:
                sock.close()
                raise RefusedAddress(
                    f"refused: {self.host} resolves to {address}, a {kind} address"
                )
        return sock


class _CheckedHTTPConnection(_PeerChecked, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerChecked, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _CheckedHTTPPool,
            "https": _CheckedHTTPSPool,
        }


# --- The session and the request loop -------------------------------------------------------

_local = threading.local()
_shared: HTTPAdapter | None = None  # this process's adapter, shared by its threads
_shared_lock = threading.Lock()


def _forget_shared_adapter() -> None:
    """In a forked child: the parent's sockets are not ours, and its lock may have been held."""
    global _shared, _shared_lock
    _shared, _shared_lock = None, threading.Lock()


os.register_at_fork(after_in_child=_forget_shared_adapter)


def _adapter() -> HTTPAdapter:
    """This process's connection pools, shared by its threads: a connection one thread opened to
    a site serves whichever thread fetches that site next (urllib3's pools are thread-safe)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            # A pool per site for the sites of the last few batches. Each keeps as many
            # connections as were in use at once: two per site under the per-domain limit, but
            # every thread at once for ScraperAPI's one host.
            _shared = _CheckedAdapter(
                pool_connections=256, pool_maxsize=max(8, settings.CURATION_THREADS), max_retries=0
            )
        return _shared


class _NoCredentials(requests.auth.AuthBase):
    """Stops requests from looking up ~/.netrc for each URL: an operator's credentials are
    never sent to a crawled site."""

    def __call__(self, request):
        return request


def _session() -> requests.Session:
    """This thread's session (its cookies are its own), on the process's shared adapter; a new
    one after a fork."""
    adapter = _adapter()
    if getattr(_local, "adapter", None) is not adapter:
        s = requests.Session()
        s.auth = _NoCredentials()
        # Without proxies, nothing in the environment needs reading again on every request.
        s.trust_env = settings.FETCH_PROXIES_FROM_ENV
        if settings.FETCH_CA_BUNDLE:
            s.verify = settings.FETCH_CA_BUNDLE
        s.mount("http://", adapter)
        s.mount("https://", adapter)
        _local.session, _local.adapter = s, adapter
    return _local.session


def _get(url: str, *, accept, max_bytes: int, scraper_api: bool) -> FetchedBytes:
    started = time.monotonic()
    wants_html = accept is not None and "html" in accept
    _check_url(url)
    s = _session()
    s.cookies.clear()
    if scraper_api:
        response = _send_with_retries(s, url, via_scraper_api=True)
        final_url = response.headers.get("sa-final-url") or url
    else:
        current = url
        for hop in range(settings.FETCH_MAX_REDIRECTS + 1):
            if hop:
                _check_url(current)  # every hop, so a redirect cannot lead inside the network
            response = _send_with_retries(s, current, via_scraper_api=False)
            location = response.headers.get("Location")
            if response.status_code not in REDIRECT_STATUSES or not location:
                break
            response.close()
            current = urljoin(current, location.strip())
        else:
            raise FetchError(f"too many redirects (more than {settings.FETCH_MAX_REDIRECTS})")
        final_url = current
    with response:
        if not 200 <= response.status_code < 300:
            code = response.status_code
            status = f"{code} {response.reason or _status_phrase(code)}".strip()
            where = f"ScraperAPI for {url}" if scraper_api else final_url
            raise FetchError(f"HTTP {status} from {where}", status_code=code)
        content_type, charset = _content_type(response.headers.get("Content-Type", ""))
        _check_content_type(content_type, accept, response.status_code)
        noun = "page" if wants_html else "response"
        body = _read_body(response, max_bytes, noun, _read_timeout(scraper_api))
    if wants_html and not content_type and not _looks_like_html(body):
        raise FetchError(
            "not HTML: no content type, and the body does not start like HTML",
            status_code=response.status_code,
        )
    return FetchedBytes(
        url=url,
        final_url=final_url,
        status_code=response.status_code,
        body=body,
        content_type=content_type,
        charset=charset,
        elapsed_seconds=time.monotonic() - started,
    )


def _send_with_retries(s: requests.Session, url: str, *, via_scraper_api: bool):
    """One GET (no redirects followed), retried on connection errors, 429 and 502/503/504."""
    retries = settings.FETCH_RETRIES
    for attempt in range(retries + 1):
        last = attempt == retries
        try:
            response = _send(s, url, via_scraper_api=via_scraper_api)
        except RefusedAddress as exc:
            raise FetchError(str(exc)) from None
        except requests.exceptions.SSLError as exc:
            raise FetchError(f"TLS error with {_host(url)}: {_short_reason(exc)}") from None
        except requests.exceptions.ConnectionError as exc:
            if last:
                raise _connection_error(url, exc, via_scraper_api) from None
            delay = _backoff(attempt)
            logger.info("fetch retry %s in %.1f s after %s", url, delay, type(exc).__name__)
        except requests.exceptions.Timeout:
            raise FetchError(f"timed out after {_read_timeout(via_scraper_api):g} s") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"could not fetch {url}: {_short_reason(exc)}") from None
        else:
            if response.status_code not in RETRY_STATUSES or last:
                return response
            delay = max(_backoff(attempt), retry_after_seconds(response.headers.get("Retry-After")))
            logger.info("fetch retry %s in %.1f s after HTTP %s", url, delay, response.status_code)
            response.close()
        sleep(delay)
    raise AssertionError("unreachable")


def _send(s: requests.Session, url: str, *, via_scraper_api: bool) -> requests.Response:
    headers = {
        "User-Agent": settings.FETCH_USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    }
    if not via_scraper_api:
        return s.get(
            url,
            headers=headers,
            timeout=(settings.FETCH_CONNECT_TIMEOUT, settings.FETCH_READ_TIMEOUT),
            allow_redirects=False,
            stream=True,
        )
    params = {"api_key": settings.SCRAPER_API_KEY, "url": url}
    if settings.SCRAPER_API_ENABLE_JS_RENDERING:
        params["render"] = "true"
    if settings.SCRAPER_API_ENABLE_PREMIUM:
        params["premium"] = "true"
    if settings.SCRAPER_API_ENABLE_GEOTARGETING:
        params["country_code"] = "us"
        params["device_type"] = "desktop"
    response = s.get(
        SCRAPER_API_URL,
        params=params,
        headers=headers,
        timeout=(settings.FETCH_CONNECT_TIMEOUT, settings.SCRAPER_API_TIMEOUT),
        allow_redirects=True,
        stream=True,
    )
    # ScraperAPI charges for successes and the target's 404/410, not for its own failures.
    if response.status_code < 300 or response.status_code in (404, 410):
        credits = scraper_api_credits()
        logger.info("ScraperAPI %s: ~%d credits (HTTP %s)", url, credits, response.status_code)
        _record_scraper_api_credits(credits)
    return response


def scraper_api_credits() -> int:
    """Estimated credits one ScraperAPI request costs with the options the settings turn on."""
    credits = 1
    if settings.SCRAPER_API_ENABLE_PREMIUM:
        credits *= 5
    if settings.SCRAPER_API_ENABLE_JS_RENDERING:
        credits *= 10
    if settings.SCRAPER_API_ENABLE_GEOTARGETING:
        credits *= 2
    return credits


def _record_scraper_api_credits(credits: int) -> None:
    from pages.models import ScraperApiUsage

    try:
        ScraperApiUsage.record(credits)
    except Exception:
        # The count is a statistic; failing to store it must not fail the page.
        logger.exception("could not record %d ScraperAPI credits", credits)


def retry_after_seconds(value: str | None) -> float:
    """Seconds a Retry-After header asks for (a number or an HTTP date), capped by the settings."""
    if not value:
        return 0.0
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return 0.0
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if seconds != seconds:  # NaN
        return 0.0
    return min(max(seconds, 0.0), settings.FETCH_RETRY_AFTER_MAX_SECONDS)


def _backoff(attempt: int) -> float:
    base = settings.FETCH_BACKOFF_SECONDS
    return base * 2**attempt + random.uniform(0, base)


def sleep(seconds: float) -> None:
    """Waits between retries (its own name so tests can replace it)."""
    time.sleep(seconds)


# --- The body --------------------------------------------------------------------------------


def _content_type(header: str) -> tuple[str, str]:
    """(media type, charset) from a Content-Type header, both lowercased."""
    media, _, rest = header.partition(";")
    charset = ""
    for param in rest.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    return media.strip().lower(), charset


def _check_content_type(content_type: str, accept, status_code: int) -> None:
    if accept is None or not content_type:
        return
    for kind in accept:
        allowed = CONTENT_KINDS[kind]
        if content_type in allowed or (kind == "xml" and content_type.endswith("+xml")):
            return
    if "html" in accept:
        raise FetchError(f"not HTML: {content_type}", status_code=status_code)
    raise FetchError(
        f"unexpected content type {content_type} (expected {', '.join(accept)})",
        status_code=status_code,
    )


def _read_body(response: requests.Response, max_bytes: int, noun: str, timeout: float) -> bytes:
    too_large = FetchError(
        f"{noun} larger than {_size(max_bytes)}", status_code=response.status_code
    )
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        response.close()
        raise too_large
    # The read timeout bounds each socket read; this bounds a server that drips bytes forever.
    deadline = time.monotonic() + timeout
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(CHUNK_SIZE):
            size += len(chunk)
            if size > max_bytes:
                raise too_large
            if time.monotonic() > deadline:
                raise FetchError(f"timed out after {timeout:g} s")
            chunks.append(chunk)
    except requests.exceptions.RequestException as exc:
        if "timed out" in str(exc).lower():
            raise FetchError(f"timed out after {timeout:g} s") from None
        raise FetchError(
            f"connection broken while reading {response.url}: {_short_reason(exc)}"
        ) from None
    return b"".join(chunks)


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return any(marker in head for marker in _HTML_SNIFF)


def decode_html(body: bytes, header_charset: str = "") -> tuple[str, str]:
    """(text, encoding): byte-order mark, then the HTTP charset, then <meta> in the first 2 KB,
    then UTF-8 if the bytes are valid UTF-8, then detection."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body.decode(name, errors="replace").lstrip("\ufeff"), _codec_name(name)
    declared = _known_codec(header_charset) or _known_codec(_meta_charset(body[:2048]))
    if declared and declared not in _LATIN1_LABELS:
        return body.decode(declared, errors="replace"), declared
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        # A Latin-1 label on bytes that are not UTF-8 is believed, read as windows-1252.
        return body.decode("cp1252", errors="replace"), "cp1252"
    detected = _detect(body[:65536])
    return body.decode(detected, errors="replace"), detected


def _detect(sample: bytes) -> str:
    """The detector's best guess, except that windows-1252 wins a near tie: on short Latin text
    the detector cannot tell the Western code pages apart, and 1252 is by far the commonest."""
    matches = list(charset_normalizer.from_bytes(sample))
    if not matches:
        return "cp1252"
    best = min(match.chaos for match in matches)
    for match in matches:
        if _known_codec(match.encoding) == "cp1252" and match.chaos <= best + 0.1:
            return "cp1252"
    return _known_codec(matches[0].encoding) or "cp1252"


def _meta_charset(head: bytes) -> str:
    for tag in _META_TAG.finditer(head):
        found = _META_CHARSET.search(tag.group(1))
        if found:
            return found.group(1).decode("ascii", errors="ignore")
    return ""


def _known_codec(label: str) -> str:
    """Python's name for a charset label, or "" for an unknown one."""
    if not label:
        return ""
    try:
        return _codec_name(label)
    except LookupError:
        return ""


def _codec_name(label: str) -> str:
    name = codecs.lookup(label).name
    return "utf-8" if name == "utf-8-sig" else name


# --- Messages --------------------------------------------------------------------------------


def _connection_error(url: str, exc: Exception, via_scraper_api: bool) -> FetchError:
    text = str(exc)
    if isinstance(exc, requests.exceptions.ConnectTimeout) or "timed out" in text.lower():
        timeout = settings.FETCH_CONNECT_TIMEOUT
        return FetchError(
            f"could not connect to host: {_host(url)} (timed out after {timeout:g} s)"
        )
    target = "ScraperAPI" if via_scraper_api else _host(url)
    return FetchError(f"could not connect to host: {target} ({_short_reason(exc)})")


def _short_reason(exc: BaseException) -> str:
    text = str(exc)
    found = _ERRNO_REASON.search(text)
    if found:
        return found.group(1).strip()
    if isinstance(exc, socket.gaierror) and exc.strerror:
        return exc.strerror
    return _redact(text[:200]) or type(exc).__name__


def _redact(text: str) -> str:
    key = getattr(settings, "SCRAPER_API_KEY", "")
    return text.replace(key, "***") if key else text


def _read_timeout(via_scraper_api: bool) -> float:
    return settings.SCRAPER_API_TIMEOUT if via_scraper_api else settings.FETCH_READ_TIMEOUT


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def _status_phrase(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"


class _RedactKey(logging.Filter):
    """urllib3 logs request paths at DEBUG; ScraperAPI's key travels in the query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        key = settings.SCRAPER_API_KEY
        if key:
            message = record.getMessage()
            if key in message:
                record.msg, record.args = message.replace(key, "***"), ()
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactKey())
