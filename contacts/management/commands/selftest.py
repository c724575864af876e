"""End-to-end self-test: a local page with known contacts goes through the real pipeline."""

import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from contacts.models import Contact
from contacts.workflow import page_extraction
from curation import queue
from curation.models import CurationStatus, ProcessingStatus
from curation.runner import process_now
from pages.models import Domain, Page

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>ScraperSky self-test</title></head><body>
<h1>Contact us</h1>
<div class="person"><h3>Dr. Imogen Castellanos, PhD</h3>
<a href="mailto:imogen.castellanos@selftest-firm.com">imogen.castellanos@selftest-firm.com</a>
<p>Direct: (312) 867-4421</p></div>
<p>General enquiries: info [at] selftest-firm [dot] com, or call
<a href="tel:+13128674400">+1 312 867 4400</a>.</p>
<footer>&copy; 2026 · order #20260314 · logo@2x.png</footer>
</body></html>"""

EXPECTED = {
    ("imogen.castellanos@selftest-firm.com", "Imogen Castellanos", "+13128674421"),
    # The sentence gives the general line beside the role mailbox, so they are one contact.
    ("info@selftest-firm.com", "", "+13128674400"),
}
EXPECTED_PHONE_ONLY: set[str] = set()


def serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Command(BaseCommand):
    help = (
        "Serve a page with known contacts on 127.0.0.1, select it through the dual-status "
        "update, process it (here, or by the running worker with --worker), check the stored "
        "contacts, clean up. Exits non-zero when anything is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--worker",
            action="store_true",
            help="Wait for the running qcluster worker instead of processing the page here "
            "(the worker needs FETCH_ALLOW_PRIVATE_NETWORKS=1 to fetch 127.0.0.1).",
        )
        parser.add_argument("--timeout", type=float, default=60, help="Seconds to wait.")

    def handle(self, *args, worker: bool, timeout: float, **options):
        server = serve(PAGE.encode())
        url = f"http://127.0.0.1:{server.server_address[1]}/selftest-{uuid.uuid4().hex[:12]}"
        domain_existed = Domain.objects.filter(name="127.0.0.1").exists()
        page = Page.objects.create(url=url)
        self.stdout.write(f"Serving a test page at {url}")
        try:
            with override_settings(FETCH_ALLOW_PRIVATE_NETWORKS=True):
                self.run_page(page, worker, timeout)
            problems = self.verify(page)
        finally:
            Contact.objects.filter(page=page).delete()
            page.delete()
            if not domain_existed:
                Domain.objects.filter(name="127.0.0.1", pages__isnull=True).delete()
            server.shutdown()
            server.server_close()
        if problems:
            raise CommandError("Self-test FAILED:\n  " + "\n  ".join(problems))
        self.stdout.write(self.style.SUCCESS("Self-test passed: fetched, extracted and stored."))

    def run_page(self, page: Page, worker: bool, timeout: float) -> None:
        pages = Page.objects.filter(pk=page.pk)
        change = queue.set_curation_status(pages, CurationStatus.SELECTED, kick=worker)
        self.stdout.write(f"Selected: {change.describe()}")
        if not worker:
            pks, lease = queue.claim(pages, 1)
            if pks:
                self.stdout.write(
                    f"Processed here: {process_now(page_extraction, pages.get(), lease)}"
                )
        deadline = time.monotonic() + timeout
        while pages.filter(
            processing_status__in=[ProcessingStatus.QUEUED, ProcessingStatus.PROCESSING]
        ).exists():
            if time.monotonic() > deadline:
                raise CommandError(
                    f"The page was not processed within {timeout:.0f} s: is the worker running "
                    "(python manage.py qcluster)?"
                )
            time.sleep(0.2)

    def verify(self, page: Page) -> list[str]:
        page.refresh_from_db()
        if page.processing_status != ProcessingStatus.COMPLETE:
            hint = ""
            if "refused" in page.processing_error:
                hint = " (start the worker with FETCH_ALLOW_PRIVATE_NETWORKS=1 for --worker)"
            return [f"page ended {page.processing_status}: {page.processing_error}{hint}"]
        contacts = Contact.objects.filter(page=page)
        found = {(c.email, c.name, c.phone) for c in contacts.exclude(email="")}
        phones = set(contacts.filter(email="").values_list("phone", flat=True))
        problems = [f"missing contact {item}" for item in sorted(EXPECTED - found)]
        problems += [f"unexpected contact {item}" for item in sorted(found - EXPECTED)]
        problems += [f"missing phone {p}" for p in sorted(EXPECTED_PHONE_ONLY - phones)]
        problems += [f"unexpected phone {p}" for p in sorted(phones - EXPECTED_PHONE_ONLY)]
        if page.title != "ScraperSky self-test":
            problems.append(f"title {page.title!r}")
        for email, name, phone in sorted(found):
            self.stdout.write(f"  found {email} {name!r} {phone}")
        return problems
