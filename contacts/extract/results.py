"""What extraction returns: plain data, no Django."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FoundContact:
    email: str  # lowercased, "" for a phone-only contact
    phone: str  # E.164 or ""
    name: str  # the person's name as written, or "" (never invented)
    email_type: str  # "SERVICE" | "CORPORATE" | "FREE" | "UNKNOWN" ("" for phone-only)
    source: str  # mailto, tel, text, attribute, cloudflare, jsonld, microdata, obfuscated, script
    context: str  # up to 200 characters of visible text around the item


@dataclass(slots=True)
class Extraction:
    title: str
    emails: list[str]  # unique, lowercased, page order
    phones: list[str]  # unique E.164
    names: dict[str, str]  # email -> name
    social: list[str]  # normalised profile links
    contacts: list[FoundContact]  # one per email, plus one per phone tied to no email
