"""manage.py extract_html: saved HTML files in, one line of JSON (or a table) out; no database."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

PAGE = (
    "<html><head><title>Team</title></head><body><div class='card'><h3>Runa Dahl</h3>"
    "<a href='mailto:runa@saltmarsh.no'>runa@saltmarsh.no</a> <a href='tel:+4722334455'>Call</a>"
    "</div><a href='https://www.instagram.com/saltmarsh/'>Instagram</a></body></html>"
)


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("extract_html", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_line_per_file_with_url_from_sibling_label(tmp_path):
    page = tmp_path / "team.html"
    page.write_text(PAGE, encoding="utf-8")
    (tmp_path / "team.json").write_text(json.dumps({"url": "https://www.saltmarsh.no/team"}))
    out, _ = run(str(page), "--json")
    lines = out.strip().splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data == {
        "file": str(page),
        "url": "https://www.saltmarsh.no/team",
        "emails": ["runa@saltmarsh.no"],
        "phones": ["+4722334455"],
        "names": {"runa@saltmarsh.no": "Runa Dahl"},
        "social": ["https://www.instagram.com/saltmarsh"],
        "contacts": [
            {
                "email": "runa@saltmarsh.no",
                "phone": "+4722334455",
                "name": "Runa Dahl",
                "email_type": "CORPORATE",
                "source": "mailto",
            }
        ],
    }


def test_url_option_wins_and_many_files_in_one_run(tmp_path):
    paths = []
    for index in range(120):
        page = tmp_path / f"p{index}.html"
        page.write_text(PAGE, encoding="utf-8")
        paths.append(str(page))
    out, _ = run(*paths, "--url", "https://elsewhere.example.net/", "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 120
    assert {row["url"] for row in rows} == {"https://elsewhere.example.net/"}
    assert rows[0]["contacts"][0]["email_type"] == "UNKNOWN"


def test_unreadable_file_is_reported_and_the_rest_still_processed(tmp_path):
    good = tmp_path / "good.html"
    good.write_text(PAGE, encoding="utf-8")
    missing = tmp_path / "missing.html"
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 of 2 files"):
        call_command("extract_html", str(missing), str(good), "--json", stdout=out, stderr=err)
    assert "missing.html: cannot read the file" in err.getvalue()
    assert json.loads(out.getvalue())["emails"] == ["runa@saltmarsh.no"]


def test_table_without_json(tmp_path):
    page = tmp_path / "team.html"
    page.write_text(PAGE, encoding="utf-8")
    out, _ = run(str(page), "--url", "https://www.saltmarsh.no/")
    assert "1 emails, 1 phones" in out
    assert "runa@saltmarsh.no" in out and "Runa Dahl" in out and "CORPORATE" in out
