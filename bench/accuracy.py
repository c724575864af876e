"""Accuracy of contacts.extract on a labelled corpus (see the corpus README, "Scoring").

    python bench/accuracy.py [CORPUS_DIR] [--quiet]

Prints each page's misses and false positives, then precision, recall and F1 for emails, phones
and social links, and name accuracy, micro-averaged over all pages.
"""

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from contacts.extract import extract  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared/corpus"
_EXTENSION = re.compile(r"(?i)(?:ext\.?|extension|x|#|;|,).*$")


def normalise_phone(phone: str) -> str:
    phone = _EXTENSION.sub("", phone.strip())
    digits = "".join(c for c in phone if c.isdigit())
    if phone.lstrip().startswith("+"):
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return "+" + digits if digits else ""


def normalise_social(link: str) -> str:
    link = link.strip().split("#", 1)[0].split("?", 1)[0].rstrip("/")
    if link.startswith("//"):
        link = "https:" + link
    if link.lower().startswith("http://"):
        link = "https://" + link[7:]
    return link.lower()


def normalise_name(name: str) -> str:
    return " ".join(name.split()).lower()


@dataclass
class Tally:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    def add(self, predicted: set[str], expected: set[str]) -> tuple[set[str], set[str]]:
        missed = expected - predicted
        extra = predicted - expected
        self.true_positives += len(expected & predicted)
        self.false_positives += len(extra)
        self.false_negatives += len(missed)
        return missed, extra

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    emails: Tally = field(default_factory=Tally)
    phones: Tally = field(default_factory=Tally)
    social: Tally = field(default_factory=Tally)
    names_right: int = 0
    names_labelled: int = 0
    pages: int = 0

    @property
    def name_accuracy(self) -> float:
        return self.names_right / self.names_labelled if self.names_labelled else 1.0


def score_page(html: bytes, label: dict, score: Score) -> list[str]:
    """Adds one page to the score; returns lines describing its errors."""
    result = extract(html, label.get("url", ""))
    problems = []

    optional_emails = {e.lower() for e in label.get("optional_emails", [])}
    predicted = {e.lower() for e in result.emails} - optional_emails
    missed, extra = score.emails.add(predicted, {e.lower() for e in label.get("emails", [])})
    problems += [f"  email missed  {e}" for e in sorted(missed)]
    problems += [f"  email extra   {e}" for e in sorted(extra)]

    optional_phones = {normalise_phone(p) for p in label.get("optional_phones", [])}
    predicted = {normalise_phone(p) for p in result.phones} - optional_phones - {""}
    missed, extra = score.phones.add(
        predicted, {normalise_phone(p) for p in label.get("phones", [])}
    )
    problems += [f"  phone missed  {p}" for p in sorted(missed)]
    problems += [f"  phone extra   {p}" for p in sorted(extra)]

    predicted = {normalise_social(s) for s in result.social}
    missed, extra = score.social.add(
        predicted, {normalise_social(s) for s in label.get("social", [])}
    )
    problems += [f"  social missed {s}" for s in sorted(missed)]
    problems += [f"  social extra  {s}" for s in sorted(extra)]

    predicted_names = {e.lower(): n for e, n in result.names.items()}
    for email, name in label.get("names", {}).items():
        score.names_labelled += 1
        got = predicted_names.get(email.lower(), "")
        if normalise_name(got) == normalise_name(name):
            score.names_right += 1
        else:
            problems.append(f"  name wrong    {email}: want {name!r}, got {got!r}")
    score.pages += 1
    return problems


def run(corpus: Path, quiet: bool = False) -> Score:
    score = Score()
    for label_path in sorted(corpus.glob("*.json")):
        html_path = label_path.with_suffix(".html")
        if not html_path.exists():
            continue
        label = json.loads(label_path.read_text(encoding="utf-8"))
        problems = score_page(html_path.read_bytes(), label, score)
        if problems and not quiet:
            print(html_path.name)
            print("\n".join(problems))
    return score


def report(score: Score) -> str:
    lines = [f"pages: {score.pages}", f"{'':8} {'precision':>9} {'recall':>7} {'F1':>7}"]
    for kind in ("emails", "phones", "social"):
        tally: Tally = getattr(score, kind)
        lines.append(f"{kind:8} {tally.precision:9.3f} {tally.recall:7.3f} {tally.f1:7.3f}")
    lines.append(
        f"names    accuracy {score.name_accuracy:.3f} ({score.names_right}/{score.names_labelled})"
    )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    corpus = Path(args[0]) if args else DEFAULT_CORPUS
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2
    score = run(corpus, quiet="--quiet" in argv)
    print(report(score))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
