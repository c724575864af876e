"""Email extraction: every way an address is written, and every look-alike that is not one."""

import pytest

from contacts.extract import extract
from contacts.extract.emails import clean, decode_cloudflare, parse_mailto

URL = "https://www.harborlight.org/contact"


def emails(body: str, url: str = URL, head: str = "") -> list[str]:
    return extract(f"<html><head>{head}</head><body>{body}</body></html>", url).emails


def cloudflare_hex(address: str, key: int = 0x5A) -> str:
    return f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in address)


# --- where addresses come from ---------------------------------------------------------------


def test_plain_text_lowercased_and_unique_in_page_order():
    body = (
        "<p>Write to Pia.Holm@HarborLight.org or ops@harborlight.org.</p>"
        "<p>pia.holm@harborlight.org</p>"
    )
    assert emails(body) == ["pia.holm@harborlight.org", "ops@harborlight.org"]


def test_mailto_percent_decoded_query_dropped():
    body = '<a href="mailto:%20Rafe.Olsen%40harborlight.org?subject=Hello%20there&body=x">Rafe</a>'
    assert emails(body) == ["rafe.olsen@harborlight.org"]


def test_mailto_several_recipients_and_copies():
    recipients, copied = parse_mailto(
        "mailto:a.berg@harborlight.org,%20c.dahl@harborlight.org?cc=e.falk@harborlight.org"
        "&bcc=g.hahn@harborlight.org"
    )
    assert recipients == ["a.berg@harborlight.org", "c.dahl@harborlight.org"]
    assert copied == ["e.falk@harborlight.org", "g.hahn@harborlight.org"]


def test_mailto_with_display_name_and_semicolons():
    recipients, _ = parse_mailto("mailto:Ines Kova <ines@harborlight.org>;tom@harborlight.org")
    assert recipients == ["ines@harborlight.org", "tom@harborlight.org"]


def test_html_entities_in_text_and_href():
    body = (
        '<a href="&#109;&#97;&#105;&#108;&#116;&#111;&#58;lena&#64;harborlight&#46;org">'
        "&#x6c;&#x65;&#x6e;&#x61;&#x40;harborlight.org</a>"
    )
    assert emails(body) == ["lena@harborlight.org"]


def test_address_split_over_inline_elements():
    body = (
        '<p><span class="u">m.quist</span><span class="at">@</span><span>harborlight.org</span></p>'
    )
    assert emails(body) == ["m.quist@harborlight.org"]


def test_adjacent_elements_never_run_together():
    body = (
        "<div>Room 6HT</div><a>eva@harborlight.org</a><span>Desk B</span><a>bo@harborlight.org</a>"
    )
    assert emails(body) == ["eva@harborlight.org", "bo@harborlight.org"]


def test_inline_label_glued_to_address_is_not_part_of_it():
    body = "<p><strong>Contact</strong><a href='#'>nils@harborlight.org</a></p>"
    assert emails(body) == ["nils@harborlight.org"]


def test_cloudflare_attribute_and_link():
    body = (
        f'<a class="__cf_email__" data-cfemail="{cloudflare_hex("ada@harborlight.org")}">'
        "[email&#160;protected]</a>"
        f'<a href="/cdn-cgi/l/email-protection#{cloudflare_hex("olof@harborlight.org", 0x21)}">'
        "Email Olof</a>"
    )
    assert emails(body) == ["ada@harborlight.org", "olof@harborlight.org"]


def test_cloudflare_garbage_is_ignored():
    assert decode_cloudflare("zz") is None
    assert decode_cloudflare("12") is None


@pytest.mark.parametrize(
    "written",
    [
        "vera [at] harborlight [dot] org",
        "vera(at)harborlight.org",
        "vera (at) harborlight (dot) org",
        "vera {at} harborlight {dot} org",
        "vera AT harborlight DOT org",
        "vera [AT] harborlight [DOT] org",
        "vera at harborlight dot org",
    ],
)
def test_human_obfuscations(written):
    assert emails(f"<p>Questions? Write to {written} and we reply.</p>") == ["vera@harborlight.org"]


def test_prose_with_at_is_not_an_address():
    body = (
        "<p>Meet us at noon at the pier. Tickets at harborlight.org or at the door. "
        "Look at this dot on the map.</p>"
    )
    assert emails(body) == []


def test_attributes_people_read_or_scripts_use():
    body = (
        '<button data-email="desk@harborlight.org">Copy</button>'
        '<abbr title="Mail kai@harborlight.org">K</abbr>'
    )
    assert emails(body) == ["desk@harborlight.org", "kai@harborlight.org"]


def test_json_escaped_in_inline_script():
    script = (
        '<script>window.cfg = {"mail": "help\\u0040harborlight.org", '
        '"html": "\\u003ca href=\\"mailto:sales@harborlight.org\\"\\u003e"};</script>'
    )
    assert emails(script) == ["help@harborlight.org", "sales@harborlight.org"]


