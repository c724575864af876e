"""Whole pages in layouts the unit tests do not spell out: what a reader would copy off them."""

from contacts.extract import extract


def test_dentist_team_figures():
    page = """<html lang="en"><body>
    <header><a href="tel:+15037379600">(503) 737-9600</a> ·
    Open Mon\u2013Fri 8:00\u201317:00</header>
    <section class="team">
      <figure><img src="/t/natarajan.jpg" srcset="/t/natarajan@2x.jpg 2x"
        alt="Dr. Priya Natarajan"><figcaption><strong>Dr. Priya Natarajan, DMD</strong><br>
        Associate Dentist<br><a href="mailto:pnatarajan@alderwooddental.com">
        Email Dr. Natarajan</a></figcaption></figure>
      <figure><img src="/t/okoro.jpg" alt="Chidi Okoro">
        <figcaption><strong>Chidi Okoro, RDH</strong><br>Hygienist<br>
        <a href="mailto:chidi@alderwooddental.com">chidi@alderwooddental.com</a></figcaption>
      </figure>
    </section>
    <form><input type="email" placeholder="you@example.com">
    <input placeholder="(555) 555-5555"></form>
    <footer>New patients: <a href="mailto:frontdesk@alderwooddental.com?subject=New%20patient">
    frontdesk@alderwooddental.com</a> · 2150 NW Lovejoy St, Portland, OR 97210-5122 ·
    © 2009\u20132024 · <a href="https://www.facebook.com/alderwooddental/">Facebook</a>
    <a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a></footer>
    </body></html>"""
    result = extract(page, "https://www.alderwooddental.com/team")
    assert result.emails == [
        "pnatarajan@alderwooddental.com",
        "chidi@alderwooddental.com",
        "frontdesk@alderwooddental.com",
    ]
    assert result.phones == ["+15037379600"]
    assert result.names == {
        "pnatarajan@alderwooddental.com": "Priya Natarajan",
        "chidi@alderwooddental.com": "Chidi Okoro",
    }
    assert result.social == ["https://www.facebook.com/alderwooddental"]


def test_attorney_cards_with_links_lists():
    cards = "".join(
        f'<div class="attorney"><a href="/attorneys/{slug}"><h2>{name}</h2></a>'
        f'<p class="title">{title}</p><ul class="contact"><li><a href="tel:+1312{number}">'
        f'312.{number[:3]}.{number[3:]}</a></li><li><a href="mailto:{slug}@hollisreed.com">'
        f'Email</a></li><li><a href="/vcard/{slug}.vcf">vCard</a></li>'
        f'<li><a href="https://www.linkedin.com/in/{slug}-law/">LinkedIn</a></li></ul></div>'
        for slug, name, title, number in [
            ("jsmith", "John A. Smith", "Partner", "7824410"),
            ("mgarcia", "María García-Ortiz", "Associate", "7824411"),
            ("tnguyen", "Thanh Nguyen", "Of Counsel", "7824412"),
        ]
    )
    result = extract(f"<html><body><main>{cards}</main></body></html>", "https://hollisreed.com/")
    assert result.names == {
        "jsmith@hollisreed.com": "John A. Smith",
        "mgarcia@hollisreed.com": "María García-Ortiz",
        "tnguyen@hollisreed.com": "Thanh Nguyen",
    }
    assert result.phones == ["+13127824410", "+13127824411", "+13127824412"]
    ties = {c.email: c.phone for c in result.contacts if c.email}
    assert ties["mgarcia@hollisreed.com"] == "+13127824411"
    assert len(result.social) == 3


def test_german_contact_page():
    page = """<html lang="de"><body><h1>Kontakt</h1>
    <p>Muster &amp; Partner Steuerberatung<br>Friedrichstraße 88, 10117 Berlin</p>
    <p>Tel.: +49 (0) 30 / 1234 5678<br>Fax: +49 (0) 30 / 1234 5679<br>
    E-Mail: kanzlei(at)muster-partner.de</p>
    <p>Steuernummer 27/123/45678 · USt-IdNr. DE 123456789 · HRB 98765 B</p>
    <h2>Ansprechpartner</h2><ul><li>Dipl.-Kfm. Jonas Weber, Steuerberater \u2013
    j.weber [at] muster-partner [punkt] de</li></ul>
    <p>Stand: 01.06.2024</p></body></html>"""
    result = extract(page, "https://www.muster-partner.de/kontakt")
    assert result.emails == ["kanzlei@muster-partner.de", "j.weber@muster-partner.de"]
    assert result.phones == ["+493012345678", "+493012345679"]
    assert result.names == {"j.weber@muster-partner.de": "Jonas Weber"}


def test_json_and_script_only_page():
    page = """<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "HealthClub", "name": "Tidewater Yoga",
     "telephone": "+1 757 555 2290", "email": "namaste@tidewateryoga.com",
     "sameAs": ["https://www.instagram.com/tidewateryoga"],
     "geo": {"latitude": 36.8529, "longitude": -75.9780}}</script>
    <script>window.__STATE__ = {"contact": "studio\\u0040tidewateryoga.com",
     "dsn": "https://3f2a9c0b8d7e6f5a4b3c2d1e0f9a8b7c@o99.ingest.sentry.io/7",
     "placeholder": "name@domain.com", "build": "app@2.14.0"};</script></head>
    <body><div id="root"></div></body></html>"""
    result = extract(page, "https://www.tidewateryoga.com/")
    assert result.emails == ["namaste@tidewateryoga.com", "studio@tidewateryoga.com"]
    assert result.phones == ["+17575552290"]
    assert result.social == []


def test_news_article_without_contacts():
    page = """<html><body><article><h1>Council approves $48.2 million budget</h1>
    <p class="byline">By Staff · June 12, 2024 · 6:45 p.m. · Updated 2024-06-13T08:10:00Z</p>
    <p>The vote was 5-2. Property owners in ZIP 23451-2210 will see a 3.5% increase; the plan
    runs 2024\u20132029 and covers parcels 1432-5577-01 through 1432-5579-99.</p>
    <p>Follow @tidewatergazette for updates. Reader ID 4819205538.</p></article>
    <a href="https://twitter.com/intent/tweet?text=x">Tweet</a></body></html>"""
    result = extract(page, "https://www.tidewatergazette.com/news/2024/06/12/budget")
    assert (result.emails, result.phones, result.social, result.contacts) == ([], [], [], [])
