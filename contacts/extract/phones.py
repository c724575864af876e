"""Phone numbers: a cheap scan for digit groups, then phonenumbers on the few shapes that fit.

Running phonenumbers' own matcher over a whole page costs ~10 ms; most digits on a page are
dates, prices and IDs that a look at their grouping rules out for a fraction of that.
"""

import functools
import re
from urllib.parse import unquote

import phonenumbers

from .domains import split_domain
from .text import word_set

DEFAULT_REGION = "US"

# Runs of digits and the separators people put between phone digit groups. One bounded
# character class: linear time.
_SPAN = re.compile(r"[+(]?\d[\d \u00a0().\-/\u2010\u2011\u2013]{5,80}")
_GROUP = re.compile(r"\(?\d+\)?")
_WORDS = re.compile(r"[^\W\d_]+")

# A number right after one of these words is an identifier, not a phone.
_ID_WORDS = word_set(
    """order invoice case ticket tracking isbn issn npi ein tin tax vat ust ustid ustidnr
    steuernummer steuer license licence lic reg registration registered register account acct
    ref reference sku item mls id serial vin patent docket permit policy claim member loan
    routing swift iban bic ssn dea upc ean model part po confirmation booking reservation nct
    report file company charity crn abn acn gst hrb hra amtsgericht handelsregister
    registergericht siret siren kvk cvr employer job req requisition listing
    lot parcel apn zip postcode"""
)
_PHONE_WORDS = word_set(
    """phone phones tel telephone call calls fax mobile cell cellphone text sms hotline tollfree
    toll free direct office main ph t p m f c o d whatsapp dial telefon telefax tél téléphone mob
    line desk voice reception switchboard helpline emergency or and landline handy mobil
    telefono teléfono tlf tlfn tfno fone"""
)
# Country-code top-level domains that sites use as generic names.
_GENERIC_CCTLDS = word_set(
    "io co ai me tv fm ly so to ws cc sh vc gg im la nu tk ms gs ac cx app ag am bz mu pw st"
)
_LANGUAGE_REGIONS = {
    "de": "DE", "fr": "FR", "es": "ES", "it": "IT", "nl": "NL", "pt": "PT", "pl": "PL",
    "sv": "SE", "da": "DK", "nb": "NO", "nn": "NO", "no": "NO", "fi": "FI", "cs": "CZ",
    "sk": "SK", "hu": "HU", "ro": "RO", "el": "GR", "tr": "TR", "ja": "JP", "ko": "KR",
    "he": "IL", "ru": "RU", "uk": "UA", "bg": "BG", "hr": "HR", "sl": "SI", "et": "EE",
    "lv": "LV", "lt": "LT", "is": "IS", "ga": "IE",
}  # fmt: skip
_EXTENSION = re.compile(r"(?i)\s*(?:[,;pwx]|ext|extn|extension|#).*$")


def page_region(url: str, lang: str = "") -> str:
    """The region a page's national-format numbers are in: its country TLD, then its language."""
    host = url.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    suffix = split_domain(host)[2] if host else ""
    country = suffix.rsplit(".", 1)[-1] if suffix else ""
    if len(country) == 2 and country not in _GENERIC_CCTLDS:
        region = "GB" if country == "uk" else country.upper()
        if region in phonenumbers.SUPPORTED_REGIONS:
            return region
    lang = lang.strip().replace("_", "-")
    if lang:
        parts = lang.split("-")
        if len(parts) > 1 and parts[1].upper() in phonenumbers.SUPPORTED_REGIONS:
            return parts[1].upper()
        region = _LANGUAGE_REGIONS.get(parts[0].lower())
        if region:
            return region
    return DEFAULT_REGION


