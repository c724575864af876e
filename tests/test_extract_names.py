"""Names: tied to an address only where the page ties them, as written, without titles."""

import pytest

from contacts.extract import extract
from contacts.extract.names import clean_name, looks_like_name, names_within

URL = "https://www.tallowpine.com/team"


def names(body: str, head: str = "") -> dict[str, str]:
    return extract(f"<html><head>{head}</head><body>{body}</body></html>", URL).names


def test_card_heading():
    body = (
        '<div class="grid">'
        '<div class="card"><h3>Marit Solberg</h3><p>Head of Design</p>'
        '<a href="mailto:marit@tallowpine.com">marit@tallowpine.com</a></div>'
        '<div class="card"><h3>Jonas Achterberg</h3><p>Engineer</p>'
        '<a href="mailto:j.achterberg@tallowpine.com">Email</a></div></div>'
    )
    assert names(body) == {
        "marit@tallowpine.com": "Marit Solberg",
        "j.achterberg@tallowpine.com": "Jonas Achterberg",
    }


def test_table_row():
    body = (
        "<table><tr><th>Name</th><th>Role</th><th>Email</th></tr>"
        "<tr><td>Odile Ferrand</td><td>Counsel</td><td>oferrand@tallowpine.com</td></tr>"
        "<tr><td>Kwame Mensah-Boateng</td><td>Partner</td><td>kmb@tallowpine.com</td></tr>"
        "</table>"
    )
    assert names(body) == {
        "oferrand@tallowpine.com": "Odile Ferrand",
        "kmb@tallowpine.com": "Kwame Mensah-Boateng",
    }


def test_mailto_link_text():
    body = '<p>Press: <a href="mailto:l.varga@tallowpine.com">Lili Varga</a></p>'
    assert names(body) == {"l.varga@tallowpine.com": "Lili Varga"}


def test_name_inside_a_longer_line():
    body = (
        "<ul><li>Program lead: Anneke de Vries · "
        '<a href="mailto:a.devries@tallowpine.com">a.devries@tallowpine.com</a></li>'
        "<li>Dipl.-Ing. Fritz Obermaier, Geschäftsführer \u2013 "
        "fritz.obermaier@tallowpine.com</li></ul>"
    )
    assert names(body) == {
        "a.devries@tallowpine.com": "Anneke de Vries",
        "fritz.obermaier@tallowpine.com": "Fritz Obermaier",
    }


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("Dr. Helga Brandt", "Helga Brandt"),
        ("Prof. Dr. Helga Brandt", "Helga Brandt"),
        ("Helga Brandt, PhD", "Helga Brandt"),
        ("Helga M. Brandt, DDS, MS", "Helga M. Brandt"),
        ("Mrs. Helga Brandt", "Helga Brandt"),
        ("Dr.-Ing. Helga Brandt", "Helga Brandt"),
        ("Helga Brandt CPA", "Helga Brandt"),
        ("Herr Helga Brandt", "Helga Brandt"),
        ("Helga Brandt, Esq.", "Helga Brandt"),
    ],
)
def test_honorifics_and_credentials_removed(written, label):
    assert clean_name(written) == label


def test_honorific_in_card_is_stripped():
    body = (
        '<div class="staff"><strong>Dr. Ravi Anand, DMD</strong><br>'
        '<a href="mailto:dr.anand@tallowpine.com">dr.anand@tallowpine.com</a></div>'
    )
    assert names(body) == {"dr.anand@tallowpine.com": "Ravi Anand"}


def test_role_mailboxes_get_no_name():
    body = (
        '<div class="card"><h3>Ines Calder</h3><p>Office manager</p>'
        '<a href="mailto:info@tallowpine.com">info@tallowpine.com</a></div>'
    )
    assert names(body) == {}


def test_never_invented_from_a_heading_that_is_not_a_name():
    body = (
        "<section><h2>Customer Success</h2><p>Write to "
        '<a href="mailto:success.team@tallowpine.com">success.team@tallowpine.com</a>'
        "</p></section>"
    )
    assert names(body) == {}


def test_two_people_in_one_card_matched_by_mailbox():
    body = (
        '<div class="listing-agent"><h3>Listed by Carla Ruiz</h3>'
        '<p><a href="mailto:carla.ruiz@tallowpine.com">carla.ruiz@tallowpine.com</a></p>'
        '<p>Co-listed with Dev Malhotra · <a href="mailto:dmalhotra@tallowpine.com">'
        "dmalhotra@tallowpine.com</a></p></div>"
    )
    assert names(body) == {
        "carla.ruiz@tallowpine.com": "Carla Ruiz",
        "dmalhotra@tallowpine.com": "Dev Malhotra",
    }


