"""One page in, its contacts out: collects what every other module finds and ties it together."""

import re
from urllib.parse import urlsplit

from lxml import etree

from . import cards, classify, domains, emails, names, phones, social, structured
from .found import Found, Occurrence
from .results import Extraction, FoundContact
from .text import collapse, decode, parse, text_of, visible_text

# Which way of finding an address best describes it, when it is found several ways.
_SOURCE_RANK = {
    "cloudflare": 0,
    "mailto": 1,
    "jsonld": 2,
    "microdata": 3,
    "obfuscated": 4,
    "text": 5,
    "tel": 5,
    "attribute": 6,
    "script": 7,
}
# Attributes whose values people read (tooltips, labels) or that carry data for scripts.
_READ_ATTRIBUTES = frozenset({"title", "content", "aria-label", "value", "data-email", "data-mail"})
_CF_PATH = "/cdn-cgi/l/email-protection"
_SPACES = re.compile(r"\s+")


def extract(html: str | bytes, url: str) -> Extraction:
    source = decode(html)
    root = parse(source)
    if root is None:
        return Extraction("", [], [], {}, [], [])
    host = (urlsplit(url).hostname or "") if url else ""
    region = phones.page_region(url or "", root.get("lang") or "")
    page_text = visible_text(root)
    order = page_text.order
    found_emails = Found()
    found_phones = Found()

    _scan_text(page_text, order, region, found_emails, found_phones)
    social_links = _scan_elements(root, source, order, region, found_emails, found_phones)

    email_list = found_emails.ordered()
    phone_list = found_phones.ordered()
    lengths: dict = {}  # element -> length of the text inside it
    site = domains.split_domain(host)[1].replace("-", "") if host else ""
    cards.find_names(found_emails, lengths, page_text, site)
    contacts = _contacts(
        email_list, phone_list, found_emails, found_phones, page_text, host, lengths
    )
    return Extraction(
        title=_title(root),
        emails=email_list,
        phones=phone_list,
        names={
            email: found_emails.names[email][1]
            for email in email_list
            if email in found_emails.names
        },
        social=social_links,
        contacts=contacts,
    )


def _title(root) -> str:
    title = root.find(".//title")
    if title is not None and text_of(title).strip():
        return collapse(text_of(title))[:300]
    for meta in root.iterfind(".//meta[@property='og:title']"):
        if meta.get("content"):
            return collapse(meta.get("content"))[:300]
    return ""


def _scan_text(page_text, order, region, found_emails: Found, found_phones: Found) -> None:
    all_text = page_text.text
    email_runs = []
    at = all_text.find("@")
    while at != -1:
        run_index = page_text.run_at(at)[0]
        if not email_runs or email_runs[-1] != run_index:
            email_runs.append(run_index)
        at = all_text.find("@", at + 1)
    for run_index in email_runs:
        _emails_in_run(page_text, run_index, order, found_emails)
    if emails.might_be_obfuscated(all_text):
        for run_index, run in enumerate(page_text.runs):
            if not emails.might_be_obfuscated(run.text):
                continue
            for address, start, end in emails.find_obfuscated(run.text):
                local, _, domain = address.partition("@")
                local_end = start + len(local)
                first = run.node_at(start)
                last = run.node_at(local_end - 1)
                if first != last:
                    # The mailbox ran into the text of the element before it ("8774974info").
                    start = run.starts[last]
                    address = emails.clean(run.text[start:local_end] + "@" + domain)
                    first = last
                    if not address:
                        continue
                _add_text(
                    found_emails, address, run, run_index, first, start, end, "obfuscated",
                    order, page_text,
                )  # fmt: skip
    for number, start, end in phones.find_in_text(page_text.spaced, region):
        run_index, offset = page_text.run_at(start, spaced=True)
        run = page_text.runs[run_index]
        element = run.owners[run.node_at(offset, spaced=True)]
        where = (run_index, offset, offset + end - start, True)
        found_phones.add(number, Occurrence(element, (order.get(element, 0), start), "text", where))


def _emails_in_run(page_text, run_index: int, order, found_emails: Found) -> None:
    run = page_text.runs[run_index]
    for address, start, end in emails.find_in_text(run.text):
        first = run.node_at(start)
        last = run.node_at(end - 1)
        if first != last and not _split_at_joints(run, first, last):
            continue  # two elements ran together; each node is scanned below
        _add_text(
            found_emails, address, run, run_index, first, start, end, "text", order, page_text
        )
    if len(run.nodes) > 1:
        # An address inside one node that the joined text glued to a neighbour.
        for node_index, node in enumerate(run.nodes):
            if "@" not in node:
                continue
            base = run.starts[node_index]
            for address, start, end in emails.find_in_text(node):
                if address not in found_emails.occurrences:
                    _add_text(
                        found_emails, address, run, run_index, node_index,
                        base + start, base + end, "text", order, page_text,
                    )  # fmt: skip


