"""Speed of contacts.extract: median and p95 CPU milliseconds per page, single core.

    python bench/extract_speed.py [CORPUS_DIR] [--repeat N]

Measures every page of the corpus and a synthetic ~60 KB staff page (a 12-person table among
the navigation, prose, prices, dates and scripts a real page carries), which it generates.
"""

import json
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from contacts.extract import extract  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/corpus"


# Name pools large enough that no two of the page variants share their staff addresses, so the
# extractor's per-address caches never help the measurement.
def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "Avery Blake Casey Devon Emery Finley Harper Jordan Kendall Logan Morgan Parker Quinn Reese "
    "Sawyer Tatum Rowan Sage Marlow Ellis Hollis Jules Noa Oakley Briar Corin Dara Eden Fallon "
    "Greer Hayden Indra Jessa Kit Lane Mika Nico Onyx Perrin Remy"
)
LAST = _words(
    "Ashdown Brennan Castillo Dunmore Ellery Fairweather Garrison Holt Ingram Jessup Kimura "
    "Lindqvist Moreau Nakagawa Okafor Pellegrini Quist Rasmussen Santoro Thibault Underwood "
    "Varga Whitcombe Yamada Abernathy Bellamy Carrow Devlin Eastwood Farrier Galloway Hartigan "
    "Iverson Jansen Kowalski Lachance Mendez Norquist Oyelaran Prescott"
)
ROLES = ["Partner", "Associate", "Paralegal", "Office Manager", "Senior Counsel", "Legal Assistant"]


def synthetic_page(target_bytes: int = 60_000, seed: int = 7) -> str:
    """A law firm's people page: the staff table amid the markup, prose and numbers of a page."""
    rng = random.Random(seed)
    firsts, lasts = rng.sample(FIRST, 12), rng.sample(LAST, 12)
    rows = []
    for i in range(12):
        first, last = firsts[i], lasts[i]
        slug = f"{first.lower()}-{last.lower()}"
        mailbox = f"{first[0].lower()}{last.lower()}{seed}@ashdownlaw.com"
        area = rng.choice(["312", "415", "617", "212", "206"])
        phone = f"({area}) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}"
        rows.append(
            f'<tr class="staff-row"><td class="photo"><img src="/img/people/{slug}.jpg" '
            f'srcset="/img/people/{slug}@2x.jpg 2x" alt="" width="64" height="64" loading="lazy">'
            f'</td><td class="name"><a href="/people/{slug}/">{first} {last}</a></td>'
            f'<td class="title">{rng.choice(ROLES)}</td><td class="phone"><a href="tel:{phone}">'
            f'{phone}</a> ext. {rng.randint(100, 999)}</td><td class="email">'
            f'<a href="mailto:{mailbox}">{mailbox}</a></td><td class="social"><a '
            f'href="https://www.linkedin.com/in/{slug}-{rng.randint(100, 999)}/" aria-label='
            f'"LinkedIn"><svg viewBox="0 0 24 24" width="16" height="16"><path d="M4 4h16v16H4z'
            f'M8 10v6M12 10v6"/></svg></a></td></tr>'
        )
    nav = "".join(
        f'<li class="menu-item"><a class="menu-link" href="/practice-areas/area-{i}/">'
        f"Practice area {i}</a></li>"
        for i in range(40)
    )
    css = "".join(
        f".c{i} {{ margin: {i % 7}px; padding: .{i % 9}rem; }}\n@media (min-width: {600 + i}px)"
        f" {{ .c{i} {{ display: none; }} }}\n"
        for i in range(60)
    )
    cards = []
    while True:
        n = len(cards)
        cards.append(
            f'<article class="news-card"><a class="news-card__image" href="/news/item-{n}/">'
            f'<img src="/img/news/{n}.webp" srcset="/img/news/{n}@2x.webp 2x" alt="" width="320"'
            f' height="180" loading="lazy"></a><div class="news-card__body"><p class="meta">'
            f'<time datetime="2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}">'
            f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/2024</time> · {rng.randint(2, 9)} min read"
            f'</p><h3><a href="/news/item-{n}/">The firm advises on a '
            f"${rng.randint(2, 90)}.{rng.randint(1, 9)} million financing</a></h3><p>Our team "
            f"closed matter {rng.randint(10, 99)}-{rng.randint(1000, 9999)} for a client in "
            f"Chicago, IL 60601-{rng.randint(1000, 9999)}, after {rng.randint(2, 40)} weeks of "
            "negotiation. The deal shows how lenders and borrowers are adapting to higher rates "
            "and tighter covenants across the Midwest.</p></div></article>"
        )
        page = _page(css, nav, rows, cards)
        if len(page.encode()) >= target_bytes:
            return page


