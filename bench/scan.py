"""Website-scan benchmark: scan jobs for many loopback sites, run by the real django-q2 worker.

    python bench/scan.py --sites 50 --latency-ms 150 --workers 2

Serves SITES fixture websites (one address each, 127.0.0.2 and up, in their own process), each
a home page linking to 24 pages (contact, team, about, imprint, careers with contacts; services,
products and blog posts without), every response delayed by the latency. Requests a scan of
every site with `contacts.scan.request_scan` (what the API and admin call), lets `manage.py
qcluster` run them, and prints sites per minute, scan durations, pages fetched twice, and
whether every email on the sites was found.
Uses its own database (DATABASE_URL, default .../scrapersky_scanbench): its tables are emptied.
"""

import argparse
import json
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pipeline import pct, wait_for_server  # noqa: E402

FIRST = ("Maria", "Omar", "Lena", "Tomasz", "Aisha", "Kenji", "Priya", "Lucas", "Sofia")
LAST = ("Lopez", "Haddad", "Novak", "Kowalski", "Bello", "Tanaka", "Raman", "Moreau")
FILLER = (
    "Our partners bring years of careful, local experience to every client project. "
    "We plan each engagement with a clear schedule, review it with you, and keep you informed. "
)
# (path, what it holds) — 24 pages besides the home page; five of them list contacts.
CONTENT_PATHS = ["/contact", "/team", "/about", "/impressum", "/careers"]
OTHER_PATHS = (
    [f"/services/{s}" for s in ("audit", "tax", "payroll", "advisory", "estate", "startups")]
    + [f"/products/{p}" for p in ("ledger", "planner", "reports", "portal", "mobile")]
    + [f"/blog/{b}" for b in ("spring-update", "new-office", "tax-season", "hiring", "award")]
    + ["/faq", "/pricing", "/locations"]
)
PATHS = CONTENT_PATHS + OTHER_PATHS
assert len(PATHS) == 24


def company(site: int) -> str:
    return f"ashgrove-advisors-{site}.com"


def person(rnd: random.Random, used: set) -> tuple[str, str]:
    while True:
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        if (first, last) not in used:
            used.add((first, last))
            return f"{first} {last}", f"{first}.{last}".lower()


def page(title: str, body: str) -> str:
    nav = "".join(f"<li><a href='{p}'>{p.strip('/').replace('/', ' ')}</a></li>" for p in PATHS)
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>"
        f"</head><body><nav><ul><li><a href='/'>Home</a></li>{nav}</ul></nav>"
        f"<main><h1>{title}</h1>{body}<p>{FILLER * 40}</p></main>"
        f"<footer><p>Ashgrove Advisors, 200 Main Street, Springfield</p></footer></body></html>"
    )


def make_site(site: int) -> tuple[dict[str, bytes], set[str]]:
    """({path: html}, the emails on the site)."""
    rnd = random.Random(site)
    domain = company(site)
    used: set = set()
    emails: set[str] = set()
    pages: dict[str, str] = {}

    def mailbox(local: str) -> str:
        emails.add(f"{local}@{domain}")
        return f"{local}@{domain}"

    pages["/"] = page("Ashgrove Advisors", "<p>Accounting and advice for small firms.</p>")
    name, local = person(rnd, used)
    pages["/contact"] = page(
        "Contact us",
        f"<p>Write to <a href='mailto:{mailbox('info')}'>{mailbox('info')}</a> or to our sales "
        f"team at {mailbox('sales')}.</p><p>Client services: {name}, "
        f"<a href='mailto:{mailbox(local)}'>{mailbox(local)}</a></p>",
    )
    rows = []
    for _ in range(rnd.randint(4, 8)):
        name, local = person(rnd, used)
        rows.append(
            f"<tr><td>{name}</td><td>Advisor</td>"
            f"<td><a href='mailto:{mailbox(local)}'>{mailbox(local)}</a></td></tr>"
        )
    pages["/team"] = page("Our team", f"<table>{''.join(rows)}</table>")
    name, local = person(rnd, used)
    pages["/about"] = page("About us", f"<p>Founded by {name} ({mailbox(local)}) in 2009.</p>")
    pages["/impressum"] = page("Impressum", f"<p>Responsible: {name}, {mailbox('legal')}</p>")
    pages["/careers"] = page(
        "Careers", f"<p>Send your application to <a href='mailto:{mailbox('jobs')}'>us</a>.</p>"
    )
    for path in OTHER_PATHS:
        pages[path] = page(path.rsplit("/", 1)[-1].replace("-", " ").title(), "")
    return {path: html.encode() for path, html in pages.items()}, emails


def address(site: int) -> str:
    return f"127.0.0.{site + 2}"


