import csv
import io
import sys
from collections.abc import Iterator

from django.core.management.base import BaseCommand, CommandError

from curation.progress import Progress
from pages.api import create_pages, normalise_urls, select_pages
from pages.models import PageSource

CHUNK = 1000


def read_lines(stream: io.TextIOBase) -> Iterator[tuple[int, str]]:
    """(line number, URL) from a plain list (one URL a line) or a CSV file with a `url` column.

    Blank lines and lines starting with # are skipped.
    """
    lines = iter(enumerate(stream, start=1))
    for number, line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            first = (number, line)
            break
    else:
        return
    header = next(csv.reader([first[1]]))
    columns = [c.strip().lower() for c in header]
    if "url" not in columns:
        yield first[0], first[1].strip()
        for number, line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                yield number, line.strip()
        return
    position = columns.index("url")
    # The csv module counts physical lines itself, so a quoted newline keeps numbers right.
    rest = (line for _, line in lines)
    reader = csv.reader(rest)
    for row in reader:
        if row and any(cell.strip() for cell in row):
            yield first[0] + reader.line_num, row[position].strip() if position < len(row) else ""


class Command(BaseCommand):
    help = (
        "Add pages from a file of URLs (one per line, or a CSV with a `url` column; `-` reads "
        "standard input). URLs are normalised and deduplicated; invalid lines are reported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A file path, or - for standard input.")
        parser.add_argument("--select", action="store_true", help="Select the new pages.")
        parser.add_argument(
            "--source",
            default=PageSource.IMPORT,
            choices=PageSource.values,
            help="Where the pages came from (default import).",
        )

    def handle(self, *args, file: str, select: bool, source: str, **options):
        if file == "-":
            stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="replace")
            self.import_stream(stream, "standard input", select, source)
            return
        try:
            with open(file, "rb") as raw:
                total = sum(1 for _ in raw)
            with open(file, encoding="utf-8-sig", errors="replace", newline="") as stream:
                self.import_stream(stream, file, select, source, total)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None

    def import_stream(
        self, stream, name: str, select: bool, source: str, total: int | None = None
    ) -> None:
        # Counts physical lines read, so the bar reaches its end on a file with comments.
        progress = Progress(self.stdout, total=total, label="Importing", unit="lines")
        seen: set[str] = set()
        created = existing = invalid = duplicates = queued = 0
        batch: list[tuple[int, str]] = []

        def flush() -> None:
            nonlocal created, existing, invalid, duplicates, queued
            numbers = [n for n, _ in batch]
            normalised = normalise_urls([url for _, url in batch], seen)
            if normalised.invalid:
                progress.clear()
            for index, raw, reason in normalised.invalid:
                self.stderr.write(f"line {numbers[index]}: {reason}: {raw[:200]!r}")
            new, known = create_pages(normalised.urls, source)
            if select and new:
                queued += select_pages([p.id for p in new], user=None).queued
            created += len(new)
            existing += len(known)
            invalid += len(normalised.invalid)
            duplicates += normalised.duplicates
            progress.update(last_line, f"{created} created, {existing} existing, {invalid} invalid")
            batch.clear()

        last_line = 0
        for number, url in read_lines(stream):
            last_line = number
            batch.append((number, url))
            if len(batch) >= CHUNK:
                flush()
        if batch:
            flush()
        if total:
            progress.update(total)
        progress.done()
        summary = (
            f"Imported {name}: {created} pages created, {existing} already present, "
            f"{invalid} invalid, {duplicates} duplicate lines"
        )
        if select:
            summary += f"; {queued} queued for extraction"
        self.stdout.write(summary + ".")
