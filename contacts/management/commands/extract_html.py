import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from contacts.extract import Extraction, extract


def label_url(path: Path) -> str:
    """The page address from a sibling NAME.json ({"url": ...}), as the corpus stores it."""
    label = path.with_suffix(".json")
    try:
        data = json.loads(label.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    url = data.get("url") if isinstance(data, dict) else None
    return url if isinstance(url, str) else ""


def result_dict(path: str, url: str, result: Extraction) -> dict:
    return {
        "file": path,
        "url": url,
        "emails": result.emails,
        "phones": result.phones,
        "names": result.names,
        "social": result.social,
        "contacts": [
            {
                "email": c.email,
                "phone": c.phone,
                "name": c.name,
                "email_type": c.email_type,
                "source": c.source,
            }
            for c in result.contacts
        ],
    }


class Command(BaseCommand):
    help = (
        "Extract contacts from saved HTML files, with no database. Each file's page address is "
        "--url, or the 'url' of a sibling NAME.json. Unreadable files are reported on stderr and "
        "make the exit status 1; the other files are still processed."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="HTML files to read.")
        parser.add_argument("--url", help="The address the files were fetched from.")
        parser.add_argument(
            "--json",
            action="store_true",
            dest="json_lines",
            help="One JSON object per file, one per line.",
        )

    def handle(self, *args, files: list[str], url: str | None, json_lines: bool, **options):
        unreadable = 0
        for name in files:
            path = Path(name)
            try:
                html = path.read_bytes()
            except OSError as exc:
                unreadable += 1
                self.stderr.write(f"{name}: cannot read the file ({exc.strerror or exc})")
                continue
            page_url = url if url is not None else label_url(path)
            result = extract(html, page_url)
            if json_lines:
                self.stdout.write(
                    json.dumps(result_dict(name, page_url, result), ensure_ascii=False)
                )
            else:
                self.write_table(name, page_url, result)
        if unreadable:
            raise CommandError(f"{unreadable} of {len(files)} files could not be read.")

    def write_table(self, name: str, url: str, result: Extraction) -> None:
        self.stdout.write(
            f"{name}  {url or '(no url)'}  {len(result.emails)} emails, "
            f"{len(result.phones)} phones, {len(result.social)} social links"
        )
        for c in result.contacts:
            self.stdout.write(
                f"  {c.email or '-':40} {c.phone or '-':16} {c.name or '-':28} "
                f"{c.email_type or '-':9} {c.source}"
            )
        for link in result.social:
            self.stdout.write(f"  {link}")
