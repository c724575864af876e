"""Storing found contacts: bulk upserts against the unique constraints."""

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
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


NAME, PHONE, CONTEXT = 4, 5, 8  # positions in a row of COLUMNS


@dataclass
class Stored:
    created: int = 0
    updated: int = 0


def new_ids(n: int) -> list[uuid.UUID]:
    """n random (version 4) UUIDs without a system call.

    uuid4() reads os.urandom, which gives up the GIL: in a busy worker each call then waits
    for it again behind the parsing threads (measured: a sixth of a worker's time). Ids need
    to be unique, not secret; `random` is seeded from the OS and reseeded in forked children.
    """
    return [uuid.UUID(int=random.getrandbits(128), version=4) for _ in range(n)]


def store_contacts(page, found: Iterable) -> Stored:
    """Upsert the contacts found on `page` (objects with email, phone, name, email_type,
    source, context)."""
    return store_contacts_many([(page, found)])


def store_contacts_many(pages: Iterable[tuple]) -> Stored:
    """Upsert the contacts found on several pages, [(page, found), …]. Never a query per
    contact: one statement for the contacts with an email and one for phone-only contacts.

    A contact found twice (on two pages of one domain) is one row: the first page it was seen
    on, with empty name, phone or context filled from the later sightings.
    """
    by_email: dict[tuple, list] = {}
    by_phone: dict[tuple, list] = {}
    now = timezone.now()
    for page, found in pages:
        found = list(found)
        for item, new_id in zip(found, new_ids(len(found)), strict=True):
            email = (item.email or "").strip().lower()
            phone = (item.phone or "").strip()[:20]
            if not email and not phone:
                continue
            row = [
                new_id,
                page.domain_id,
                page.pk,
                email,
                (item.name or "")[:200],
                phone,
                item.email_type if email else "",
                item.source or "",
                (item.context or "")[:300],
                now,
                now,
            ]
            rows, key = (by_email, email) if email else (by_phone, phone)
            seen = rows.setdefault((page.domain_id, key), row)
            if seen is not row:
                for i in (NAME, PHONE, CONTEXT):
                    seen[i] = seen[i] or row[i]
    stored = Stored()
    # Each value as its column's field would send it (UUIDs and datetimes differ per database).
    prep = [Contact._meta.get_field(c.strip()).get_db_prep_value for c in COLUMNS.split(",")]
    # No transaction around the two statements: each is atomic on its own, and a retry of the
    # pages repeats both idempotently.
    with connection.cursor() as cursor:
        for sql, rows in ((UPSERT_BY_EMAIL, by_email), (UPSERT_BY_PHONE, by_phone)):
            if not rows:
                continue
            # Rows in key order: PostgreSQL locks conflicting rows in VALUES order, so two
            # workers storing the same contacts (a footer's info@ on every page of a site)
            # take the locks in the same order and never deadlock.
            rows = {key: rows[key] for key in sorted(rows)}
            placeholders = ", ".join(["(" + ", ".join(["%s"] * len(prep)) + ")"] * len(rows))
            if connection.vendor == "postgresql":  # psycopg adapts UUIDs and datetimes itself
                params = [value for row in rows.values() for value in row]
            else:
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