def _split_at_joints(run, first: int, last: int) -> bool:
    """An address split over inline elements breaks only around its @ and dots."""
    for node_index in range(first + 1, last + 1):
        boundary = run.starts[node_index]
        left = run.text[boundary - 1 : boundary]
        right = run.text[boundary : boundary + 1]
        if left not in ("@", ".") and right not in ("@", "."):
            return False
    return True


def _add_text(found, address, run, run_index, node_index, start, end, source, order, page_text):
    element = run.owners[node_index]
    found.add(
        address,
        Occurrence(
            element,
            (order.get(element, 0), page_text.text_starts[run_index] + start),
            source,
            (run_index, start, end, False),
        ),
    )


# XPath runs in C: the few elements that matter are picked out without a Python loop over all.
_CLOUDFLARE = etree.XPath("//*[@data-cfemail]")
_ITEMPROPS = etree.XPath("//*[@itemprop]")
_ATTRIBUTES_WITH_AT = etree.XPath("//@*[contains(., '@')]")


# A link can only matter if it starts with one of these; an anchored match rules the rest out
# in a few steps (a search through every href costs ten times more).
_INTERESTING_HREF = re.compile(
    r"(?i)\s{0,20}(?:(?:mailto|tel|sms|callto):|(?:https?:)?//(?:[\w-]{1,63}\.){0,4}"
    r"(?:linkedin|twitter|x|facebook|fb|instagram|youtube|tiktok|github)\.com\b)"
)


def _scan_elements(
    root, source, order, region, found_emails: Found, found_phones: Found
) -> list[str]:
    """Links, Cloudflare-protected addresses, microdata, scripts and attributes; returns the
    social profile links."""
    social_links: list[str] = []
    seen_social: set[str] = set()
    interesting = _INTERESTING_HREF.match
    for element in root.iter("a", "area"):
        href = element.get("href")
        if not href or not (interesting(href) or _CF_PATH in href):
            continue  # most links: pages of the site itself
        href = href.strip()
        position = (order.get(element, 0), -1)
        _scan_href(element, href, position, region, found_emails, found_phones)
        if element.tag == "a":
            link = social.profile_url(href)
            if link and link.lower() not in seen_social:
                seen_social.add(link.lower())
                social_links.append(link)
    for element in _CLOUDFLARE(root) if "data-cfemail" in source else ():
        address = emails.decode_cloudflare(element.get("data-cfemail"))
        if address:
            position = (order.get(element, 0), -1)
            found_emails.add(address, Occurrence(element, position, "cloudflare"))
    for element in _ITEMPROPS(root) if "itemprop" in source else ():
        position = (order.get(element, 0), -1)
        itemprop = element.get("itemprop")
        _scan_itemprop(element, itemprop, position, region, found_emails, found_phones)
    for element in root.iter("script"):
        _scan_script(element, order, region, found_emails, found_phones)
    for value in _ATTRIBUTES_WITH_AT(root) if _at_sign_in_a_tag(source) else ():
        name = value.attrname
        if name not in _READ_ATTRIBUTES and not name.startswith("data-"):
            continue
        element = value.getparent()
        position = (order.get(element, 0), -1)
        for address, _, _ in emails.find_in_text(str(value)):
            found_emails.add(address, Occurrence(element, position, "attribute"))
    return social_links


# An @ that cannot start an address in an attribute: image densities (logo@2x.png) and CSS
# at-rules.
_PLAIN_AT = re.compile(
    r"@(?!\d{1,2}(?:\.\d{1,2})?x\b|media\b|font-face\b|import\b|keyframes\b|supports\b|charset\b)"
)


def _at_sign_in_a_tag(source: str) -> bool:
    """Whether any @ that could belong to an address sits inside a tag (not in a mailto link)."""
    for count, match in enumerate(_PLAIN_AT.finditer(source)):
        if count >= 300:
            return True  # bounded work on hostile pages: past that, look at the attributes
        at = match.start()
        window = max(0, at - 2000)
        in_tag = source.rfind("<", window, at) > source.rfind(">", window, at)
        if in_tag and "mailto:" not in source[max(0, at - 80) : at]:
            return True
    return False