def test_json_ld_person():
    head = (
        '<script type="application/ld+json">{"@type": "Person", "name": "Dr. Yuki Tanabe",'
        '"email": "yuki@tallowpine.com", "telephone": "+1 503 555 2211"}</script>'
    )
    assert names("", head=head) == {"yuki@tallowpine.com": "Yuki Tanabe"}


def test_microdata_person_and_hcard():
    body = (
        '<div itemscope itemtype="https://schema.org/Person"><span itemprop="name">Bram Hollis'
        '</span><span itemprop="jobTitle">Partner</span>'
        '<a itemprop="email" href="mailto:bh@tallowpine.com">Email</a></div>'
        '<div class="vcard"><span class="fn">Sunniva Eide</span>'
        '<a class="email" href="mailto:sunniva.e@tallowpine.com">Write</a></div>'
    )
    assert names(body) == {
        "bh@tallowpine.com": "Bram Hollis",
        "sunniva.e@tallowpine.com": "Sunniva Eide",
    }


def test_author_box():
    body = (
        "<article><p>Long post text about queues and workers.</p></article>"
        '<aside class="author-box"><img src="/a.jpg" alt=""><div><p class="author-name">'
        "Teodor Lund</p><p>Teodor writes about databases.</p>"
        '<p>Say hi: <a href="mailto:teo@tallowpine.com">teo@tallowpine.com</a></p></div></aside>'
    )
    assert names(body) == {"teo@tallowpine.com": "Teodor Lund"}


@pytest.mark.parametrize(
    "text",
    [
        "Contact Us",
        "Main Office",
        "Program Officer",
        "Board of Directors",
        "Read More",
        "ADMISSIONS OFFICE",
        "Monday Friday",
    ],
)
def test_role_and_interface_texts_are_not_names(text):
    assert not looks_like_name(clean_name(text))


def test_names_within_text():
    assert names_within("Office lead: Colm Byrne · ext. 12") == ["Colm Byrne"]
    assert names_within("Questions? Ask our team.") == []


def test_flat_list_name_just_before_the_address():
    body = (
        "<main><h2>Staff</h2>"
        "<h4>Greta Lindholm</h4><p>Director</p><p>Email: glindholm@tallowpine.com</p>"
        '<h4>Paolo Rossi</h4><p>Coordinator</p><p><a href="mailto:prossi@tallowpine.com">'
        "prossi@tallowpine.com</a></p>"
        "<dl><dt>Amira Saleh</dt><dd><a href='mailto:amira.saleh@tallowpine.com'>Email</a></dd>"
        "<dt>Tom Baker</dt><dd>tbaker@tallowpine.com</dd></dl></main>"
    )
    assert names(body) == {
        "glindholm@tallowpine.com": "Greta Lindholm",
        "prossi@tallowpine.com": "Paolo Rossi",
        "amira.saleh@tallowpine.com": "Amira Saleh",
        "tbaker@tallowpine.com": "Tom Baker",
    }


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("Dr. med. Anna Schmidt", "Anna Schmidt"),
        ("Prof. Dr.-Ing. habil. Karl Weber", "Karl Weber"),
        ("John Smith Jr.", "John Smith Jr."),
        ("Lin Ma", "Lin Ma"),
        ("Anh Do", "Anh Do"),
        ("Jane Doe MA", "Jane Doe"),
        ("Jane Doe, M.A.", "Jane Doe"),
    ],
)
def test_degrees_versus_surnames_and_suffixes(written, label):
    assert clean_name(written) == label


def test_initials_fit_only_a_mailbox_of_initials():
    from contacts.extract.names import local_part_match

    assert local_part_match("Jane Doe", "jd4421@tallowpine.com") == 1
    assert local_part_match("Willow Creek Middle", "wcmsoffice@tallowpine.com") == 0
    assert local_part_match("Jane Doe", "jdoe@tallowpine.com") == 2


def test_lines_of_a_card_never_run_together_into_a_name():
    body = (
        '<table><tr><td class="name"><div>North District</div><div>Shop Yard</div></td>'
        "<td>roads.north@tallowpine.com</td></tr></table>"
    )
    assert names(body) == {}


