"""The extractor against the labelled corpus (../shared/corpus), scored as its README says."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")


def accuracy_module():
    spec = importlib.util.spec_from_file_location("bench_accuracy", ROOT / "bench" / "accuracy.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_meets_the_targets():
    accuracy = accuracy_module()
    score = accuracy.run(CORPUS, quiet=True)
    assert score.pages >= 1
    assert score.emails.f1 >= 0.97, accuracy.report(score)
    assert score.phones.f1 >= 0.95, accuracy.report(score)
    assert score.social.f1 >= 0.95, accuracy.report(score)
    assert score.name_accuracy >= 0.85, accuracy.report(score)


def test_scoring_normalises_like_the_readme():
    accuracy = accuracy_module()
    assert accuracy.normalise_phone("(212) 867-4411 ext. 204") == "+12128674411"
    assert accuracy.normalise_phone("1-212-867-4411") == "+12128674411"
    assert accuracy.normalise_phone("+44 20 7946 0321") == "+442079460321"
    assert accuracy.normalise_social("http://Twitter.com/Ab/?x=1#y") == "https://twitter.com/ab"
