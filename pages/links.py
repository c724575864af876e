"""URL normalisation: one page per URL, one domain per host."""

import re
from urllib.parse import urlsplit, urlunsplit

MAX_URL_LENGTH = 2048  # bytes; also keeps the unique index entry small
MAX_HOST_LENGTH = 253
SCHEME_ONLY = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]{0,30}):(?!\d)")


class InvalidURL(ValueError):
    """A URL that cannot be a page; the message says why."""


def normalize_url(raw: str) -> str:
    """Scheme and host lowercased, default port and fragment dropped, empty path made "/".

    Raises InvalidURL with a readable reason.
    """
    url = (raw or "").strip()
    if not url:
        raise InvalidURL("empty URL")
    if "\x00" in url:
        raise InvalidURL("URL contains a NUL character")
    if "://" not in url:
        scheme = SCHEME_ONLY.match(url)
        if scheme:  # mailto:…, tel:…, javascript:… — not "host:port"
            raise InvalidURL(f"only http and https URLs can be pages, not {scheme[1].lower()}:")
        url = "https://" + url
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURL(f"URL longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() for ch in url):
        raise InvalidURL(f"URL contains white space: {raw!r}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"not a valid URL: {raw!r} ({exc})") from None
    if parts.username is not None or parts.password is not None:
        raise InvalidURL("URL contains a user name or password; remove them")
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidURL(f"only http and https URLs can be pages, not {scheme}:")
    host = (parts.hostname or "").rstrip(".")
    if not host or ("." not in host and host != "localhost"):
        raise InvalidURL(f"no valid host name in {raw!r}")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidURL(f"invalid host name in {raw!r}") from None
    netloc = host if ":" not in host else f"[{host}]"
    if len(host) > MAX_HOST_LENGTH:
        raise InvalidURL(f"host name longer than {MAX_HOST_LENGTH} characters")
    if port and port != {"http": 80, "https": 443}[scheme]:
        netloc = f"{netloc}:{port}"
    normalised = urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
    try:
        size = len(normalised.encode())
    except UnicodeEncodeError:
        raise InvalidURL(
            "URL contains characters that are not valid text (a lone surrogate)"
        ) from None
    if size > MAX_URL_LENGTH:
        raise InvalidURL(f"URL longer than {MAX_URL_LENGTH} bytes once normalised")
    return normalised


def host_of(url: str) -> str:
    """The lowercased host of a normalised URL (a Domain's name)."""
    return (urlsplit(url).hostname or "").lower()
