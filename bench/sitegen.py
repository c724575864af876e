"""A realistic fixture website generator and a loopback-only HTTP server for it.

Used by the pipeline benchmark and the demo. Pages are deterministic per (site, page): a
~60 KB staff page with a table of 4-14 people (name, email, phone) and a footer with the
office's contacts and social links. Every server binds a 127.x.y.z address only.
"""

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIRST = [
    "Maria",
    "Omar",
    "Lena",
    "Tomasz",
    "Aisha",
    "Kenji",
    "Priya",
    "Lucas",
    "Sofia",
    "Mateo",
    "Hannah",
    "Ravi",
    "Elena",
    "Jonas",
    "Amara",
    "Diego",
    "Ingrid",
    "Felix",
    "Nadia",
    "Victor",
    "Chloe",
    "Samuel",
    "Yara",
    "Oscar",
    "Leila",
    "Hugo",
    "Noor",
    "Caleb",
    "Mira",
    "Ezra",
]
LAST = [
    "Lopez",
    "Haddad",
    "Novak",
    "Kowalski",
    "Bello",
    "Tanaka",
    "Raman",
    "Moreau",
    "Rossi",
    "Silva",
    "Becker",
    "Iyer",
    "Petrova",
    "Lindqvist",
    "Okafor",
    "Castillo",
    "Brandt",
    "Quinn",
    "Farouk",
    "Duarte",
    "Mercer",
    "Adeyemi",
    "Holm",
    "Vasquez",
    "Sato",
    "Kerr",
    "Whitfield",
    "Abara",
    "Delgado",
    "Fontaine",
]
ROLES = [
    "Managing Partner",
    "Office Manager",
    "Senior Associate",
    "Paralegal",
    "Client Services Lead",
    "Operations Director",
    "Accountant",
    "Project Engineer",
    "Marketing Coordinator",
    "Head of Sales",
]
AREA_CODES = (312, 415, 617, 206, 303, 512, 404, 612, 213, 646)
WORDS = [
    "client",
    "service",
    "quality",
    "team",
    "experience",
    "project",
    "community",
    "office",
    "support",
    "practice",
    "advice",
    "results",
    "partners",
    "years",
    "trusted",
    "local",
    "regional",
    "planning",
    "careful",
    "approach",
    "schedule",
    "consultation",
    "review",
    "strategy",
    "growth",
    "people",
]


@dataclass
class Person:
    name: str
    email: str
    phone: str  # national format as written on the page
    e164: str


@dataclass
class SitePage:
    path: str
    html: bytes
    people: list[Person] = field(default_factory=list)


def _phone(rnd: random.Random) -> tuple[str, str]:
    area = rnd.choice(AREA_CODES)
    exchange = rnd.randint(201, 989)
    if exchange == 555:
        exchange = 556
    line = rnd.randint(1000, 9999)
    return f"({area}) {exchange}-{line}", f"+1{area}{exchange}{line}"


def _prose(rnd: random.Random, words: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(words)).capitalize() + "."


def company_domain(site: int) -> str:
    return f"northfield-partners-{site}.com"


