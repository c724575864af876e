"""Reference for the pipeline benchmark: a plain Scrapy crawl of the same fixture sites.

    pip install scrapy     # not a project dependency: only this comparison uses it
    python bench/scrapy_crawl.py --pages 2000 --latency-ms 150

Serves the sites bench/pipeline.py serves (same generator, addresses, latency; a port of its
own), crawls the same URLs with Scrapy's defaults but `CONCURRENT_REQUESTS` (32 unless told)
and `CONCURRENT_REQUESTS_PER_DOMAIN` (`--per-domain`, Scrapy's default 8), stores nothing,
and prints pages per minute from the first request to the last response.
"""

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pipeline import wait_for_server  # noqa: E402
from bench.sitegen import SiteServer, serve_forever  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--pages", type=int, default=2000)
    p.add_argument("--latency-ms", type=float, default=150)
    p.add_argument("--sites", type=int, default=50)
    p.add_argument("--port", type=int, default=8775)
    p.add_argument("--concurrency", type=int, default=32, help="CONCURRENT_REQUESTS")
    p.add_argument(
        "--per-domain",
        type=int,
        default=8,
        help="CONCURRENT_REQUESTS_PER_DOMAIN (Scrapy's default 8; the pipeline's limit is 2)",
    )
    args = p.parse_args()
    try:
        import scrapy
        from scrapy.crawler import CrawlerProcess
    except ImportError:
        raise SystemExit("Scrapy is not installed: pip install scrapy") from None

    per_site = -(-args.pages // args.sites)
    server = SiteServer(args.sites, args.port, args.latency_ms, per_site)
    proc = multiprocessing.get_context("spawn").Process(
        target=serve_forever,
        args=(args.sites, args.port, args.latency_ms, per_site),
        daemon=True,
    )
    proc.start()
    try:
        wait_for_server(server.url(args.sites - 1, 0))
        urls = [server.url(i % args.sites, i // args.sites) for i in range(args.pages)]
        seen = {"ok": 0, "bytes": 0, "first": None, "last": None}

        class Plain(scrapy.Spider):
            name = "plain"

            async def start(self):
                seen["first"] = time.monotonic()
                for url in urls:
                    yield scrapy.Request(url, dont_filter=True)

            def parse(self, response):
                seen["ok"] += response.status == 200
                seen["bytes"] += len(response.body)
                seen["last"] = time.monotonic()

        crawler = CrawlerProcess(
            settings={
                "CONCURRENT_REQUESTS": args.concurrency,
                "CONCURRENT_REQUESTS_PER_DOMAIN": args.per_domain,
                "ROBOTSTXT_OBEY": False,
                "LOG_LEVEL": "ERROR",
                "TELNETCONSOLE_ENABLED": False,
            }
        )
        crawler.crawl(Plain)
        crawler.start()
        elapsed = seen["last"] - seen["first"]
        print(
            f"Scrapy {scrapy.__version__}, {args.concurrency} concurrent requests "
            f"({args.per_domain} per domain), stores "
            f"nothing: {seen['ok']} pages ({seen['bytes'] / 1e6:.0f} MB) in {elapsed:.1f} s = "
            f"{seen['ok'] / elapsed * 60:,.0f} pages/min"
        )
    finally:
        proc.terminate()


if __name__ == "__main__":
    main()