def test_json_ld_organization_and_person():
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "Organization", "email": "mailto:office@harborlight.org"},'
        '{"@type": "Person", "name": "Tove Lind", "email": "tove@harborlight.org"}]}</script>'
    )
    assert emails("", head=head) == ["office@harborlight.org", "tove@harborlight.org"]


def test_microdata_email_in_content_attribute():
    body = (
        '<div itemscope itemtype="https://schema.org/Person">'
        '<meta itemprop="email" content="jon@harborlight.org"></div>'
    )
    assert emails(body) == ["jon@harborlight.org"]


# --- what is not a contact -------------------------------------------------------------------


@pytest.mark.parametrize(
    "look_alike",
    [
        "icon@2x.png",
        "hero@3x.webp",
        "mark@1.5x.svg",
        "you@example.com",
        "name@domain.com",
        "user@email.com",
        "test@test.com",
        "jane@company.com",
        "firstname.lastname@harborlight.org",
        "your.name@yourcompany.com",
        "0123456789abcdef0123456789abcdef@o4507.ingest.sentry.io",
        "4c1d3e5f6a7b8c9d0e1f2a3b4c5d6e7f@sentry.wixpress.com",
        "react-dom@18.2.0",
        "lodash@4.17.21",
        "someone@server.local",
        "admin@intranet.internal",
        "ops@harborlight.invalidtld",
        "me@localhost",
        "image@sprite.css",
    ],
)
def test_look_alikes_are_rejected(look_alike):
    assert clean(look_alike) is None
    assert emails(f"<p>{look_alike}</p>") == []


def test_css_at_rules_handles_and_digests_are_not_addresses():
    body = (
        "<style>@media (min-width: 600px) { a { color: red } } @font-face { font-family: x }"
        "</style><p>Follow @harborlight on X. Pin the image: app@sha256:9f86d081884c7d659a2feaa0"
        "c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08. npm i @scope/widget@2.4.1</p>"
        '<img src="/img/logo.png" srcset="/img/logo@2x.png 2x" alt="">'
        '<input type="email" placeholder="you@yourmail.com">'
    )
    assert emails(body) == []


def test_mixed_case_duplicates_are_one_address():
    assert emails(
        "<p>Ola.Berg@HarborLight.org</p><a href='mailto:ola.berg@harborlight.org'>x</a>"
    ) == ["ola.berg@harborlight.org"]


def test_script_that_glues_an_address_together():
    script = "<script>var to = 'frida' + '@' + 'harborlight.org';</script>"
    assert emails(script) == ["frida@harborlight.org"]


@pytest.mark.parametrize(
    "real", ["wangwei@163.com", "li@126.com", "ops@sentrysecurity.com", "k@360.cn", "a@3m.com"]
)
def test_numeric_and_lookalike_domains_that_are_real(real):
    assert clean(real) == real


def test_self_hosted_monitoring_dsn():
    assert clean("0a1b2c3d4e5f60718293a4b5c6d7e8f9@sentry.firm-internal.com") is None


def test_obfuscated_mailbox_never_takes_the_previous_element_text():
    body = "<p><span>Tel 040 8774974</span><span>kontor(at)harborlight.de</span></p>"
    assert emails(body) == ["kontor@harborlight.de"]


@pytest.mark.parametrize(
    ("written", "address"),
    [
        ("vera dot lind at harborlight dot org", "vera.lind@harborlight.org"),
        ("vera [dot] lind [at] harborlight [dot] org", "vera.lind@harborlight.org"),
        ("v DOT m DOT lind AT harborlight DOT org", "v.m.lind@harborlight.org"),
        ("vera.lind at harborlight dot org", "vera.lind@harborlight.org"),
        ("Email: vera dot lind dot 2 at gmx dot de", "vera.lind.2@gmx.de"),
    ],
)
def test_spelled_out_dots_in_the_mailbox(written, address):
    assert emails(f"<p>{written}</p>") == [address]


def test_spelled_out_dot_mailbox_needs_the_same_spelling():
    # Prose before a written-out address does not join it.
    assert emails("<p>Ask for Vera. Reach her at vera [at] harborlight [dot] org</p>") == [
        "vera@harborlight.org"
    ]
    assert emails("<p>Click the dot then write to vera at harborlight dot org</p>") == [
        "vera@harborlight.org"
    ]


def test_fediverse_handles_are_not_addresses():
    body = (
        "<p>Mastodon: @harborlight@mastodon.social \u00b7 "
        "<a href='https://hachyderm.io/@vera'>@vera@hachyderm.io</a></p>"
        "<p>Write to vera@harborlight.org</p>"
    )
    assert emails(body) == ["vera@harborlight.org"]
