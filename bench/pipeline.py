"""End-to-end pipeline benchmark: selected pages → django-q2 worker → contacts in PostgreSQL.

    python bench/pipeline.py --pages 2000 --latency-ms 150

Starts a loopback fixture website (one address per site, 127.0.0.2 and up, in its own
process), creates the pages, selects them all with the function the API and admin use, lets
the real worker (`manage.py qcluster`) drain the queue, and prints throughput, latency from
selection to Complete, duplicate fetches and errors. Then measures one page selected on an
idle worker, and a plain `requests` loop over the same site for reference.
Uses its own database (DATABASE_URL, default .../scrapersky_bench): its tables are emptied.
"""

import argparse
import io
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--pages", type=int, default=2000)
    p.add_argument("--latency-ms", type=float, default=150)
    p.add_argument("--sites", type=int, default=50, help="loopback sites (127.0.0.2 …)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--workers", type=int, default=2, help="qcluster worker processes")
    p.add_argument(
        "--instances",
        type=int,
        help="ticks allowed at once (PAGE_CURATION_SCHEDULER_MAX_INSTANCES; default: --workers)",
    )
    p.add_argument("--single", type=int, default=10, help="single-page latency samples")
    p.add_argument("--skip-reference", action="store_true")
    return p.parse_args()


def configure_environment(args) -> dict:
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scrapersky_bench")
    env.update(
        FETCH_ALLOW_PRIVATE_NETWORKS="1",  # the fixture sites live on loopback
        Q_WORKERS=str(args.workers),
        PAGE_CURATION_SCHEDULER_MAX_INSTANCES=str(args.instances or args.workers),
        DJANGO_SETTINGS_MODULE="scrapersky.settings",
        LOG_LEVEL="WARNING",
    )
    os.environ.update(env)
    return env


def wait_for_server(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"fixture server did not answer at {url}")


def hits(server) -> Counter:
    with urllib.request.urlopen(server.url(0, 0).rsplit("/team", 1)[0] + "/__hits") as r:
        return Counter(json.load(r))


def reference_loop(urls: list[str], threads: int = 32) -> float:
    import requests

    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=64, pool_maxsize=threads)
    session.mount("http://", adapter)
    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        for response in pool.map(lambda u: session.get(u, timeout=30), urls):
            response.raise_for_status()
    return len(urls) / (time.monotonic() - started) * 60


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def main() -> None:
    args = parse_args()
    env = configure_environment(args)
    subprocess.run([sys.executable, str(ROOT / "bin/ensure_postgres.py")], check=True, env=env)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, check=True, env=env
    )

    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count, Max
    from django_q.models import OrmQ, Task

    from bench.db import empty
    from bench.sitegen import SiteServer, serve_forever
    from contacts.models import Contact
    from curation.queue import set_curation_status
    from pages.models import Domain, Page

    per_site = -(-args.pages // args.sites)
    server = SiteServer(args.sites, args.port, args.latency_ms, per_site + args.single + 1)
    proc = multiprocessing.get_context("spawn").Process(
        target=serve_forever,
        args=(args.sites, args.port, args.latency_ms, per_site + args.single + 1),
        daemon=True,
    )
    proc.start()
    wait_for_server(server.url(args.sites - 1, 0))
    urls = [server.url(i % args.sites, i // args.sites) for i in range(args.pages)]
    print(
        f"fixture: {args.sites} sites on 127.0.0.2-{server.address(args.sites - 1)}, "
        f"{args.pages} pages of ~60 KB, {args.latency_ms:.0f} ms latency"
    )

    reference = None
    if not args.skip_reference:
        reference = reference_loop(urls)
        print(f"reference: plain requests loop, 32 threads, fetch only: {reference:,.0f} pages/min")

    empty(Contact, Page, Domain, OrmQ, Task)
    domains = Domain.for_hosts({server.address(s) for s in range(args.sites)})
    Page.objects.bulk_create(
        [Page(url=u, domain=domains[u.split("/")[2].split(":")[0]]) for u in urls],
        batch_size=1000,
    )

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(4)  # the cluster starts its processes
        before = hits(server)
        started = time.time()
        from django.utils import timezone

        t0 = timezone.now()
        change = set_curation_status(Page.objects.all(), "Selected")
        print(f"selected {change.queued} pages in {time.time() - started:.2f} s")
        last = None
        while True:
            time.sleep(1)
            by_status = dict(Page.objects.values_list("processing_status").annotate(n=Count("id")))
            # What an operator sees meanwhile: the Queue line of `manage.py pipeline_status`.
            out = io.StringIO()
            call_command("pipeline_status", stdout=out)
            line = next(x for x in out.getvalue().splitlines() if x.startswith("Queue:"))
            line += f"; {by_status.get('Complete', 0)} complete"
            if line != last:
                print(f"  t={time.time() - started:5.1f}s {line}")
                last = line
            if not by_status.get("Queued") and not by_status.get("Processing"):
                break
            if time.time() - started > 900:
                raise SystemExit("the queue did not drain in 15 minutes")
        done = Page.objects.aggregate(last=Max("processing_finished_at"))["last"]
        elapsed = (done - t0).total_seconds()
        latencies = [
            (f - c).total_seconds()
            for f, c in Page.objects.values_list("processing_finished_at", "curated_at")
        ]
        fetched = hits(server) - before
        twice = sum(1 for n in fetched.values() if n > 1)
        errors = Page.objects.filter(processing_status="Error")
        expected = sum(len(p) for p in [])  # filled below
        expected = set()
        from bench.sitegen import make_page

        for i in range(args.pages):
            for person in make_page(i % args.sites, i // args.sites).people:
                expected.add((i % args.sites, person.email))
        stored = Contact.objects.exclude(email="").count()
        print()
        print(f"pages:                  {args.pages}")
        print(
            f"throughput:             {args.pages / elapsed * 60:,.0f} pages/min "
            f"({elapsed:.1f} s from selection to the last Complete)"
        )
        print(
            f"selection → Complete:   p50 {pct(latencies, 0.5):.2f} s, "
            f"p95 {pct(latencies, 0.95):.2f} s"
        )
        print(
            f"contacts stored:        {Contact.objects.count()} "
            f"({stored} with email; {len(expected)} distinct emails on the pages)"
        )
        print(f"pages fetched > once:   {twice}")
        print(f"errors:                 {errors.count()}")
        for url, error in errors.values_list("url", "processing_error")[:5]:
            print(f"    {url}: {error}")
        if reference:
            print(f"reference (fetch only): {reference:,.0f} pages/min")

        singles = []
        for n in range(args.single):
            page = Page.objects.create(
                url=server.url(n % args.sites, per_site + 1 + n // args.sites)
            )
            time.sleep(1.0)  # the worker is idle
            t = time.monotonic()
            set_curation_status(Page.objects.filter(pk=page.pk), "Selected")
            while Page.objects.filter(
                pk=page.pk, processing_status__in=["Queued", "Processing"]
            ).exists():
                time.sleep(0.02)
            singles.append(time.monotonic() - t)
        if singles:
            print(
                f"one page on an idle worker: p50 {statistics.median(singles):.2f} s, "
                f"max {max(singles):.2f} s over {len(singles)} selections"
            )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            worker.kill()
        proc.terminate()


if __name__ == "__main__":
    main()