def test_people_listed_line_by_line_in_one_paragraph():
    body = (
        "<p>Jane Doe, Director<br>jdoe@tallowpine.com<br>(415) 238-2408<br><br>"
        "Robert Lin<br>Program Manager<br>"
        "<a href='mailto:rlin@tallowpine.com'>rlin@tallowpine.com</a></p>"
    )
    result = extract(f"<html><body>{body}</body></html>", URL)
    assert result.names == {"jdoe@tallowpine.com": "Jane Doe", "rlin@tallowpine.com": "Robert Lin"}
    phones = {c.email: c.phone for c in result.contacts if c.email}
    assert phones == {"jdoe@tallowpine.com": "+14152382408", "rlin@tallowpine.com": ""}


def test_the_business_own_name_is_not_a_person():
    page = (
        "<html><body><footer><h3>Osteria Bellavista</h3><p>Via Roma 12</p>"
        '<p><a href="mailto:ciao@osteriabellavista.com">ciao@osteriabellavista.com</a></p>'
        "</footer></body></html>"
    )
    assert extract(page, "https://www.osteriabellavista.com/").names == {}


def test_names_tied_by_structure_when_the_mailbox_says_nothing():
    body = (
        "<table><tr><th>Teacher</th><th>Subject</th><th>Email</th></tr>"
        "<tr><td>Mr. Oskar Lindgren</td><td>Science</td><td>t0417@tallowpine.com</td></tr>"
        "<tr><td>Dr. Amina Yusuf</td><td>History</td><td>t0533@tallowpine.com</td></tr></table>"
        "<p>Office lead: Colm Byrne · <a href='mailto:c7@tallowpine.com'>Email</a></p>"
    )
    assert names(body) == {
        "t0417@tallowpine.com": "Oskar Lindgren",
        "t0533@tallowpine.com": "Amina Yusuf",
        "c7@tallowpine.com": "Colm Byrne",
    }


def test_no_name_from_an_unrelated_section_before():
    abstract = "Keynote on data quality and lakehouses, with an abstract that runs on. " * 8
    body = (
        f"<section><div class='speaker'><h3>Nadia Sheffield</h3><p>{abstract}</p></div>"
        "</section><section><h2>Questions?</h2>"
        "<p>Write to <a href='mailto:z9@tallowpine.com'>z9@tallowpine.com</a></p></section>"
    )
    assert names(body) == {}


@pytest.mark.parametrize(
    ("written", "label"),
    [
        # Titles before a name: religious, culinary, professional, Spanish and German forms.
        ("Deacon Tomasz Wielgosz", "Tomasz Wielgosz"),
        ("Chef Orla Banfield", "Orla Banfield"),
        ("Canon Petra Hallgren", "Petra Hallgren"),
        ("Sister Agnes Morrow", "Agnes Morrow"),
        ("Dña. Leire Otxoa", "Leire Otxoa"),
        ("Doña Leire Otxoa", "Leire Otxoa"),
        ("Don Iker Zubiri", "Iker Zubiri"),
        ("Zahnärztin Dr. Jana Voss", "Jana Voss"),
        ("Eng. Tariq Haddad", "Tariq Haddad"),
        ("Lic. Tariq Haddad", "Tariq Haddad"),  # an abbreviated word before a whole name
        # Credentials after a name: dotted, parenthesised, marked, all-caps acronyms, degrees.
        ("Wren Atherly BVSc (Hons) MANZCVS", "Wren Atherly"),
        ("Wren Atherly BSc (Hons)", "Wren Atherly"),
        ("Wren Atherly TEP", "Wren Atherly"),
        ("Wren Atherly FCA", "Wren Atherly"),
        ("Wren Atherly, ACA", "Wren Atherly"),
        ("Wren Atherly, BSN, RN", "Wren Atherly"),
        ("Wren Atherly, LCSW-C", "Wren Atherly"),
        ("Wren Atherly, CFP\u00ae", "Wren Atherly"),
        ("Wren Atherly, REALTOR\u00ae", "Wren Atherly"),
        ("Wren Atherly, T.R.P.", "Wren Atherly"),
        ("Wren Atherly pht", "Wren Atherly"),
        ("Wren Atherly MBChB FRCS", "Wren Atherly"),
        # ... but surnames stay.
        ("Wren Atherly Jr.", "Wren Atherly Jr."),
        ("Jean Marc DUPONT", "Jean Marc DUPONT"),
        ("Aidan McKay", "Aidan McKay"),
        ("Rosa Maria LeBon", "Rosa Maria LeBon"),
        ("Mei Lin Ng", "Mei Lin Ng"),
        ("JANE ROE", "JANE ROE"),
        ("Don Iker", "Don Iker"),
    ],
)
def test_titles_and_credentials_by_shape(written, label):
    assert clean_name(written) == label


