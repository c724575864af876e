"""Sample websites of small organisations for `make demo`, and the demo's import and report.

    python bench/demo_sites.py serve           # serve the sites on 127.0.0.2-6, port 80
    python bench/demo_sites.py import [--wait 180]   # (Django) import their sitemaps, wait, report

Each site has /, /about, /team, /contact, a blog with posts, robots.txt (naming its sitemap) and
sitemap.xml, and lists its people the ways real sites do: mailto links in staff cards, plain
text, a JSON-LD Person, a written-out "name [at] domain [dot] com". Servers bind loopback
addresses only; nothing leaves the machine.
"""

import argparse
import html
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PORT = 80  # a Domain is a host name: its sitemap is looked up on the default port


@dataclass
class Person:
    name: str
    role: str
    email: str = ""
    phone: str = ""  # as written on the page


@dataclass
class Site:
    name: str
    address: str
    mail_domain: str
    tagline: str
    about: str
    phone: str
    office_email: str
    street: str
    people: list[Person]
    posts: list[tuple[str, str]] = field(default_factory=list)  # (slug, title)
    style: str = "cards"  # how the team page lists people: cards, table, text


SITES = [
    Site(
        name="Harbor & Finch LLP",
        address="127.0.0.2",
        mail_domain="harborfinchlaw.com",
        tagline="Business and employment law for growing companies.",
        about="Founded in 2009, we advise owner-run companies on contracts, hiring and disputes.",
        phone="(415) 867-5309",
        office_email="office@harborfinchlaw.com",
        street="100 Pine Street, Suite 1200, San Francisco, CA 94111",
        people=[
            Person(
                "Jane Harbor",
                "Managing Partner",
                "jane.harbor@harborfinchlaw.com",
                "(415) 867-5310",
            ),
            Person("Omar Finch", "Partner", "omar.finch@harborfinchlaw.com", "(415) 867-5311"),
            Person("Lena Novak", "Senior Associate", "lena.novak@harborfinchlaw.com"),
            Person("Tomasz Kowalski", "Paralegal", "tomasz.kowalski@harborfinchlaw.com"),
        ],
        posts=[
            ("non-compete-changes", "What the new non-compete rules mean for you"),
            ("hiring-contractors", "Hiring contractors without surprises"),
            ("lease-checklist", "A checklist before you sign a commercial lease"),
        ],
        style="cards",
    ),
    Site(
        name="Bright Smile Dental",
        address="127.0.0.3",
        mail_domain="brightsmiledental.net",
        tagline="Family dentistry in Lincoln Park since 1998.",
        about="Three dentists, four hygienists and a front desk that remembers your name.",
        phone="(312) 448-2290",
        office_email="appointments@brightsmiledental.net",
        street="2410 N Clark St, Chicago, IL 60614",
        people=[
            Person(
                "Dr. Priya Raman",
                "Dentist, owner",
                "priya.raman@brightsmiledental.net",
                "(312) 448-2291",
            ),
            Person("Dr. Lucas Moreau", "Orthodontist", "lucas.moreau@brightsmiledental.net"),
            Person(
                "Sofia Rossi",
                "Practice Manager",
                "sofia.rossi@brightsmiledental.net",
                "(312) 448-2295",
            ),
        ],
        posts=[
            ("whitening-myths", "Five myths about teeth whitening"),
            ("kids-first-visit", "Your child's first visit"),
        ],
        style="table",
    ),
    Site(
        name="Riverside Community Food Bank",
        address="127.0.0.4",
        mail_domain="riversidefoodbank.org",
        tagline="No neighbour goes hungry.",
        about="A volunteer-run non-profit serving 1,200 families a week across Riverside County.",
        phone="(951) 780-4412",
        office_email="hello@riversidefoodbank.org",
        street="3850 Vine Street, Riverside, CA 92507",
        people=[
            Person(
                "Amara Okafor",
                "Executive Director",
                "amara.okafor@riversidefoodbank.org",
                "(951) 780-4413",
            ),
            Person("Diego Castillo", "Volunteer Coordinator", "volunteer@riversidefoodbank.org"),
            Person(
                "Ingrid Brandt", "Grants and Partnerships", "ingrid.brandt@riversidefoodbank.org"
            ),
        ],
        posts=[
            ("winter-drive", "Our winter food drive raised 40 tons"),
            ("volunteer-stories", "Volunteer stories: Saturday mornings"),
            ("annual-report", "Annual report"),
        ],
        style="text",
    ),
    Site(
        name="Mercer Plumbing & Heating",
        address="127.0.0.5",
        mail_domain="mercerplumbing.com",
        tagline="Licensed plumbers, 24/7 emergency service in Denver.",
        about="Family-owned for three generations. Upfront prices, no call-out fee.",
        phone="(303) 294-7781",
        office_email="service@mercerplumbing.com",
        street="1550 Wazee St, Denver, CO 80202",
        people=[
            Person(
                "Caleb Mercer",
                "Owner, master plumber",
                "caleb@mercerplumbing.com",
                "(303) 294-7782",
            ),
            Person("Nadia Farouk", "Dispatch", "dispatch@mercerplumbing.com", "(303) 294-7780"),
        ],
        posts=[("frozen-pipes", "How to keep your pipes from freezing")],
        style="cards",
    ),
    Site(
        name="Lindqvist Holm Architects",
        address="127.0.0.6",
        mail_domain="lindqvistholm.se",
        tagline="Timber buildings and careful renovations.",
        about="A studio of eight architects working across Scandinavia and the Pacific Northwest.",
        phone="(206) 432-8810",
        office_email="studio@lindqvistholm.se",
        street="1201 Western Ave, Seattle, WA 98101",
        people=[
            Person(
                "Jonas Lindqvist", "Founding Partner", "jonas@lindqvistholm.se", "(206) 432-8811"
            ),
            Person("Elena Holm", "Founding Partner", "elena@lindqvistholm.se"),
            Person("Hugo Sato", "Project Architect", "hugo.sato@lindqvistholm.se"),
        ],
        posts=[
            ("mass-timber", "Why we build in mass timber"),
            ("renovating-1920s", "Renovating a 1920s house"),
        ],
        style="table",
    ),
]


