"""How fast the admin dashboard answers with a million pages.

    .venv/bin/python bench/dashboard.py [--pages 1000000] [--contacts 200000] [--runs 9]
                                        [--regenerate] [--indexes {keep,create,drop}]

Works in its own database (DATABASE_URL, default postgres://…/scrapersky_dash): creates and
migrates it, fills it with `INSERT … SELECT generate_series` (a realistic status mix: mostly
Complete, some Error with ~20 reasons, a few thousand Queued and Processing, contacts over
60 days), then requests /admin/dashboard/ through the Django test client as a staff user and
prints the median time of several runs and each query's time.

`--indexes create` adds the indexes the dashboard wants (see SUGGESTED_INDEXES) by hand, `drop`
removes them, so the two figures can be compared; `keep` (the default) leaves them as they are.
"""

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scrapersky_dash")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrapersky.settings")

# Indexes the dashboard's queries want beyond those of the models (name -> definition).
SUGGESTED_INDEXES = {
    # Pages finished per minute over the last hour: a range scan instead of a sequential scan.
    "pages_page_finished": "CREATE INDEX {c} pages_page_finished ON pages_page "
    "(processing_finished_at) WHERE processing_finished_at IS NOT NULL",
    # Pages per (curation, processing) status pair: an index-only scan for the GROUP BY.
    "pages_page_status_pair": "CREATE INDEX {c} pages_page_status_pair ON pages_page "
    "(curation_status, processing_status)",
    # Top error reasons: the Error messages grouped by an index-only scan, not a heap visit
    # per Error page. truncate_error keeps messages short enough for a btree entry.
    "pages_page_error": "CREATE INDEX {c} pages_page_error ON pages_page "
    "(processing_error) WHERE processing_status = 'Error'",
}

REASONS = [
    "HTTP 404 from https://{host}/{path}",
    "HTTP 403 from https://{host}/{path}",
    "HTTP 410 from https://{host}/{path}",
    "HTTP 500 from https://{host}/{path}",
    "HTTP 503 from https://{host}/{path} (after 3 tries)",
    "timed out after 30 s",
    "timed out after 70 s",
    "not HTML: application/pdf",
    "not HTML: image/jpeg",
    "not HTML: application/zip",
    "could not resolve host name {host}: Name or service not known",
    "could not connect to host: {host} (Connection refused)",
    "TLS error with {host}: certificate has expired",
    "TLS error with {host}: hostname mismatch",
    "too many redirects (more than 5)",
    "refused: {host} resolves to a private address",
    "page larger than 5242880 bytes",
    "gave up after 3 attempts: the worker stopped before finishing "
    "(lease of 300 s expired each time)",
    "could not parse the HTML: ParserError: Document is empty",
    "could not fetch https://{host}/{path}: Connection reset by peer",
]


