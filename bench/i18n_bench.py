"""Issue 18's benchmark: switching language costs nothing measurable.

1. Pages: the home page and list pages, anonymous, through Django's test Client (every middleware, the
   template, the per-language menu cache), English at ``/…`` and Arabic at ``/ar/…``. The two languages
   are interleaved: each round asks every page ``--requests`` times in one language then the other, the
   order swapped every round, so the load of this shared machine falls on both alike. Goal: Arabic reaches
   ≥ 0.95× the English requests/s (total requests / total time of each language over all rounds).
2. PDF: a ~100-page report written in English exported in English, and one written in Arabic (the same
   sentences: the msgids of the interface's catalogue and their Arabic msgstrs) exported in Arabic
   (right to left, shaped by Noto Sans Arabic), each through the worker's path
   (``services.report_file_get`` queues it, ``services.report_file_make`` makes it, as the worker does),
   interleaved and swapped each round. The paragraph count of each is first calibrated so that each PDF
   has 100 pages. Goal: Arabic ≤ 1.2× the English time (medians).

Usage (PostgreSQL, its own database, kept between runs; the demo data is loaded when missing):
    runuser -u postgres -- createdb -O tutela tutela_exports      # once
    TUTELA_TASKS=db DATABASE_URL=postgres://tutela:tutela@127.0.0.1:5432/tutela_exports DEBUG=0 LOG_LEVEL=WARNING \\
      .venv/bin/python bench/i18n_bench.py --rounds 5 --requests 20 --pdf-rounds 3

Prints one JSON object. Never a test.
"""

import argparse
import gettext
import json
import statistics
import sys
import time
from datetime import date

import common

common.setup(test_environment=True)

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from tutela.initiatives.models import Initiative  # noqa: E402
from tutela.reports import services  # noqa: E402
from tutela.reports.models import Report, ReportFile, ReportParagraph  # noqa: E402

PAGES = ["/", "/activities/", "/reports/", "/library/", "/partners/", "/consultations/"]


def ensure_data() -> None:
    if not Initiative.objects.exists():
        with open("/dev/null", "w") as quiet:
            call_command("load_demo", stdout=quiet)


def pages_bench(rounds: int, requests: int) -> dict:
    client = Client()
    pages = [p for p in PAGES if client.get(p).status_code == 200]
    for page in pages:  # warm both languages' caches
        assert client.get(f"/ar{page}").status_code == 200, page
    spent = {"en": 0.0, "ar": 0.0}
    for r in range(rounds):
        for language in (("en", "ar") if r % 2 == 0 else ("ar", "en")):
            prefix = "" if language == "en" else "/ar"
            start = time.perf_counter()
            for page in pages:
                for _ in range(requests):
                    client.get(prefix + page)
            spent[language] += time.perf_counter() - start
    total = rounds * requests * len(pages)
    rps = {language: round(total / seconds, 1) for language, seconds in spent.items()}
    return {"pages": pages, "requests_each_language": total, "requests_per_s": rps,
            "ratio_ar_to_en": round(rps["ar"] / rps["en"], 3)}


def sentences() -> list[tuple[str, str]]:
    """The interface's messages with their Arabic translation: the same sentences in both languages."""
    with open(common.ROOT / "locale/ar/LC_MESSAGES/django.mo", "rb") as compiled:  # compilemessages makes it
        catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    return sorted((msgid, msgstr) for msgid, msgstr in catalogue.items()
                  if isinstance(msgid, str) and msgstr and len(msgid) > 40 and "%" not in msgid and "{" not in msgid
                  and "\x04" not in msgid)


def bench_report(title: str, language: str, texts: list[str], count: int) -> Report:
    """A report of ``count`` paragraphs (an editor's, ten sentences each), its PDF files dropped."""
    user = get_user_model().objects.get(email="secretariat@tutela.test")
    report = Report.objects.filter(title=title).first()
    if report is None:
        report = Report.objects.create(title=title, initiative=Initiative.objects.first(), language=language,
                                       period_start=date(2024, 1, 1), period_end=date(2024, 12, 31), created_by=user)
    if report.paragraphs.count() != count:
        report.paragraphs.all().delete()
        ReportParagraph.objects.bulk_create([
            ReportParagraph(report=report, order=i + 1, origin=ReportParagraph.Origin.FREE, is_edited=True,
                            edited_text=" ".join(texts[(i * 10 + k) % len(texts)] for k in range(10)))
            for i in range(count)], batch_size=1000)
    return report


def make_pdf(report: Report, language: str) -> tuple[float, int]:
    """The worker's path, timed: request the file (queued: the report is long), then make it."""
    user = get_user_model().objects.get(email="secretariat@tutela.test")
    report.files.all().delete()
    start = time.perf_counter()
    file = services.report_file_get(actor=user, report=report, fmt="pdf", language=language)
    assert isinstance(file, ReportFile) and file.language == language
    services.report_file_make(file_id=file.pk)
    seconds = time.perf_counter() - start
    file.refresh_from_db()
    assert file.status == ReportFile.Status.DONE, file.error
    return seconds, file.pages or 0


def pdf_bench(rounds: int, pages_wanted: int) -> dict:
    pairs = sentences()
    reports, counts, calibration = {}, {}, {}
    for language, texts in (("en", [en for en, _ar in pairs]), ("ar", [ar for _en, ar in pairs])):
        count = 300
        for _ in range(3):  # calibrate: the paragraph count that fills pages_wanted pages
            report = bench_report(f"i18n bench {language}", language, texts, count)
            _seconds, pages = make_pdf(report, language)
            calibration.setdefault(language, []).append((count, pages))
            if pages == pages_wanted:
                break
            count = max(1, round(count * pages_wanted / pages))
        reports[language], counts[language] = bench_report(f"i18n bench {language}", language, texts, count), count
    times: dict[str, list[float]] = {"en": [], "ar": []}
    pages: dict[str, int] = {}
    for r in range(rounds):
        for language in (("en", "ar") if r % 2 == 0 else ("ar", "en")):
            seconds, pages[language] = make_pdf(reports[language], language)
            times[language].append(round(seconds, 2))
    medians = {language: round(statistics.median(t), 2) for language, t in times.items()}
    return {"paragraphs": counts, "pages": pages, "calibration": calibration, "seconds": times,
            "median_s": medians, "ratio_ar_to_en": round(medians["ar"] / medians["en"], 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--pdf-rounds", type=int, default=3)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--skip", choices=["pages", "pdf"], default=None)
    args = parser.parse_args()
    ensure_data()
    result: dict = {"load_before": common.load()}
    if args.skip != "pages":
        result["pages"] = pages_bench(args.rounds, args.requests)
        print(json.dumps(result["pages"]), file=sys.stderr)
        result["load_after_pages"] = common.load()
    if args.skip != "pdf":
        result["pdf"] = pdf_bench(args.pdf_rounds, args.pages)
    result["load_after"] = common.load()
    json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
    print()


if __name__ == "__main__":
    main()
