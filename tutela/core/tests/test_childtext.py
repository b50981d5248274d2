"""The child-identity detector (core.childtext) measured on a corpus in six languages."""

from collections import Counter
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from tutela.core import childtext

CORPUS = Path(__file__).parent / "data" / "childtext_corpus.tsv"
LANGUAGES = {"en", "fr", "es", "ar", "ru", "zh"}

# The thresholds the detector must keep (docs/reliability.md records the measured figures).
MIN_RECALL = 0.95          # share of positive sentences found, with the right signal
MAX_FALSE_POSITIVE = 0.03  # share of negative sentences wrongly found


def corpus() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        expected, lang, signal, text = line.split("\t")
        rows.append((expected, lang, signal, text))
    return rows


def measure() -> dict:
    rows = corpus()
    positives = [r for r in rows if r[0] == "+"]
    negatives = [r for r in rows if r[0] == "-"]
    missed = [r for r in positives if r[2] not in {f.signal for f in childtext.scan(r[3])}]
    false = [(r, childtext.scan(r[3])) for r in negatives if childtext.scan(r[3])]
    return {
        "positives": len(positives), "negatives": len(negatives), "missed": missed, "false": false,
        "recall": 1 - len(missed) / len(positives), "false_positive_rate": len(false) / len(negatives),
    }


def test_corpus_covers_six_languages_both_ways():
    rows = corpus()
    by = Counter((r[0], r[1]) for r in rows)
    for lang in LANGUAGES:
        assert by["+", lang] >= 5 and by["-", lang] >= 8, lang
    name_age = Counter(r[1] for r in rows if r[2] == "name_age")
    assert all(name_age[lang] >= 5 for lang in LANGUAGES)


def test_recall_and_false_positive_rate_meet_thresholds():
    m = measure()
    print(f"\nchildtext corpus: {m['positives']} positives, recall {m['recall']:.1%}; "
          f"{m['negatives']} negatives, false-positive rate {m['false_positive_rate']:.1%}")
    assert m["recall"] >= MIN_RECALL, m["missed"]
    assert m["false_positive_rate"] <= MAX_FALSE_POSITIVE, m["false"]


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_language_finds_names_with_ages(lang):
    rows = [r for r in corpus() if r[1] == lang and r[2] == "name_age"]
    found = [r for r in rows if any(f.signal == "name_age" for f in childtext.scan(r[3]))]
    assert len(found) >= len(rows) - 1, [r[3] for r in rows if r not in found]


def test_the_issue_sentence_is_found():
    findings = childtext.scan("Two girls took part: Abebe, 11, and Marta (12 years old).")
    assert [f.signal for f in findings] == ["name_age", "name_age"]


def test_policy_rejects_contacts_and_birth_dates_and_flags_names():
    with pytest.raises(ValidationError) as exc:
        childtext.check({"summary": "Pupils may write to club@example.org", "objective": "Born on 3 May 2012."})
    errors = exc.value.message_dict
    assert "club@example.org" in errors["summary"][0] and "remove it" in errors["summary"][0]
    assert "Born on 3 May 2012" in errors["objective"][0]
    flags = childtext.check({"summary": "Marta (12 years old) spoke.", "objective": ""})
    assert [(f.field, f.signal) for f in flags] == [("summary", "name_age")]
    assert childtext.check({"summary": "25 schools in Addis Ababa"}) == []


def test_contacts_and_photos_count_only_in_a_text_about_children():
    assert childtext.scan("Write to cop@itu.int") == []
    assert [f.signal for f in childtext.scan("Write to cop@itu.int", about_children=True)] == ["contact"]
    assert childtext.scan("hall.jpg") == []
    assert [f.signal for f in childtext.scan("class.jpg", about_children=True)] == ["photo"]