def _scan_href(element, href, position, region, found_emails, found_phones) -> None:
    scheme = href[:7].lower()
    if scheme.startswith("mailto:"):
        recipients, copied = emails.parse_mailto(href)
        link_text = collapse(text_of(element))
        for address in recipients + copied:
            found_emails.add(address, Occurrence(element, position, "mailto"))
        if len(recipients) == 1 and link_text and "@" not in link_text:
            found_emails.name(recipients[0], link_text, 1)
    elif scheme.startswith(("tel:", "sms:", "callto:")):
        number = phones.parse_tel_href(href, region)
        if number:
            found_phones.add(number, Occurrence(element, position, "tel"))
    elif _CF_PATH in href and "#" in href:
        address = emails.decode_cloudflare(href.rsplit("#", 1)[1])
        if address:
            found_emails.add(address, Occurrence(element, position, "cloudflare"))


def _scan_itemprop(element, itemprop, position, region, found_emails, found_phones) -> None:
    props = itemprop.split()
    if "email" not in props and "telephone" not in props:
        return
    value = element.get("content") or ""
    if not value and element.tag not in ("a", "link"):
        value = text_of(element)
    if not value:
        return
    if "email" in props:
        value = value.strip()
        if value.lower().startswith("mailto:"):
            value = value[7:]
        address = emails.clean(_SPACES.sub("", value))
        if address:
            found_emails.add(address, Occurrence(element, position, "microdata"))
    if "telephone" in props:
        number = phones.contact_number(value, region)
        if number:
            found_phones.add(number, Occurrence(element, position, "microdata"))


def _scan_script(element, order, region, found_emails: Found, found_phones: Found) -> None:
    if element.get("src"):
        return
    body = element.text or ""
    if not body.strip():
        return
    position = (order.get(element, 0), -1)
    kind = (element.get("type") or "").lower()
    if "ld+json" in kind:
        stated = structured.json_ld_contacts(body)
        if stated is not None:
            for contact in stated:
                numbers = [
                    n for n in (phones.contact_number(p, region) for p in contact.phones) if n
                ]
                for number in numbers:
                    found_phones.add(number, Occurrence(element, position, "jsonld", None, False))
                for address in contact.emails:
                    found_emails.add(address, Occurrence(element, position, "jsonld", None, False))
                    if contact.person:
                        found_emails.name(address, contact.name, 0)
                    elif names.local_part_match(names.clean_name(contact.name), address) == 2:
                        # A business named after its owner or agent ("RealEstateAgent": a person).
                        found_emails.name(address, contact.name, 2)
                    if numbers and len(contact.emails) == 1:
                        found_emails.phone_of.setdefault(address, numbers[0])
            return
    if "@" not in body and "\\u0040" not in body and "&#64;" not in body:
        return
    for address, _, _ in emails.find_in_text(emails.unescape_script(body)):
        found_emails.add(address, Occurrence(element, position, "script", None, False))


def _contacts(
    email_list, phone_list, found_emails: Found, found_phones: Found, page_text, host, lengths
):
    phone_of = cards.tie_phones(
        email_list, phone_list, found_emails, found_phones, page_text, lengths
    )
    tied = set(phone_of.values())
    contacts = []
    for address in email_list:
        occurrences = found_emails.occurrences[address]
        phone = phone_of.get(address, "")
        best = min(occurrences, key=lambda o: _SOURCE_RANK.get(o.source, 9))
        context = _context(occurrences, page_text)
        contacts.append(
            FoundContact(
                email=address,
                phone=phone,
                name=found_emails.names.get(address, (0, ""))[1],
                email_type=classify.email_type(address, host),
                source=best.source,
                context=context[:200],
            )
        )
    for number in phone_list:
        if number in tied:
            continue
        occurrences = found_phones.occurrences[number]
        best = min(occurrences, key=lambda o: _SOURCE_RANK.get(o.source, 9))
        context = _context(occurrences, page_text)
        contacts.append(FoundContact("", number, "", "", best.source, context[:200]))
    return contacts


def _context(occurrences, page_text) -> str:
    """Visible text around the first occurrence that has any."""
    for occurrence in sorted(occurrences, key=lambda o: o.order):
        if occurrence.where is not None:
            return page_text.context(*occurrence.where)
        if occurrence.visible:
            context = page_text.element_context(occurrence.element)
            if context:
                return context
    return ""