def test_unknown_title_before_a_name_that_fits_the_mailbox():
    from contacts.extract.names import fit_to_mailbox, local_part_match

    # A word before the name the mailbox is made of is a title ("Kantor", "Stadtrat", …).
    assert fit_to_mailbox("Kantorin Ilse Brenner", "ibrenner@tallowpine.com") == "Ilse Brenner"
    assert fit_to_mailbox("Stadtrat Olaf Berg", "olaf@tallowpine.com") == "Olaf Berg"
    # A first name the mailbox is made of stays; so do middle names and initials.
    assert fit_to_mailbox("Mary Ann Keller", "mkeller@tallowpine.com") == "Mary Ann Keller"
    assert fit_to_mailbox("J. Robert Holm", "robert@tallowpine.com") == "J. Robert Holm"
    assert fit_to_mailbox("Mary Ann Keller", "keller@tallowpine.com") == "Mary Ann Keller"
    # An unknown word in front does not hide that the name fits the mailbox.
    assert local_part_match("Kantorin Ilse Brenner-Wolf", "ilse@tallowpine.com") == 2


def test_titles_and_credentials_in_cards():
    body = (
        "<table><tr><td>Dr Wren Atherly BVSc (Hons) MANZCVS</td>"
        "<td><a href='mailto:wren@tallowpine.com'>wren@tallowpine.com</a></td></tr>"
        "<tr><td>Stadträtin Olga Brenner</td><td>o.brenner@tallowpine.com</td></tr></table>"
        "<ul><li><strong>Deacon Tomasz Wielgosz</strong> \u2013 "
        "<a href='mailto:twielgosz@tallowpine.com'>twielgosz@tallowpine.com</a></li></ul>"
        "<p><b>Chef Orla Banfield-Moss</b></p><p>Executive Chef &amp; Owner</p>"
        "<p><a href='mailto:orla@tallowpine.com'>orla@tallowpine.com</a></p>"
    )
    assert names(body) == {
        "wren@tallowpine.com": "Wren Atherly",
        "o.brenner@tallowpine.com": "Olga Brenner",
        "twielgosz@tallowpine.com": "Tomasz Wielgosz",
        "orla@tallowpine.com": "Orla Banfield-Moss",
    }


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("Ilse Brenner, Treasurer", "Ilse Brenner"),
        ("Ilse Brenner, Co-Founder & CEO", "Ilse Brenner"),
        ("Ilse Brenner, Vice President, Finance", "Ilse Brenner"),
        ("Ilse Brenner, Harbourline Communications", "Ilse Brenner"),
        ("Ilse Brenner, MD, Chief of Surgery", "Ilse Brenner"),
        ("Brenner, Ilse", "Brenner, Ilse"),  # "last, first" stays as written
    ],
)
def test_a_role_after_a_comma_ends_the_name(written, label):
    assert clean_name(written) == label


def test_role_words_before_a_name_in_a_sentence():
    assert names_within("Contact Guest Relations Manager Ilse Brenner-Wolf at") == [
        "Ilse Brenner-Wolf"
    ]
    assert names_within("Our Founder and Owner Olaf Berg says hi") == ["Olaf Berg"]
    # Only what follows the title: the words before it name a business or a place.
    assert names_within("Ask Harbour Street Bakery Owner Olaf Berg") == ["Olaf Berg"]


def test_roles_around_names_in_cards_and_lines():
    body = (
        "<section><p>For private parties, contact Private Events Director Ilse Brenner-Wolf "
        "at <a href='mailto:ilse.bw@tallowpine.com'>ilse.bw@tallowpine.com</a>.</p></section>"
        "<div><h3>Olaf Berg, Treasurer</h3>"
        "<a href='mailto:olaf@tallowpine.com'>olaf@tallowpine.com</a></div>"
    )
    assert names(body) == {
        "ilse.bw@tallowpine.com": "Ilse Brenner-Wolf",
        "olaf@tallowpine.com": "Olaf Berg",
    }


