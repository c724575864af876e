"""Contacts stated as data: JSON-LD (schema.org Person, Organization, ContactPoint)."""

import json
from dataclasses import dataclass

from .emails import clean


@dataclass(slots=True)
class StatedContact:
    emails: list[str]
    phones: list[str]  # as written; the caller parses them
    name: str  # the node's name
    person: bool  # a schema.org Person (else an organisation, a business, a contact point)


def json_ld_contacts(text: str) -> list[StatedContact] | None:
    """Contacts in one JSON-LD block, or None if it is not valid JSON."""
    try:
        data = json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None
    found: list[StatedContact] = []
    _walk(data, found, 0)
    return found


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _is_person(node: dict) -> bool:
    kinds = [str(k) for k in _as_list(node.get("@type"))]
    return any(k.rsplit("/", 1)[-1] == "Person" for k in kinds)


def _walk(node, found: list[StatedContact], depth: int) -> None:
    if depth > 30:
        return
    if isinstance(node, list):
        for item in node:
            _walk(item, found, depth + 1)
        return
    if not isinstance(node, dict):
        return
    emails = []
    for value in _as_list(node.get("email")):
        if isinstance(value, str):
            value = value.strip()
            if value.lower().startswith("mailto:"):
                value = value[7:].split("?", 1)[0]
            address = clean(value)
            if address:
                emails.append(address)
    phones = [v for v in _as_list(node.get("telephone")) if isinstance(v, str | int)]
    if emails or phones:
        name = node.get("name") if isinstance(node.get("name"), str) else ""
        if not name and isinstance(node.get("givenName"), str):
            family = node.get("familyName")
            name = f"{node['givenName']} {family if isinstance(family, str) else ''}".strip()
        found.append(StatedContact(emails, [str(p) for p in phones], name, _is_person(node)))
    for key, value in node.items():
        if isinstance(value, dict | list) and key != "sameAs":
            _walk(value, found, depth + 1)