def serve_forever(sites: int, port: int, latency_ms: float) -> None:
    """The fixture sites, in their own process so serving does not share the benchmark's GIL."""
    bodies = {address(s): make_site(s)[0] for s in range(sites)}
    hits: Counter = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            host = self.server.server_address[0]
            if self.path == "/__hits":
                body, ctype, status = json.dumps(dict(hits)).encode(), "application/json", 200
            else:
                time.sleep(latency_ms / 1000)
                with lock:
                    hits[f"{host}{self.path}"] += 1
                body = bodies[host].get(self.path)
                status = 200 if body is not None else 404
                body, ctype = body or b"not found", "text/html; charset=utf-8"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    for site in range(sites):
        httpd = ThreadingHTTPServer((address(site), port), Handler)
        httpd.daemon_threads = True
        httpd.request_queue_size = 128
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
    while True:
        time.sleep(3600)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--sites", type=int, default=50)
    p.add_argument("--latency-ms", type=float, default=150)
    p.add_argument("--port", type=int, default=8795)
    p.add_argument("--workers", type=int, default=2, help="qcluster worker processes")
    return p.parse_args()


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def main() -> None:
    args = parse_args()
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scrapersky_scanbench")
    env.update(
        FETCH_ALLOW_PRIVATE_NETWORKS="1",  # the fixture sites live on loopback
        Q_WORKERS=str(args.workers),
        DJANGO_SETTINGS_MODULE="scrapersky.settings",
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    subprocess.run([sys.executable, str(ROOT / "bin/ensure_postgres.py")], check=True, env=env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, check=True, env=env
    )

    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Max, Min
    from django_q.models import OrmQ, Task
    from django_q.tasks import async_task, result

    from bench.db import empty
    from contacts.models import Contact, ScanJob
    from contacts.scan import request_scan
    from pages.models import Domain

    server = multiprocessing.get_context("spawn").Process(
        target=serve_forever, args=(args.sites, args.port, args.latency_ms), daemon=True
    )
    server.start()
    hits_url = f"http://{address(0)}:{args.port}/__hits"
    wait_for_server(hits_url)
    expected = {address(s): make_site(s)[1] for s in range(args.sites)}
    print(
        f"fixture: {args.sites} sites on {address(0)}-{address(args.sites - 1)}, 25 pages each, "
        f"{sum(len(e) for e in expected.values())} emails, {args.latency_ms:.0f} ms latency"
    )
    print(
        f"worker: manage.py qcluster, {args.workers} processes; SCAN_MAX_PAGES="
        f"{settings.SCAN_MAX_PAGES}, FETCH_PER_DOMAIN_CONCURRENCY="
        f"{settings.FETCH_PER_DOMAIN_CONCURRENCY}"
    )

    empty(Domain, OrmQ, Task)  # pages, contacts and scan jobs go with their domains
    domains = Domain.for_hosts(set(expected))

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Wait until the cluster runs tasks, so its start-up is not counted.
        if result(async_task("math.floor", 1.5), wait=30_000) != 1:
            raise SystemExit("the worker did not start in 30 s")
        before = Counter(get_json(hits_url))
        started = time.time()
        jobs = [
            request_scan(domains[host], start_url=f"http://{host}:{args.port}/")[0]
            for host in expected
        ]
        print(f"requested {len(jobs)} scans in {time.time() - started:.2f} s")
        last = ""
        while True:
            time.sleep(0.5)
            counts = Counter(ScanJob.objects.values_list("status", flat=True))
            line = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
            if line != last:
                print(f"  t={time.time() - started:5.1f}s {line}")
                last = line
            if not counts["pending"] and not counts["running"]:
                break
            if time.time() - started > 900:
                raise SystemExit("the scans did not finish in 15 minutes")
        span = ScanJob.objects.aggregate(first=Min("created_at"), last=Max("finished_at"))
        elapsed = (span["last"] - span["first"]).total_seconds()
        durations = [
            (f - s).total_seconds()
            for s, f in ScanJob.objects.values_list("started_at", "finished_at")
            if s and f
        ]
        fetched = Counter(get_json(hits_url)) - before
        twice = sum(1 for n in fetched.values() if n > 1)
        missing = extra = 0
        for host, emails in expected.items():
            found = set(
                Contact.objects.filter(domain__name=host)
                .exclude(email="")
                .values_list("email", flat=True)
            )
            missing += len(emails - found)
            extra += len(found - emails)
            for email in sorted(emails - found)[:3]:
                print(f"    missing on {host}: {email}")
        statuses = Counter(ScanJob.objects.values_list("status", flat=True))
        print()
        print(f"sites:                  {args.sites} ({dict(statuses)})")
        print(
            f"throughput:             {args.sites / elapsed * 60:,.1f} sites/min "
            f"({elapsed:.1f} s from the first request to the last scan's end)"
        )
        print(
            f"one scan (25 pages):    p50 {statistics.median(durations):.2f} s, "
            f"p95 {pct(durations, 0.95):.2f} s"
        )
        print(f"pages fetched:          {sum(fetched.values())} ({twice} more than once)")
        print(
            f"emails:                 {sum(len(e) for e in expected.values())} on the sites, "
            f"{missing} missing, {extra} unexpected"
        )
        for host, error in ScanJob.objects.exclude(error="").values_list("domain__name", "error")[
            :5
        ]:
            print(f"    {host}: {error}")
        if missing or statuses.get("complete") != args.sites:
            raise SystemExit("FAILED: not every site was scanned completely")
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
        server.terminate()


if __name__ == "__main__":
    main()
