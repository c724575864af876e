"""Phone extraction: the ways numbers are written, and the digits that are not phones."""

import pytest

from contacts.extract import extract
from contacts.extract.phones import find_in_text, page_region, parse

URL = "https://www.quarrybend.com/visit"


def phones(body: str, url: str = URL, lang: str = "en") -> list[str]:
    return extract(f'<html lang="{lang}"><body>{body}</body></html>', url).phones


def numbers(text: str, region: str = "US") -> list[str]:
    return [number for number, _, _ in find_in_text(text, region)]


@pytest.mark.parametrize(
    "written",
    [
        "(919) 386-7194",
        "919-386-7194",
        "919.386.7194",
        "919 386 7194",
        "1-919-386-7194",
        "+1 919 386 7194",
        "+1 (919) 386-7194",
        "+19193867194",
        "919\u2011386\u20117194",
        "919\u00a0386\u00a07194",
    ],
)
def test_north_american_formats(written):
    assert numbers(f"Call us: {written} today") == ["+19193867194"]


def test_extension_dropped():
    assert numbers("Front desk (415) 238-2408 ext. 204, billing 415-238-2409 x12") == [
        "+14152382408",
        "+14152382409",
    ]


def test_tel_links_with_pauses_and_extensions():
    body = (
        '<a href="tel:+1-415-238-2408">Call</a>'
        '<a href="tel:4152382409,,35">Billing</a>'
        '<a href="tel:+14152382410;ext=7">Fax</a>'
        '<a href="sms:+14152382411">Text us</a>'
    )
    assert phones(body) == ["+14152382408", "+14152382409", "+14152382410", "+14152382411"]


def test_international_numbers_anywhere():
    text = "London +44 20 7946 0321 · Paris +33 1 42 68 53 00 · Frankfurt +49 (0)69 9750 3012"
    assert numbers(text) == ["+442079460321", "+33142685300", "+496997503012"]


def test_national_format_on_a_country_page():
    assert phones("<p>Telefon 040 8774 9740</p>", "https://www.kanzlei-nord.de/kontakt") == [
        "+494087749740"
    ]
    assert phones("<p>Tel: 020 7946 0321</p>", "https://www.fieldhouse.co.uk/contact") == [
        "+442079460321"
    ]


def test_region_from_language_when_tld_is_generic():
    assert page_region("https://www.fieldhouse.com/", "en-GB") == "GB"
    assert page_region("https://www.kanzlei.com/", "de") == "DE"
    assert page_region("https://www.app.io/", "") == "US"
    assert page_region("https://www.fieldhouse.co.uk/", "en-US") == "GB"


def test_two_numbers_in_one_run():
    assert numbers("Phone 415-238-2408 / 415-238-2409") == ["+14152382408", "+14152382409"]


@pytest.mark.parametrize(
    "not_a_phone",
    [
        "Posted 2024-06-12 at 10:30",
        "Offer valid 06/12/2024 through 07/31/2024",
        "Closed 12.06.2024",
        "Boulder, CO 80304-1127",
        "Budget $48,200,000.00 approved",
        "Order #415-238-2408 shipped",
        "Invoice no. 4152382408",
        "ISBN 978-0-306-40615-7",
        "NPI 1548293067",
        "Tracking 1Z999AA10123456784",
        "Version 10.4.12.1987 released",
        "Coordinates 40.712776, -74.005974",
        "Serving the city 1998-2024 and 2019\u20132024",
        "SSN 078-05-1120",
        "Timestamp 1718200800",
        "EIN 12-3456789",
        "Call (555) 555-5555",
        "Call 212-555-0143 in the film",
        "Case 2024-CV-004512",
        "License #FA100087321",
        "Listing ID 4152382408",
    ],
)
def test_digits_that_are_not_phones(not_a_phone):
    assert numbers(not_a_phone) == []


def test_bare_ten_digits_only_with_a_phone_label():
    assert numbers("Ref 4152382408") == []
    assert numbers("Phone: 4152382408") == ["+14152382408"]


def test_numbers_in_attributes_and_urls_are_ignored():
    body = (
        '<a href="/listing/4152382408">Listing</a><div data-id="415-238-2408"></div>'
        '<img src="/img/415-238-2408.jpg" alt="">'
    )
    assert phones(body) == []


def test_json_ld_and_microdata_telephones():
    body = (
        '<script type="application/ld+json">'
        '{"@type": "LocalBusiness", "telephone": "+1-415-238-2408"}'
        '</script><span itemprop="telephone">(415) 238-2409</span>'
        '<meta itemprop="telephone" content="415.238.2410">'
    )
    assert phones(body) == ["+14152382408", "+14152382409", "+14152382410"]


def test_adjacent_labels_do_not_join_digits():
    assert phones("<p><span>Suite 200</span><span>415-238-2408</span></p>") == ["+14152382408"]


def test_parse_validates_and_formats():
    assert parse("(415) 238-2408") == "+14152382408"
    assert parse("+44 20 7946 0321", "US") == "+442079460321"
    assert parse("123-456-7890") is None
    assert parse("12345") is None


def test_hostile_digit_runs_stay_fast():
    import time

    text = ("1-" * 20000) + ("9" * 50000) + (" 415 238 2408 " * 2000)
    start = time.process_time()
    numbers(text)
    assert time.process_time() - start < 2.0


def test_spaced_separators_and_slashed_national_numbers():
    assert numbers("Phone 415 - 238 - 2408") == ["+14152382408"]
    assert numbers("Telefon 089 / 123 456 78", "DE") == ["+498912345678"]
    assert numbers("Stand 01.06.2024, 01/06/24", "DE") == []


def test_number_word_alone_says_nothing():
    assert numbers("Phone No. 415-238-2408 · Order No. 415-238-2409 · Tel. Nr. 415-238-2410") == [
        "+14152382408",
        "+14152382410",
    ]


def test_structured_values_with_labels_and_extensions():
    assert parse("Phone: +1 415 238 2408") == "+14152382408"
    assert parse("Tel. (415) 238-2408 ext 5") == "+14152382408"
    assert parse("+1-800-FLOWERS") is None


def test_identifier_words_in_the_cell_before_say_nothing():
    row = (
        "<table><tr><td>Ulla Berg</td><td>Permit Technician</td><td>Admitting / Registration</td>"
        "<td>(541) 401-9678</td></tr><tr><th>Order</th><td>Invoice 415-238-2408</td></tr></table>"
    )
    assert phones(row) == ["+15414019678"]
    assert phones("<dl><dt>Phone</dt><dd>4152382408</dd></dl>") == ["+14152382408"]


def test_00_international_prefix_on_a_country_page():
    assert numbers("Tel. 0049 30 21914837", "DE") == ["+493021914837"]
    assert numbers("From abroad: 0044 20 7946 0321", "GB") == ["+442079460321"]
    assert numbers("Tel. 0033 1 42 68 53 00", "DE") == ["+33142685300"]


def test_three_then_seven_digits_with_a_phone_label():
    assert numbers("Tel: 919 3867194") == ["+19193867194"]
    assert numbers("Call 919 3867194 today") == ["+19193867194"]
    assert numbers("Serial 919 3867194") == []
    assert numbers("Totals 919 3867194") == []


def test_abbreviated_number_word_after_a_word_that_is_not_a_phone():
    assert numbers("Membership no. 919 386 7194") == []
    assert numbers("Subscriber No 919-386-7194") == []
    assert numbers("Contact no. 919 386 7194") == ["+19193867194"]
    assert numbers("Mobile no.: 919 386 7194") == ["+19193867194"]
    assert numbers("No. 919 386 7194") == ["+19193867194"]