def make_page(site: int, page: int, *, target_bytes: int = 60_000) -> SitePage:
    """One staff page of a site: 4-14 people, a footer, filler text up to ~target_bytes."""
    rnd = random.Random(site * 100_003 + page)
    domain = company_domain(site)
    people = []
    used = set()
    for _ in range(rnd.randint(4, 14)):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        local = f"{first}.{last}{page}".lower()
        if local in used:
            continue
        used.add(local)
        shown, e164 = _phone(rnd)
        people.append(Person(f"{first} {last}", f"{local}@{domain}", shown, e164))
    office_phone, office_e164 = _phone(rnd)
    rows = "\n".join(
        f'<tr><td class="name">{p.name}</td><td>{rnd.choice(ROLES)}</td>'
        f'<td><a href="mailto:{p.email}">{p.email}</a></td>'
        f'<td><a href="tel:{p.e164}">{p.phone}</a></td></tr>'
        for p in people
    )
    head = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Our team - Northfield Partners {site}</title>"
        "<style>@media (max-width: 600px) { .nav { display:none } } "
        "@font-face { font-family: x; src: url(x.woff2) }</style></head><body>"
        "<nav class='nav'><a href='/'>Home</a> <a href='/about'>About</a> "
        "<a href='/team'>Team</a> <a href='/contact'>Contact</a></nav>"
        f"<h1>Meet the team</h1><img src='/img/logo@2x.png' alt='logo'>"
    )
    table = (
        "<table class='staff'><tr><th>Name</th><th>Role</th><th>Email</th><th>Phone</th></tr>"
        f"{rows}</table>"
    )
    footer = (
        f"<footer><p>Northfield Partners {site}, 200 Main Street, Suite 4{page % 10}0, "
        f"Springfield, IL 62701</p>"
        f"<p>Call <a href='tel:{office_e164}'>{office_phone}</a> or write to "
        f"<a href='mailto:info@{domain}'>info@{domain}</a></p>"
        f"<a href='https://www.linkedin.com/company/northfield-partners-{site}'>LinkedIn</a> "
        f"<a href='https://twitter.com/northfield{site}'>X</a>"
        f"<p>&copy; 2012-2026. Updated 2026-03-14. Order #88213004.</p></footer></body></html>"
    )
    filler = []
    size = len(head) + len(table) + len(footer)
    while size < target_bytes:
        para = f"<p>{_prose(rnd, 60)}</p>\n"
        filler.append(para)
        size += len(para)
    html = (
        head
        + "".join(filler[: len(filler) // 2])
        + table
        + "".join(filler[len(filler) // 2 :])
        + footer
    )
    people.append(Person("", f"info@{domain}", office_phone, office_e164))
    return SitePage(f"/team/{page}", html.encode(), people)


class SiteServer:
    """Serves make_page(site, page) on 127.0.0.<site + 2>:port with a fixed latency.

    Counts requests per path so a benchmark can check that no page was fetched twice.
    """

    def __init__(self, sites: int, port: int, latency_ms: float, pages_per_site: int):
        self.sites, self.port, self.latency = sites, port, latency_ms / 1000
        self.pages_per_site = pages_per_site
        self.hits: Counter = Counter()
        self.lock = threading.Lock()
        self.cache: dict[tuple[int, int], bytes] = {}
        self.servers: list[ThreadingHTTPServer] = []

    def address(self, site: int) -> str:
        return f"127.0.0.{site + 2}"

    def url(self, site: int, page: int) -> str:
        return f"http://{self.address(site)}:{self.port}/team/{page}"

    def body(self, site: int, page: int) -> bytes:
        key = (site, page)
        if key not in self.cache:
            self.cache[key] = make_page(site, page).html
        return self.cache[key]

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                site = int(self.server.server_address[0].rsplit(".", 1)[1]) - 2
                if self.path == "/__hits":
                    body = json.dumps(dict(server.hits)).encode()
                    ctype = "application/json"
                else:
                    time.sleep(server.latency)
                    try:
                        page = int(self.path.rsplit("/", 1)[1])
                    except ValueError:
                        self.send_error(404)
                        return
                    with server.lock:
                        server.hits[f"{site}:{page}"] += 1
                    body, ctype = server.body(site, page), "text/html; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        for site in range(self.sites):
            httpd = ThreadingHTTPServer((self.address(site), self.port), Handler)
            httpd.daemon_threads = True
            httpd.request_queue_size = 128
            self.servers.append(httpd)
            threading.Thread(target=httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        for httpd in self.servers:
            httpd.shutdown()
            httpd.server_close()


def serve_forever(sites: int, port: int, latency_ms: float, pages_per_site: int) -> None:
    """Entry point for a separate server process (so the server does not share our GIL)."""
    server = SiteServer(sites, port, latency_ms, pages_per_site)
    for site in range(sites):  # pre-render so serving costs no generation time
        for page in range(pages_per_site):
            server.body(site, page)
    server.start()
    while True:
        time.sleep(3600)
