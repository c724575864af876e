"""Progress bars of the long commands: drawn on a terminal, only the summary line otherwise."""

from io import StringIO

import pytest
from django.core.management import call_command

from contacts.models import Contact
from curation import progress as progress_module
from curation.progress import Progress
from pages.models import Page


class Terminal(StringIO):
    def isatty(self):
        return True


def run(*args, stdout=None) -> str:
    out = stdout if stdout is not None else StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def always_draw(monkeypatch):
    monkeypatch.setattr(progress_module, "INTERVAL_SECONDS", 0)


def test_bar_on_a_terminal(always_draw):
    out = Terminal()
    bar = Progress(out, total=4, label="Checking", unit="rows")
    bar.advance(note="0 bad")
    bar.advance(3, note="1 bad")
    bar.done()
    text = out.getvalue()
    assert text.startswith("\rChecking [")
    assert "25% 1/4 rows" in text and "100% 4/4 rows" in text and "1 bad" in text
    assert text.endswith("\n")


def test_bar_without_a_total_counts(always_draw):
    out = Terminal()
    bar = Progress(out, label="Reading")
    bar.update(12)
    bar.done()
    assert "\rReading 12 " in out.getvalue()


def test_nothing_drawn_off_a_terminal(always_draw):
    out = StringIO()
    bar = Progress(out, total=10)
    bar.advance(5)
    bar.write("a report line")
    bar.done()
    assert out.getvalue() == "a report line\n"


def test_report_lines_clear_the_bar(always_draw):
    out = Terminal()
    bar = Progress(out, total=2, label="Checking")
    bar.advance()
    bar.write("  problem")
    text = out.getvalue()
    assert "\r  problem\n" in text.replace(" " * 10, "")
    assert text.rstrip().endswith("/s")  # drawn again below the report line


def test_import_prints_only_the_summary_off_a_terminal(tmp_path, db):
    path = tmp_path / "urls.txt"
    path.write_text("".join(f"https://a.example.com/p{i}\n" for i in range(2500)))
    out = run("import_pages", str(path))
    assert out == (
        f"Imported {path}: 2500 pages created, 0 already present, 0 invalid, 0 duplicate lines.\n"
    )


def test_import_draws_a_bar_on_a_terminal(tmp_path, db, always_draw):
    path = tmp_path / "urls.txt"
    path.write_text("".join(f"https://a.example.com/p{i}\n" for i in range(2500)))
    out = run("import_pages", str(path), stdout=Terminal())
    assert "1000/2500 lines" in out and "100% 2500/2500 lines" in out
    assert out.endswith("2500 pages created, 0 already present, 0 invalid, 0 duplicate lines.\n")


def test_requeue_prints_only_the_summary_off_a_terminal(make_pages):
    make_pages(3, curation_status="Selected", processing_status="Error")
    out = run("requeue_pages", "--errors")
    assert out == "Errors (Selected, ended in Error): 3 pages updated, 3 queued for processing.\n"
    assert Page.objects.filter(processing_status="Queued").count() == 3


def test_requeue_draws_a_bar_on_a_terminal(make_pages, monkeypatch, always_draw):
    monkeypatch.setattr("curation.management.commands.requeue_pages.CHUNK", 2)
    make_pages(3, curation_status="Selected")
    out = run("requeue_pages", "--orphaned", stdout=Terminal())
    assert "2/3 pages" in out and "3/3 pages" in out and "3 queued" in out
    assert out.endswith(
        "Orphaned (Selected, never queued): 3 pages updated, 3 queued for processing.\n"
    )


def test_verify_prints_only_the_summary_off_a_terminal(domain):
    for i in range(3):
        Contact.objects.create(domain=domain, email=f"jane{i}@acmewidgets.de")
    out = run("verify_contacts")
    assert out == (
        "Checked 3 contacts: 0 invalid, 0 with an invalid phone beside a valid email. "
        "Nothing changed (use --fix to delete or clean them).\n"
    )


def test_verify_draws_a_bar_on_a_terminal(domain, always_draw):
    Contact.objects.create(domain=domain, email="jane@acmewidgets.de")
    Contact.objects.create(domain=domain, email="logo@2x.png")
    out = run("verify_contacts", stdout=Terminal())
    assert "2/2 contacts" in out and "logo@2x.png" in out
    assert out.rstrip().endswith("Nothing changed (use --fix to delete or clean them).")