def setup() -> None:
    env = {**os.environ}
    subprocess.run([sys.executable, str(ROOT / "bin/ensure_postgres.py")], check=True, env=env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(pages: int, contacts: int) -> None:
    from django.db import connection

    from bench.db import empty
    from contacts.models import Contact
    from pages.models import Domain, Page

    domains = max(pages // 100, 1)
    reasons = "ARRAY[" + ",".join(f"$r${r}$r$" for r in REASONS) + "]"
    started = time.monotonic()
    empty(Contact, Page, Domain)
    # Domains through the ORM (few, and their columns change more often than pages'), with
    # the ids the pages' SQL computes: md5('domain' || d)::uuid.
    Domain.objects.bulk_create(
        [
            Domain(
                id=uuid.UUID(hashlib.md5(f"domain{d}".encode()).hexdigest()),
                name=f"d{d}.example.com",
            )
            for d in range(1, domains + 1)
        ],
        batch_size=5000,
    )
    with connection.cursor() as cur:
        # One row per page; `b` is the page's bucket out of 1000 and decides its statuses:
        #   0-299 New never queued, 300-319 Rejected, 320-329 Archived (both finished),
        #   330-379 Selected Error, 380-999 Selected Complete, with a few thousand pages moved
        #   to Queued and Processing (and 20 stuck) by the page number below.
        cur.execute(
            f"""
            INSERT INTO pages_page (id, url, domain_id, title, source, page_type, final_url,
                curation_status, processing_status, processing_error, processing_attempts,
                queued_at, processing_started_at, processing_finished_at, curated_at,
                contacts_found, created_at, updated_at)
            SELECT md5('page' || i)::uuid,
                'https://d' || d || '.example.com/p' || i, md5('domain' || d)::uuid,
                '', 'sitemap', 'other', '',
                CASE WHEN q THEN 'Selected' WHEN b < 300 THEN 'New' WHEN b < 320 THEN 'Rejected'
                     WHEN b < 330 THEN 'Archived' ELSE 'Selected' END,
                CASE WHEN i %% 250 = 0 THEN 'Queued' WHEN i %% 2000 = 1 THEN 'Processing'
                     WHEN b < 300 THEN NULL WHEN b BETWEEN 330 AND 379 THEN 'Error'
                     ELSE 'Complete' END,
                CASE WHEN NOT q AND b BETWEEN 330 AND 379 THEN
                    replace(replace(({reasons})[1 + (i / 7) %% {len(REASONS)}],
                        '{{host}}', 'd' || d || '.example.com'), '{{path}}', 'p' || i)
                    ELSE '' END,
                CASE WHEN b < 300 AND NOT q THEN 0 ELSE 1 END,
                CASE WHEN i %% 250 = 0 THEN now() - (i %% 3600) * interval '1 second' END,
                CASE WHEN i %% 2000 = 1 THEN now() - CASE WHEN i %% 50000 = 1
                     THEN interval '2 hours' ELSE (i %% 200) * interval '1 second' END END,
                CASE WHEN NOT q AND b >= 300 THEN
                    CASE WHEN i %% 300 = 3 THEN now() - ((i / 300) %% 3600) * interval '1 second'
                         ELSE now() - ((i * 104729) %% 5184000) * interval '1 second' END END,
                CASE WHEN b >= 300 OR q THEN now() - interval '61 days' END,
                CASE WHEN NOT q AND b >= 330 THEN i %% 7 END,
                now() - ((i * 7919) %% 7776000) * interval '1 second', now()
            FROM (
                SELECT i, 1 + i %% %s AS d, (i * 7919) %% 1000 AS b,
                    (i %% 250 = 0 OR i %% 2000 = 1) AS q
                FROM generate_series(1::bigint, %s) AS i
            ) AS s
            """,
            [domains, pages],
        )
        cur.execute(
            """
            INSERT INTO contacts_contact (id, domain_id, page_id, email, name, phone,
                email_type, source, context, first_seen, last_seen)
            SELECT md5('contact' || c)::uuid, md5('domain' || (1 + c %% %s))::uuid,
                md5('page' || (1 + (c * 13) %% %s))::uuid,
                'person' || c || '@d' || (1 + c %% %s) || '.example.com', 'Person ' || c,
                '', 'CORPORATE', 'mailto', '',
                now() - ((c * 104729) %% 5184000) * interval '1 second', now()
            FROM generate_series(1::bigint, %s) AS c
            """,
            [domains, pages, domains, contacts],
        )
    connection.close()
    vacuum()
    print(f"generated {pages:,} pages, {contacts:,} contacts in {time.monotonic() - started:.0f} s")


def vacuum() -> None:
    """VACUUM ANALYZE (outside a transaction) so the planner knows the data and index-only
    scans see an up-to-date visibility map, as autovacuum would leave a settled table."""
    from django.db import connection

    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE pages_page")
        cur.execute("VACUUM ANALYZE contacts_contact")
    connection.close()


def set_indexes(mode: str) -> None:
    from django.db import connection

    if mode == "keep":
        return
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.cursor() as cur:
        for name, definition in SUGGESTED_INDEXES.items():
            if mode == "create":
                cur.execute(definition.format(c="CONCURRENTLY IF NOT EXISTS"))
            else:
                cur.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        cur.execute("ANALYZE pages_page")
    connection.close()


def present_indexes() -> list[str]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname FROM pg_indexes "
            "WHERE tablename = 'pages_page' AND indexname = ANY(%s)",
            [list(SUGGESTED_INDEXES)],
        )
        return sorted(row[0] for row in cur.fetchall())


def measure(runs: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    user, _ = get_user_model().objects.get_or_create(
        username="dashboard-bench", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    response = client.get("/admin/dashboard/")  # warm up: connection, templates, caches
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/admin/dashboard/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/admin/dashboard/")
    from pages.models import Page

    print(f"pages: {Page.objects.count():,}; suggested indexes present: {present_indexes()}")
    print(
        f"dashboard: median {statistics.median(times):.0f} ms over {runs} runs "
        f"(min {min(times):.0f}, max {max(times):.0f})"
    )
    print("queries of one request:")
    for query in queries.captured_queries:
        sql = " ".join(query["sql"].split())
        print(f"  {float(query['time']) * 1000:7.1f} ms  {sql[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--regenerate", action="store_true", help="Rebuild the data set.")
    parser.add_argument("--indexes", choices=["keep", "create", "drop"], default="keep")
    args = parser.parse_args()
    print(f"database: {os.environ['DATABASE_URL']}")
    setup()
    from pages.models import Page

    if args.regenerate or Page.objects.count() != args.pages:
        generate(args.pages, args.contacts)
    set_indexes(args.indexes)
    measure(args.runs)


if __name__ == "__main__":
    main()