def parse(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 for a number written any way (tel: links, structured data), or None."""
    start = _NUMBER_START.search(raw)
    if start is None:
        return None
    raw = _EXTENSION.sub("", raw[start.start() :].strip())  # "Phone: +1 …" and "… ext. 12" go
    digits = "".join(_NOT_DIGIT.split(raw))
    if len(digits) < 7 or len(digits) > 17:
        return None
    plus = raw.startswith("+")
    if (plus and len(digits) == 11 and digits[0] == "1") or (
        not plus and region in _NANP_REGIONS and (len(digits) == 10 or digits[:1] == "1")
    ):
        return _north_american_number(digits[-10:] if len(digits) in (10, 11) else "")
    return _parse_any(raw, region)


_NOT_DIGIT = re.compile(r"\D+")
_NUMBER_START = re.compile(r"[+(]?\d")
_NANP_REGIONS = ("US", "CA")


@functools.lru_cache(maxsize=4096)
def _north_american_number(national: str) -> str | None:
    """+1 and the ten digits when they are a valid North American number.

    The number is built directly: phonenumbers.parse costs twice the validity test alone.
    """
    if len(national) != 10 or not national.isdigit():
        return None
    number = phonenumbers.PhoneNumber(country_code=1, national_number=int(national))
    # Most are US numbers: testing the US plan alone is cheaper than finding the region.
    valid = phonenumbers.is_valid_number_for_region(number, "US") or phonenumbers.is_valid_number(
        number
    )
    return "+1" + national if valid else None


@functools.lru_cache(maxsize=4096)
def _parse_any(raw: str, region: str) -> str | None:
    for attempt in (region, DEFAULT_REGION) if region != DEFAULT_REGION else (region,):
        try:
            number = phonenumbers.parse(raw, attempt)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def is_fictional(number: str) -> bool:
    """North American 555-0100 to 555-0199: reserved for films and templates, never a contact."""
    return number.startswith("+1") and len(number) == 12 and number[5:10] == "55501"


def contact_number(raw: str, region: str) -> str | None:
    """A number written as data (JSON-LD, microdata) that is someone's real phone."""
    number = parse(raw, region)
    return None if number is None or is_fictional(number) else number


def parse_tel_href(href: str, region: str) -> str | None:
    body = unquote(href.strip())
    body = body.split(":", 1)[1] if ":" in body[:10] else body
    return contact_number(body.split("?", 1)[0], region)


# "No." says nothing by itself: "Phone No." is a phone, "Order No." an identifier.
_NEUTRAL_WORDS = word_set("no nr nos num number nummer")


# Labels for a phone that are not phone words: "Contact no.", "Our number".
_CONTACT_WORDS = word_set("contact contacts kontakt contacto contatto our my your")
# Abbreviations of "number": after a word that is not about phoning, the label of an identifier
# ("Membership no.", "Subscriber Nr."), whatever that word is.
_NUMBER_ABBREVIATIONS = word_set("no nr nos num")


def _is_identifier(before: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(before[-40:])][-4:]
    for index in range(len(words) - 1, -1, -1):
        word = words[index]
        if word in _NEUTRAL_WORDS:
            if index == len(words) - 1 and word in _NUMBER_ABBREVIATIONS and index > 0:
                label = words[index - 1]
                if label not in _PHONE_WORDS and label not in _CONTACT_WORDS:
                    return label not in _NEUTRAL_WORDS
            continue
        if word in _PHONE_WORDS:
            return False
        if word in _ID_WORDS:
            return True
    return False


def _has_phone_label(before: str) -> bool:
    words = [w.lower() for w in _WORDS.findall(before[-24:])][-2:]
    return any(word in _PHONE_WORDS for word in words)


_SEVEN_DIGITS = re.compile(r"\d(?:\D{0,3}\d){6}")


def might_hold_number(text: str) -> bool:
    return _SEVEN_DIGITS.search(text) is not None


# Every phone holds one of these shapes once its digits are written as 0 and its separators as
# "-"; most dates, prices and IDs hold none. Found with bytes.find (C speed, no regex), so the
# span logic below runs only where a phone can be.
_SQUASH = bytes.maketrans(b"0123456789 .", b"0000000000--")
_WIDE_SEPARATORS = ("\u00a0", "\u2010", "\u2011", "\u2013")
_ANCHORS = (b"000-0000", b"000---0000", b"0000000", b"+0", b"+-0")
_NATIONAL_ANCHORS = (*_ANCHORS, b"00-00-00", b"0000-0000")
# Outside North America a national number starts with its trunk prefix 0: "030 1234 5678".
_TRUNK_PREFIX = re.compile(r"(?<![0-9])\(?0[0-9]")
_SPAN_CHARS = frozenset("0123456789 \u00a0().-/\u2010\u2011\u2013+")


def _anchor_positions(text: str, region: str) -> list[int]:
    for separator in _WIDE_SEPARATORS:
        if separator in text:
            text = text.replace(separator, " ")
    squashed = text.encode("ascii", "replace").translate(_SQUASH)
    positions = []
    for anchor in _NATIONAL_ANCHORS if region not in ("US", "CA") else _ANCHORS:
        at = squashed.find(anchor)
        while at != -1:
            # "000-0000" stands for exactly 3 then 4 digits: not a ZIP+4 (80304-1234).
            if anchor != b"000-0000" or (
                squashed[at - 1 : at] != b"0" and squashed[at + 8 : at + 9] != b"0"
            ):
                positions.append(at)
            at = squashed.find(anchor, at + len(anchor))
    if region not in ("US", "CA"):
        positions.extend(match.start() for match in _TRUNK_PREFIX.finditer(text))
    positions.sort()
    return positions


def find_in_text(text: str, region: str):
    """(E.164, start, end) for each phone number written in the text."""
    done = 0
    for position in _anchor_positions(text, region):
        if position < done:
            continue
        start = position
        limit = max(done, start - 40)
        while start > limit and text[start - 1] in _SPAN_CHARS:
            start -= 1
        while start < position and not (text[start].isdigit() or text[start] in "+("):
            start += 1
        span = _SPAN.match(text, start)
        if span is None:
            continue
        done = span.end()
        for number, number_start, number_end in _numbers_in_span(text, start, span.group(), region):
            if not is_fictional(number):
                yield number, number_start, number_end


_DIGIT_GROUP = re.compile(r"\d+")


def _worth_parsing(span: str, region: str) -> bool:
    """Digit-group lengths that some phone shape could fit (most dates and amounts do not)."""
    if span.startswith("+"):
        return True
    lengths = [len(g) for g in _DIGIT_GROUP.findall(span)]
    if 10 in lengths or 11 in lengths:
        return True
    for k in range(len(lengths) - 1):
        if lengths[k] == 3 and lengths[k + 1] == 7:
            return True  # "312 8674411", parsed only with a phone label
        if lengths[k] == 3 and lengths[k + 1] == 3 and k + 2 < len(lengths) and lengths[k + 2] == 4:
            return True
    return region not in ("US", "CA") and "0" in span


def _numbers_in_span(text: str, offset: int, span: str, region: str):
    if not _worth_parsing(span, region):
        return
    # groups: (digits, start, end, parenthesised) relative to span
    groups = []
    for match in _GROUP.finditer(span):
        raw = match.group()
        digits = raw.strip("()")
        if not digits.isdigit():
            continue
        groups.append((digits, match.start(), match.end(), raw.startswith("(")))
    if not groups:
        return
    plus = span.startswith("+")
    i = 0
    while i < len(groups):
        found = _number_at(text, offset, span, groups, i, region, plus and i == 0)
        if found:
            number, end_index = found
            start = groups[i][1] - (1 if plus and i == 0 else 0)
            yield number, offset + start, offset + groups[end_index][2]
            i = end_index + 1
        else:
            i += 1


def _separator(span: str, groups, j: int) -> str:
    return span[groups[j - 1][2] : groups[j][1]]


def _clean_start(text: str, offset: int, span: str, groups, i: int) -> bool:
    """A number starts after a space or a slash, never inside a word or after - or ."""
    if i == 0:
        last = text[offset - 1] if offset else ""
        if last.isalnum() or (last and last in "_-/+#$%@\u00a3\u20ac\u00a5"):
            return False
        return not (last == "." and offset >= 2 and text[offset - 2].isdigit())
    separator = _separator(span, groups, i)
    return any(c in separator for c in " \u00a0/") or groups[i][3]


def _clean_end(span: str, groups, j: int) -> bool:
    if j + 1 >= len(groups):
        return True
    separator = _separator(span, groups, j + 1)
    return any(c in separator for c in " \u00a0/") or groups[j + 1][3]


def _number_at(text, offset, span, groups, i, region, plus):
    if not _clean_start(text, offset, span, groups, i):
        return None
    before = text[max(0, offset + groups[i][1] - 40) : offset + groups[i][1]]
    if plus:
        found = _international(span, groups, i)
    elif groups[i][0].startswith("00") and region not in ("US", "CA"):
        # "0049 30 …": 00 is the international prefix outside North America, like a "+".
        digits, start, end, parenthesised = groups[i]
        found = _international(
            span, [*groups[:i], (digits[2:], start, end, parenthesised), *groups[i + 1 :]], i
        )
    elif groups[i][0].startswith("0") and region not in ("US", "CA"):
        found = _national(span, groups, i, region)
    else:
        # "Phone" may head the cell or line before a bare number (<dt>Phone</dt><dd>…)
        found = _north_american(span, groups, i, before)
    # An identifier's label sits on the number's own line: the cell before a phone in a staff
    # table ("Permit Technician") says nothing about it.
    if found and _is_identifier(before[before.rfind("\n") + 1 :]):
        return None
    return found


def _north_american(span, groups, i, before):
    lengths = [len(g[0]) for g in groups[i : i + 4]]
    candidates = []
    if lengths[:4] == [1, 3, 3, 4] and groups[i][0] == "1":
        candidates.append(i + 3)
    if lengths[:3] == [3, 3, 4]:
        candidates.append(i + 2)
    if lengths[:1] in ([10], [11]) and _has_phone_label(before):
        candidates.append(i)
    if lengths[:2] == [3, 7] and _has_phone_label(before):
        candidates.append(i + 1)
    for j in candidates:
        if not _clean_end(span, groups, j):
            continue
        number = parse("".join(g[0] for g in groups[i : j + 1]), "US")
        if number:
            return number, j
    return None


def _international(span, groups, i):
    digits = ""
    ends = []
    for j in range(i, min(len(groups), i + 8)):
        if j > i and not _plain_separator(_separator(span, groups, j), slash=True):
            break
        part = groups[j][0]
        if groups[j][3] and part == "0" and j > i:
            ends.append(None)  # the "(0)" trunk prefix some write after the country code
            continue
        digits += part
        if len(digits) > 15:
            break
        ends.append(digits)
    for j in range(len(ends) - 1, -1, -1):
        digits = ends[j]
        if digits is None or len(digits) < 8:
            continue
        if not _clean_end(span, groups, i + j):
            continue
        number = parse("+" + digits, "US")
        if number:
            return number, i + j
    return None


def _national(span, groups, i, region):
    lengths = [len(g[0]) for g in groups[i : i + 4]]
    separators = {_separator(span, groups, k) for k in range(i + 1, min(len(groups), i + 4))}
    date_like = len(separators) == 1 and max(lengths[:3]) <= 4 and min(lengths[:2]) <= 2
    if date_like and next(iter(separators)).strip() in (".", "/", "-"):
        return None  # 01.06.2024, 01/06/24, 2024-06-01
    digits = ""
    ends = []
    for j in range(i, min(len(groups), i + 6)):
        if j > i and not _plain_separator(_separator(span, groups, j), slash=True):
            break
        digits += groups[j][0]
        if len(digits) > 13:
            break
        ends.append(digits)
    for j in range(len(ends) - 1, -1, -1):
        if len(ends[j]) < 8 or not _clean_end(span, groups, i + j):
            continue
        number = parse(ends[j], region)
        if number and not number.startswith("+1"):
            return number, i + j
    return None


def _plain_separator(separator: str, slash: bool = False) -> bool:
    """One separator character, maybe with spaces; a slash only in national numbers (089/123)."""
    stripped = separator.strip(" \u00a0")
    if stripped == "/":
        return slash and len(separator) <= 3
    return len(separator) <= 2 and len(stripped) <= 1
