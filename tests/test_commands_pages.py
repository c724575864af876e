"""import_pages and remove_pages."""

import io
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from contacts.models import Contact
from pages.models import Domain, Page


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- import_pages --------------------------------------------------------------------------


def test_import_plain_list(tmp_path, db):
    path = tmp_path / "urls.txt"
    path.write_text(
        "\ufeff# exported from the CRM\n"
        "https://Firm.example.org/contact#form\n"
        "\n"
        "https://firm.example.org/contact\n"
        "ftp://firm.example.org/\n"
        "team.example.com/about\n",
        encoding="utf-8",
    )
    out, err = run("import_pages", str(path))
    assert out.strip() == (
        f"Imported {path}: 2 pages created, 0 already present, 1 invalid, 1 duplicate lines."
    )
    assert "line 5: only http and https URLs" in err
    assert set(Page.objects.values_list("url", flat=True)) == {
        "https://firm.example.org/contact",
        "https://team.example.com/about",
    }
    assert set(Page.objects.values_list("source", "processing_status")) == {("import", None)}
    assert Domain.objects.count() == 2

    out, _ = run("import_pages", str(path), "--source", "manual")
    assert "0 pages created, 2 already present" in out


def test_import_csv_with_url_column_and_select(tmp_path, db):
    path = tmp_path / "pages.csv"
    path.write_text(
        'name,URL\n"Firm, Inc.",https://firm.example.org/team\nBad,not a url\n,\n'
        "Other,https://other.example.org/\n",
        encoding="utf-8",
    )
    out, err = run("import_pages", str(path), "--select")
    assert "2 pages created" in out and "2 queued for extraction" in out
    assert "line 3:" in err
    assert set(Page.objects.values_list("curation_status", "processing_status")) == {
        ("Selected", "Queued")
    }


def test_import_from_stdin(monkeypatch, db):
    stdin = io.TextIOWrapper(io.BytesIO(b"https://a.example.com/\nhttps://b.example.com/\n"))
    monkeypatch.setattr(sys, "stdin", stdin)
    out, _ = run("import_pages", "-")
    assert "Imported standard input: 2 pages created" in out


def test_import_in_chunks(tmp_path, db, monkeypatch):
    from pages.management.commands import import_pages

    monkeypatch.setattr(import_pages, "CHUNK", 3)
    path = tmp_path / "urls.txt"
    path.write_text("".join(f"https://a.example.com/{i % 7}\n" for i in range(20)))
    out, _ = run("import_pages", str(path))
    assert "7 pages created, 0 already present, 0 invalid, 13 duplicate lines" in out


def test_import_missing_file(db):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_pages", "/nonexistent/urls.txt")


# --- remove_pages --------------------------------------------------------------------------


@pytest.fixture
def site(make_pages, domain):
    pages = make_pages(3)
    Contact.objects.create(domain=domain, page=pages[0], email="jane@firm.example.org")
    other = Domain.objects.create(name="other.example.net")
    Page.objects.create(url="https://other.example.net/", domain=other)
    return domain


def test_remove_dry_run_changes_nothing(site):
    out, _ = run("remove_pages", "--domain", "FIRM.example.org", "--dry-run")
    assert "firm.example.org: 3 pages (3 never queued)" in out
    assert "would delete 3 pages" in out
    assert Page.objects.count() == 4


def test_remove_with_yes(site):
    out, _ = run("remove_pages", "--domain", site.name, "--yes")
    assert "Deleted 3 pages of firm.example.org." in out
    assert list(Page.objects.values_list("domain__name", flat=True)) == ["other.example.net"]
    contact = Contact.objects.get()
    assert contact.page is None and contact.domain == site


def test_remove_asks_on_a_terminal(site, monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    out, _ = run("remove_pages", "--domain", site.name)
    assert "Cancelled; nothing changed." in out
    assert Page.objects.count() == 4
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    out, _ = run("remove_pages", "--domain", site.name)
    assert Page.objects.count() == 1


def test_remove_refuses_without_a_terminal_or_yes(site, monkeypatch):
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    with pytest.raises(CommandError, match="--yes"):
        run("remove_pages", "--domain", site.name)
    assert Page.objects.count() == 4


def test_remove_unknown_domain(db):
    with pytest.raises(CommandError, match="No domain"):
        run("remove_pages", "--domain", "nowhere.example.com", "--yes")


def test_import_shows_progress_on_a_terminal(tmp_path, db):
    class Terminal(StringIO):
        def isatty(self):
            return True

    path = tmp_path / "urls.txt"
    path.write_text("https://a.example.com/\n")
    out = Terminal()
    call_command("import_pages", str(path), stdout=out, stderr=StringIO())
    assert "\rImporting [" in out.getvalue()
    assert "100% 1/1 lines" in out.getvalue()
    assert "1 created, 0 existing, 0 invalid" in out.getvalue()
    assert (
        out.getvalue()
        .rstrip()
        .endswith("1 pages created, 0 already present, 0 invalid, 0 duplicate lines.")
    )