def test_name_written_after_the_address():
    body = (
        "<div class='contacts'><p><strong>Press</strong><br>olaf.berg@harbourpr.com<br>"
        "Olaf Berg, Harbourline Partners<br>+1 646-980-2213</p></div>"
        "<p>Questions: ibrenner@tallowpine.com (Ilse Brenner) or "
        "tlund@tallowpine.com (Teodor Lund)</p>"
        "<ul><li>kwolf@tallowpine.com \u2013 Karin Wolf, Treasurer</li>"
        "<li>Newsletter: news@tallowpine.com</li></ul>"
    )
    assert names(body) == {
        "olaf.berg@harbourpr.com": "Olaf Berg",
        "ibrenner@tallowpine.com": "Ilse Brenner",
        "tlund@tallowpine.com": "Teodor Lund",
        "kwolf@tallowpine.com": "Karin Wolf",
    }


def test_a_name_after_an_address_belongs_to_that_address():
    # The name after the first address is not the second one's, and a name that does not fit
    # the mailbox is never taken from the following lines.
    body = (
        "<p>Write to ib@tallowpine.com (Ilse Brenner) or t7@tallowpine.com.</p>"
        "<p>q1@tallowpine.com<br>Olaf Berg<br>Karin Wolf</p>"
    )
    assert names(body) == {"ib@tallowpine.com": "Ilse Brenner"}


def test_surname_parts_fit_the_mailbox():
    from contacts.extract.names import local_part_match

    assert local_part_match("Ilse Brenner-Wolf", "ibrenner@tallowpine.com") == 2
    assert local_part_match("Ilse Brenner-Wolf", "wolf.i@tallowpine.com") == 2
    assert local_part_match("Ilse Brenner-Wolf", "olaf@tallowpine.com") == 0
    body = (
        "<div class='people'><p><strong>Ilse Brenner-Wolf</strong> and <strong>Olaf Berg"
        "</strong> lead the office.</p>"
        "<p><a href='mailto:ibrenner@tallowpine.com'>ibrenner@tallowpine.com</a></p></div>"
    )
    assert names(body) == {"ibrenner@tallowpine.com": "Ilse Brenner-Wolf"}


def test_table_rows_whose_mailbox_does_not_fit_the_name():
    body = (
        "<table><tr><th>Name</th><th>Area</th><th>Email</th></tr>"
        "<tr><td>Ilse Brenner</td><td><b>Storage Engine</b></td><td>ib7@tallowpine.com</td></tr>"
        "<tr><td>OLAF BERG</td><td>Releases</td><td>ob9@tallowpine.com</td></tr>"
        "<tr><td>Wolf, Karin</td><td>Replication</td><td>k3@tallowpine.com</td></tr></table>"
    )
    # As written (the README labels names as written; scoring ignores case).
    assert names(body) == {
        "ib7@tallowpine.com": "Ilse Brenner",
        "ob9@tallowpine.com": "OLAF BERG",
        "k3@tallowpine.com": "Wolf, Karin",
    }


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("Soo Jin KIM", "Soo Jin KIM"),  # a surname in capitals, not an acronym
        ("Mei Xin LI", "Mei Xin LI"),
        ("John Paul SMITH", "John Paul SMITH"),
        ("Jo Lee, FRACDS", "Jo Lee"),  # after a comma, an acronym is a credential
        ("Jo Lee BDS FRACDS", "Jo Lee"),  # next to a sure one
        ("Jo Lee MRCVS", "Jo Lee"),  # no vowels: no surname
    ],
)
def test_acronym_or_surname_in_capitals(written, label):
    assert clean_name(written) == label


def test_acronym_after_the_surname_the_mailbox_names():
    from contacts.extract.names import fit_to_mailbox

    assert fit_to_mailbox("Jo Lee FRACDS", "jlee@tallowpine.com") == "Jo Lee"
    assert fit_to_mailbox("John Paul SMITH", "john@tallowpine.com") == "John Paul SMITH"
    assert fit_to_mailbox("John Paul SMITH", "jpsmith@tallowpine.com") == "John Paul SMITH"


def test_one_row_table_with_several_name_like_cells():
    body = (
        "<table><tr><td>Ilse Brenner</td><td><b>Storage Engine</b></td>"
        "<td>ib7@tallowpine.com</td></tr></table>"
    )
    assert names(body) == {"ib7@tallowpine.com": "Ilse Brenner"}