def e(text: str) -> str:
    return html.escape(text)


def layout(site: Site, title: str, body: str, head: str = "") -> bytes:
    nav = " | ".join(
        f'<a href="{path}">{label}</a>'
        for path, label in (
            ("/", "Home"),
            ("/about", "About"),
            ("/team", "Our team"),
            ("/blog/", "Blog"),
            ("/contact", "Contact"),
        )
    )
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} | {e(site.name)}</title>{head}
<style>body{{font-family:sans-serif;max-width:52rem;margin:auto;padding:1rem}}
.card{{border:1px solid #ddd;padding:.75rem;margin:.5rem 0}}</style></head>
<body><header><strong>{e(site.name)}</strong> <nav>{nav}</nav></header>
<main><h1>{e(title)}</h1>
{body}
</main>
<footer><p>{e(site.name)} &middot; {e(site.street)} &middot; {e(site.phone)}
&middot; <a href="mailto:{site.office_email}">{site.office_email}</a></p>
<p><a href="https://www.linkedin.com/company/{site.mail_domain.split(".")[0]}">LinkedIn</a></p>
</footer></body></html>"""
    return page.encode()


def team_body(site: Site) -> str:
    if site.style == "table":
        rows = "".join(
            f"<tr><td>{e(p.name)}</td><td>{e(p.role)}</td>"
            f'<td><a href="mailto:{p.email}">{p.email}</a></td><td>{e(p.phone)}</td></tr>'
            for p in site.people
        )
        return (
            f"<table><tr><th>Name</th><th>Role</th><th>Email</th><th>Phone</th></tr>{rows}</table>"
        )
    if site.style == "text":
        parts = []
        for p in site.people:
            user, _, domain = p.email.partition("@")
            written = f"{user} [at] {domain.replace('.', ' [dot] ')}"
            phone = f" or call {e(p.phone)}" if p.phone else ""
            parts.append(f"<p><b>{e(p.name)}</b>, {e(p.role)}. Write to {written}{phone}.</p>")
        return "".join(parts)
    return "".join(
        f'<div class="card"><h3>{e(p.name)}</h3><p>{e(p.role)}</p>'
        f'<p><a href="mailto:{p.email}">{p.email}</a></p>'
        + (f'<p><a href="tel:{p.phone}">{e(p.phone)}</a></p>' if p.phone else "")
        + "</div>"
        for p in site.people
    )


def pages_of(site: Site) -> dict[str, tuple[str, bytes]]:
    """path -> (content type, body)."""
    lead = site.people[0]
    person_ld = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": site.name,
        "email": site.office_email,
        "telephone": site.phone,
        "founder": {"@type": "Person", "name": lead.name, "email": lead.email},
    }
    about_head = f'\n<script type="application/ld+json">{json.dumps(person_ld)}</script>'
    posts = "".join(f'<li><a href="/blog/{slug}">{e(title)}</a></li>' for slug, title in site.posts)
    pages = {
        "/": layout(
            site,
            site.name,
            f"<p>{e(site.tagline)}</p><p>{e(site.about)}</p>"
            f'<p><a href="/contact">Get in touch</a></p><h2>From the blog</h2><ul>{posts}</ul>',
        ),
        "/about": layout(
            site,
            "About us",
            f"<p>{e(site.about)}</p><p>{e(lead.name)} leads the team.</p>",
            about_head,
        ),
        "/team": layout(site, "Our team", team_body(site)),
        "/contact": layout(
            site,
            "Contact us",
            f"<p>Call us at {e(site.phone)} or email "
            f'<a href="mailto:{site.office_email}">{site.office_email}</a>.</p>'
            f"<address>{e(site.street)}</address>",
        ),
        "/blog/": layout(site, "Blog", f"<ul>{posts}</ul>"),
    }
    for slug, title in site.posts:
        pages[f"/blog/{slug}"] = layout(
            site,
            title,
            f"<p>{e(site.tagline)} {e(title)}: a few thoughts from our team.</p>"
            "<p>Questions? Use the contact page.</p>",
        )
    out = {path: ("text/html; charset=utf-8", body) for path, body in pages.items()}
    base = f"http://{site.address}"
    urls = "".join(f"<url><loc>{base}{path}</loc></url>" for path in pages)
    out["/sitemap.xml"] = (
        "application/xml",
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(),
    )
    out["/robots.txt"] = (
        "text/plain",
        f"User-agent: *\nDisallow: /admin/\nSitemap: {base}/sitemap.xml\n".encode(),
    )
    return out


def make_server(site: Site, port: int = PORT) -> ThreadingHTTPServer:
    content = pages_of(site)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = content.get(self.path.split("?", 1)[0])
            if found is None:
                self.send_error(404)
                return
            kind, body = found
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    assert site.address.startswith("127."), "demo sites serve loopback addresses only"
    return ThreadingHTTPServer((site.address, port), Handler)


def serve(port: int = PORT) -> None:
    servers = []
    for site in SITES:
        try:
            servers.append(make_server(site, port))
        except OSError as exc:
            sys.exit(
                f"Cannot serve {site.name} on {site.address}:{port}: {exc.strerror}. The demo "
                "needs port 80 on loopback addresses (run as root, or allow it with "
                "`sysctl net.ipv4.ip_unprivileged_port_start=80`), and a free port 80."
            )
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    for site in SITES:
        print(f"  {site.name:<32} http://{site.address}/", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        time.sleep(3600)


# --- The demo run (needs Django) ------------------------------------------------------------


def run_import(wait_seconds: float, admin_url: str) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scrapersky.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from contacts.models import Contact
    from pages.models import Domain, Page

    hosts = [site.address for site in SITES]
    print("Importing the sitemaps (contact, team and about pages selected automatically)…")
    call_command("import_sitemap", *hosts, "--select")
    started = time.monotonic()
    busy = ["Queued", "Processing"]
    last = ""
    while True:
        domains = Domain.objects.filter(name__in=hosts)
        pages = Page.objects.filter(domain__name__in=hosts)
        domains_busy = domains.filter(processing_status__in=busy).count()
        pages_busy = pages.filter(processing_status__in=busy).count()
        done = pages.filter(processing_status__in=["Complete", "Error"]).count()
        line = (
            f"  worker: {domains.count() - domains_busy}/{domains.count()} sitemaps read, "
            f"{done} pages extracted, {pages_busy} waiting"
        )
        if line != last:
            print(line, flush=True)
            last = line
        if not domains_busy and not pages_busy:
            break
        if time.monotonic() - started > wait_seconds:
            print(f"The worker did not finish in {wait_seconds:.0f} s; is qcluster running?")
            return 1
        time.sleep(1)
    print(f"  done in {time.monotonic() - started:.0f} s\n")
    contacts = (
        Contact.objects.filter(domain__name__in=hosts)
        .select_related("page")
        .order_by("domain__name", "email", "phone")
    )
    rows = [
        (c.name or "-", c.email or "-", c.phone or "-", c.page.url if c.page else "-")
        for c in contacts
    ]
    heads = ("name", "email", "phone", "page")
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(heads)
    ]
    print(f"Contacts found ({len(rows)}):")
    print("  " + "  ".join(h.ljust(w) for h, w in zip(heads, widths, strict=True)))
    print("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        print("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))
    print()
    call_command("pipeline_status")
    print()
    demo_login(admin_url)
    return 0


def demo_login(admin_url: str) -> None:
    """ensure_admin prints a new admin's password once; a demo run again shows a fresh one."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    admin = get_user_model().objects.filter(username="admin", is_superuser=True).first()
    if admin is None:
        call_command("ensure_admin", url=admin_url)
        return
    password = secrets.token_urlsafe(12)
    admin.set_password(password)
    admin.save(update_fields=["password"])
    print(f"Admin: log in at {admin_url} as admin / {password} (a new demo password each run)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="Serve the sample sites on 127.0.0.2-6 (Ctrl-C stops).")
    run = sub.add_parser("import", help="Import the sites' sitemaps and report (Django).")
    run.add_argument("--wait", type=float, default=180, help="Seconds to wait for the worker.")
    run.add_argument("--admin-url", default="http://127.0.0.1:8000/admin/")
    args = parser.parse_args()
    if args.command == "serve":
        serve()
    else:
        sys.exit(run_import(args.wait, args.admin_url))


if __name__ == "__main__":
    main()
