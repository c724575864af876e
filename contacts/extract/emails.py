"""Finding email addresses in text, links and attributes, and telling real ones from look-alikes."""

import functools
import html
import re
from urllib.parse import parse_qsl, unquote

from email_validator import EmailNotValidError, validate_email

from .domains import split_domain
from .text import word_set

# Every pattern here has bounded repetition and no nested unbounded quantifiers: linear time.
# Not after "@": "@jane@hachyderm.social" is a fediverse handle, not an address.
EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-@])[A-Za-z0-9._+\-]{1,64}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}"
    r"(?![A-Za-z0-9\-])"
)

_AT = (
    r"(?P<at>[ \t]{0,3}[\[\(\{<][ \t]{0,2}(?:[aA][tT]|@)[ \t]{0,2}[\]\)\}>][ \t]{0,3}"
    r"|[ \t]{1,3}(?:AT|at|At)[ \t]{1,3}"
    r"|[ \t]{0,3}@[ \t]{0,3})"
)
_DOT = (
    r"(?:[ \t]{0,3}[\[\(\{<][ \t]{0,2}(?:[dD][oO][tT]|punkt|PUNKT|\.)[ \t]{0,2}[\]\)\}>][ \t]{0,3}"
    r"|[ \t]{1,3}(?:DOT|dot|Dot)[ \t]{1,3}"
    r"|\.)"
)
OBFUSCATED = re.compile(
    r"(?<![A-Za-z0-9._+\-@])(?P<local>[A-Za-z0-9][A-Za-z0-9._+\-]{0,63})" + _AT + r"(?P<domain>"
    r"[A-Za-z0-9][A-Za-z0-9\-]{0,62}(?:" + _DOT + r"[A-Za-z0-9][A-Za-z0-9\-]{0,62}){1,4})"
    r"(?![A-Za-z0-9\-])"
)
_DOT_SPLIT = re.compile(
    r"[ \t]{0,3}[\[\(\{<][ \t]{0,2}(?:[dD][oO][tT]|punkt|PUNKT|\.)[ \t]{0,2}[\]\)\}>][ \t]{0,3}"
    r"|[ \t]{1,3}(?:DOT|dot|Dot)[ \t]{1,3}"
)

# A piece of the mailbox and a spelled-out dot, just before where the pattern matched:
# "john dot " in "john dot smith at firm dot com". Searched in a short window only.
_LOCAL_PIECE_BEFORE = re.compile(
    r"(?<![A-Za-z0-9._+\-])(?P<piece>[A-Za-z0-9][A-Za-z0-9_+\-]{0,63})"
    r"(?P<dot>[ \t]{0,3}[\[\(\{<][ \t]{0,2}(?:[dD][oO][tT]|punkt|PUNKT)[ \t]{0,2}[\]\)\}>]"
    r"[ \t]{0,3}|[ \t]{1,3}(?:DOT|dot|Dot)[ \t]{1,3})\Z"
)

_HEX = frozenset("0123456789abcdef")
_ASSET_EXTENSIONS = word_set(
    "png jpg jpeg gif webp svg avif ico bmp tif tiff heic css scss less js mjs cjs ts jsx tsx "
    "json map woff woff2 ttf otf eot mp4 webm mov m4v mp3 wav ogg pdf zip gz tgz rar 7z php asp "
    "aspx jsp html htm xml txt md csv xls xlsx doc docx"
)
# Domains used in documentation, forms and templates, never as a real contact.
PLACEHOLDER_DOMAINS = word_set(
    """example.com example.org example.net example.edu example.co.uk domain.com domain.net
    domain.org email.com test.com test.org company.com yourcompany.com yourdomain.com
    mydomain.com website.com yourwebsite.com yoursite.com mysite.com site.com sample.com
    somewhere.com someone.com acme.com acme.org acmecorp.com foo.com bar.com foobar.com
    companyname.com businessname.com yourbusiness.com address.com emailaddress.com
    company.org organization.org org.com xyz.com abc.com"""
)
PLACEHOLDER_LOCALS = word_set(
    """you your yourname your.name yourmail youremail your.email name username user.name
    firstname lastname firstname.lastname first.last first.lastname firstlast fname.lname
    john.doe jane.doe johndoe janedoe john.smith jane.smith someone somebody anyone
    email.address emailaddress example sample test"""
)
# Registered-domain names that are placeholders under any suffix (example.de, domain.co.uk).
_PLACEHOLDER_NAMES = word_set(
    "example examples domain mydomain mysite mycompany mywebsite mybusiness sample placeholder"
)
# Error-monitoring services whose DSNs look like addresses (key@o123.ingest.sentry.io).
_MONITORING = word_set(
    "sentry.io sentry-cdn.com wixpress.com bugsnag.com rollbar.com raygun.io datadoghq.com "
    "logrocket.com logrocket.io"
)


def _reason_rejected(local: str, domain: str) -> str | None:
    labels = domain.split(".")
    if labels[-1] in _ASSET_EXTENSIONS:
        return "asset file name"
    if any(label.endswith("x") and label[:-1].isdigit() for label in labels):
        return "asset density"  # logo@2x.png, icon@1.5x.svg
    if len(labels) > 2 and all(part.isdigit() for part in labels[:-1]):
        return "numeric domain"
    _, name, suffix = split_domain(domain)
    if not name or not suffix:
        return "unknown top-level domain"
    registered = f"{name}.{suffix}"
    if registered in PLACEHOLDER_DOMAINS or name in _PLACEHOLDER_NAMES or name.startswith("your"):
        return "placeholder domain"
    if local in PLACEHOLDER_LOCALS or local.startswith("your"):
        return "placeholder mailbox"
    if registered in _MONITORING or any(label.split("-")[0] == "sentry" for label in labels):
        return "monitoring service"
    if len(local) >= 16 and set(local) <= _HEX:
        return "hash"
    if len(local) >= 24 and sum(c.isdigit() for c in local) >= 6 and "." not in local:
        return "hash"
    return None