def _page(css: str, nav: str, rows: list[str], cards: list[str]) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Our People | '
        f"Ashdown Law</title><style>{css}</style>"
        '<script type="application/ld+json">{"@context":"https://schema.org","@type":"LegalService",'
        '"name":"Ashdown Law","telephone":"+1-312-782-0100","email":"info@ashdownlaw.com"}</script>'
        '</head><body><header class="site-header"><div class="container"><a class="logo" href="/">'
        '<img src="/img/logo.svg" srcset="/img/logo@2x.png 2x" alt="Ashdown Law"></a><nav><ul>'
        f'{nav}</ul></nav></div></header><main><section class="hero"><h1>Our people</h1><p>'
        "Forty lawyers in three offices, founded in 1987.</p></section>"
        '<section class="people"><table class="staff"><thead><tr><th></th><th>Name</th>'
        "<th>Title</th><th>Phone</th><th>Email</th><th></th></tr></thead><tbody>"
        f'{"".join(rows)}</tbody></table></section><section class="news"><h2>News</h2>'
        f'<div class="news-grid">{"".join(cards)}</div></section></main>'
        '<footer class="site-footer"><p>Ashdown Law · 200 W Madison St, Suite 1400, Chicago, '
        'IL 60606 · <a href="tel:+13127820199">(312) 782-0199</a> · <a href="mailto:info@'
        'ashdownlaw.com">info@ashdownlaw.com</a></p><p><a href="https://www.linkedin.com/'
        'company/ashdown-law">LinkedIn</a> · <a href="https://twitter.com/intent/tweet?url=x">'
        "Share</a></p><p>&copy; 1987-2024 Ashdown Law LLP</p>"
        '<script>window.__CONFIG__={"sentry":"https://0123456789abcdef0123456789abcdef@o1.ingest'
        '.sentry.io/1","release":"web@3.2.1"};</script></footer></body></html>'
    )


def timings(pages: list[bytes], url: str, repeat: int) -> list[float]:
    """CPU milliseconds per extraction, cycling through the pages (so caches never hold a page)."""
    extract(pages[0], url)  # import-time work and compiled patterns, as a running worker has them
    result = []
    for index in range(repeat):
        html = pages[index % len(pages)]
        # CPU time of this process: other work on the machine does not inflate it.
        start = time.process_time()
        extract(html, url)
        result.append((time.process_time() - start) * 1000)
    return result


def summary(label: str, values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"{label:28} median {statistics.median(values):6.2f} ms   p95 {p95:6.2f} ms"


def main(argv: list[str]) -> int:
    repeat = 200
    if "--repeat" in argv:
        repeat = int(argv[argv.index("--repeat") + 1])
        argv = [a for i, a in enumerate(argv) if a != "--repeat" and argv[i - 1] != "--repeat"]
    corpus = Path(argv[0]) if argv else DEFAULT_CORPUS

    # Variants (other people, numbers, dates) of the same ~60 KB page, each measured once.
    pages = [synthetic_page(seed=seed).encode() for seed in range(repeat)]
    synthetic = timings(pages, "https://www.ashdownlaw.com/people/", repeat)
    print(summary(f"synthetic page ({len(pages[0]) // 1000} KB)", synthetic))

    if corpus.is_dir():
        per_page = []
        for html_path in sorted(corpus.glob("*.html")):
            label = html_path.with_suffix(".json")
            url = json.loads(label.read_text())["url"] if label.exists() else ""
            per_page.extend(timings([html_path.read_bytes()], url, max(5, repeat // 10)))
        print(summary(f"corpus ({len(list(corpus.glob('*.html')))} pages)", per_page))
    else:
        print(f"no corpus at {corpus}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
