"""Storing found contacts: one bulk upsert per page against the unique constraints."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from contacts.models import Contact

TABLE = Contact._meta.db_table
COLUMNS = (
    "id, domain_id, page_id, email, name, phone, email_type, source, context, first_seen, last_seen"
)
# Existing contacts keep their first page and first_seen; a re-extraction refreshes last_seen
# and fills a name, phone or context that was empty.
FILL_EMPTY = f"""
    last_seen = EXCLUDED.last_seen,
    name = CASE WHEN {TABLE}.name = '' THEN EXCLUDED.name ELSE {TABLE}.name END,
    phone = CASE WHEN {TABLE}.phone = '' THEN EXCLUDED.phone ELSE {TABLE}.phone END,
    context = CASE WHEN {TABLE}.context = '' THEN EXCLUDED.context ELSE {TABLE}.context END
"""
UPSERT_BY_EMAIL = (
    f"INSERT INTO {TABLE} ({COLUMNS}) VALUES {{values}} "
    f"ON CONFLICT (domain_id, lower(email)) WHERE NOT (email = '') DO UPDATE SET {FILL_EMPTY} "
    "RETURNING (first_seen = last_seen)"
)
UPSERT_BY_PHONE = (
    f"INSERT INTO {TABLE} ({COLUMNS}) VALUES {{values}} "
    f"ON CONFLICT (domain_id, phone) WHERE (email = '') DO UPDATE SET {FILL_EMPTY} "
    "RETURNING (first_seen = last_seen)"
)


@dataclass
class Stored:
    created: int = 0
    updated: int = 0


def store_contacts(page, found: Iterable) -> Stored:
    """Upsert the contacts found on `page` (objects with email, phone, name, email_type,
    source, context). Never a query per contact: at most one statement for the contacts with
    an email and one for phone-only contacts."""
    by_email: dict[str, tuple] = {}
    by_phone: dict[str, tuple] = {}
    now = timezone.now()
    for item in found:
        email = (item.email or "").strip().lower()
        phone = (item.phone or "").strip()
        if not email and not phone:
            continue
        row = (
            uuid.uuid4(),
            page.domain_id,
            page.pk,
            email,
            (item.name or "")[:200],
            phone[:20],
            item.email_type if email else "",
            item.source or "",
            (item.context or "")[:300],
            now,
            now,
        )
        if email:
            by_email.setdefault(email, row)
        else:
            by_phone.setdefault(phone, row)
    stored = Stored()
    # Each value as its column's field would send it (UUIDs and datetimes differ per database).
    prep = [Contact._meta.get_field(c.strip()).get_db_prep_value for c in COLUMNS.split(",")]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, rows in ((UPSERT_BY_EMAIL, by_email), (UPSERT_BY_PHONE, by_phone)):
            if not rows:
                continue
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(prep)) + ")"] * len(rows))
            params = [
                to_db(value, connection)
                for row in rows.values()
                for to_db, value in zip(prep, row, strict=True)
            ]
            cursor.execute(sql.format(values=placeholders), params)
            for (created,) in cursor.fetchall():
                if created:
                    stored.created += 1
                else:
                    stored.updated += 1
    return stored