@functools.lru_cache(maxsize=8192)
def clean(candidate: str) -> str | None:
    """A contact address (lowercased) or None if the candidate is not one."""
    candidate = candidate.strip().strip(".-+_'\"").lower()
    if candidate.count("@") != 1:
        return None
    local, domain = candidate.split("@")
    if not local or not domain or ".." in candidate or local.endswith("."):
        return None
    if _reason_rejected(local, domain):
        return None
    if len(candidate) <= 254 and "--" not in domain and EMAIL.fullmatch(candidate):
        # Dot-atom ASCII with letter TLD, labels of letters, digits and inner hyphens, no
        # leading, trailing or doubled dots: a strict subset of RFC 5321 syntax, so the full
        # validator (~45 us an address) has nothing left to reject.
        return candidate
    try:
        validate_email(candidate, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    return candidate


def find_in_text(text: str):
    """(address, start, end) for each plain address in the text."""
    if "@" not in text:
        return
    for match in EMAIL.finditer(text):
        address = clean(match.group())
        if address:
            yield address, match.start(), match.end()


_BRACKETED_AT = re.compile(r"[\[\(\{<][ \t]{0,2}(?:[aA][tT]|@)[ \t]{0,2}[\]\)\}>]")


def might_be_obfuscated(text: str) -> bool:
    """A cheap test that rules out almost every line of prose before the full pattern runs.

    Substring searches in an ASCII copy: lowercasing the text or a regex over a whole page
    costs ten times more.
    """
    ascii_text = text.encode("ascii", "replace").lower()
    if b"dot" in ascii_text or b"punkt" in ascii_text:
        return True
    for bracket in "([{<":
        at = text.find(bracket)
        while at != -1:
            if _BRACKETED_AT.match(text, at):
                return True
            at = text.find(bracket, at + 1)
    return False


def find_obfuscated(text: str):
    """(address, start, end) for addresses written out for humans: `jane [at] firm [dot] com`."""
    if not might_be_obfuscated(text):
        return
    for match in OBFUSCATED.finditer(text):
        at = match.group("at").strip()
        domain_text = match.group("domain")
        word_dots = _DOT_SPLIT.findall(domain_text)
        if at == "@" and not word_dots:
            continue  # a plain address: find_in_text has it
        if at.lower() == "at" and not word_dots:
            continue  # "meet us at booking.com" is prose, not an address
        if at == "at" and "." in _DOT_SPLIT.sub(" ", domain_text):
            continue  # the lowercase prose form needs every dot spelled out
        domain = _DOT_SPLIT.sub(".", domain_text)
        local, start = match.group("local"), match.start()
        spellings = {_spelling(dot) for dot in word_dots}
        for _ in range(4):
            # Dots spelled out in the mailbox too, the same way: "john dot smith at …".
            before = _LOCAL_PIECE_BEFORE.search(text, max(0, start - 80), start)
            if before is None or _spelling(before.group("dot")) not in spellings:
                break
            local, start = f"{before.group('piece')}.{local}", before.start()
        address = clean(f"{local}@{domain}")
        if address:
            yield address, start, match.end()


def _spelling(dot: str) -> str:
    return dot.strip().lower()


_RECIPIENT_SEPARATOR = re.compile(r"[,;]")


def parse_mailto(href: str) -> tuple[list[str], list[str]]:
    """(recipients, copied) from a mailto: link; copied are the cc/bcc addresses."""
    body = href.strip()
    body = body[body.index(":") + 1 :] if ":" in body[:8] else body
    address_part, _, query = body.partition("?")
    recipients: list[str] = []
    copied: list[str] = []
    for item in _RECIPIENT_SEPARATOR.split(unquote(address_part)):
        address = _address_of(item)
        if address:
            recipients.append(address)
    for key, value in parse_qsl(query, keep_blank_values=False):
        key = key.lower()
        if key not in {"to", "cc", "bcc"}:
            continue
        for item in _RECIPIENT_SEPARATOR.split(value):
            address = _address_of(item)
            if address:
                (recipients if key == "to" else copied).append(address)
    return recipients, copied


def _address_of(item: str) -> str | None:
    item = item.strip()
    if "<" in item and item.endswith(">"):
        item = item[item.rindex("<") + 1 : -1]
    return clean(item) if "@" in item else None


def decode_cloudflare(hex_text: str) -> str | None:
    """Cloudflare email protection: the first byte is a key XORed into every following byte."""
    hex_text = hex_text.strip()
    if len(hex_text) < 4 or len(hex_text) % 2 or len(hex_text) > 512:
        return None
    try:
        data = bytes.fromhex(hex_text)
    except ValueError:
        return None
    key = data[0]
    decoded = bytes(byte ^ key for byte in data[1:]).decode("utf-8", "replace")
    return clean(decoded)


# 'info' + '@' + 'firm.com': string pieces a script glues together.
_JS_CONCATENATION = re.compile(r"""(["'])[ \t]{0,3}\+[ \t]{0,3}(["'])""")
_JS_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})|\\(/)")


def unescape_script(text: str) -> str:
    """Undo JSON/JavaScript string escapes (`\\u0040`, `\\/`) and HTML entities."""
    if "\\" in text:
        text = _JS_ESCAPE.sub(
            lambda m: chr(int(m.group(1) or m.group(2), 16)) if not m.group(3) else "/", text
        )
    if "&" in text:
        text = html.unescape(text)
    if "+" in text:
        text = _JS_CONCATENATION.sub("", text)
    return text
