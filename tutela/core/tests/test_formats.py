"""Localised formats (issue 18 item 8): one date style per language across the site, numbers and plurals
following the language, meeting numbers without English suffixes outside English."""

import re
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation

from tutela.activities.models import Activity
from tutela.activities.services import activity_create
from tutela.coordination.models import ordinal_label
from tutela.initiatives.models import Pillar

DAY = date(2026, 12, 6)
STYLE = {  # the one date style of each language, and its date-and-time
    "en": ("6 December 2026", "6 December 2026, 14:05"),
    "fr": ("6 décembre 2026", "6 décembre 2026 14:05"),
    "ar": ("6 ديسمبر 2026", "6 ديسمبر 2026، 14:05"),
    "zh-hans": ("2026年12月6日", "2026年12月6日 14:05"),
    "es": ("6 de diciembre de 2026", "6 de diciembre de 2026 a las 14:05"),
    "ru": ("6 декабря 2026 г.", "6 декабря 2026 г. 14:05"),
}


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_each_language_has_one_date_style_short_or_long(language):
    moment = datetime(2026, 12, 6, 14, 5)
    with translation.override(language):
        day, day_and_time = STYLE[language]
        assert formats.date_format(DAY, "DATE_FORMAT") == formats.date_format(DAY, "SHORT_DATE_FORMAT") == day
        assert formats.date_format(moment, "DATETIME_FORMAT") == day_and_time
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == day_and_time
        assert formats.date_format(moment, "TIME_FORMAT") == "14:05"  # a 24-hour clock everywhere


# Formats a template may still write by hand: machine ones (attributes, inputs, file names) and calendar parts.
MACHINE_OR_PARTS = {"c", "Y-m-d", "Y-m", "U", "D", "j", "l", "e", "F, l"}


def test_templates_write_dates_through_the_named_formats_only():
    root = Path(settings.BASE_DIR)
    wrong = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("tutela/**/templates/**/*.html")]:
        for fmt in re.findall(r"""\|date:["']([^"']*)["']""", path.read_text()):
            if not fmt.endswith("_FORMAT") and fmt not in MACHINE_OR_PARTS:
                wrong.append(f"{path.relative_to(root)}: {fmt}")
    assert not wrong, wrong


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "ar", "zh-hans"])
def test_a_page_shows_its_dates_in_its_language_style(client, secretariat_org, language):
    activity = activity_create(actor=None, title="Regional workshop", kind=Activity.Kind.WORKSHOP, status="held",
                               starts_on=DAY, pillars=list(Pillar.objects.all()[:1]),
                               partners=[(secretariat_org, "organiser")])
    with translation.override(language):
        url = reverse("activities:activity_detail", args=[activity.pk])
    page = client.get(url).content.decode()
    assert STYLE[language][0] in page
    assert "Dec. 6, 2026" not in page and "12/06/2026" not in page


@pytest.mark.parametrize(("language", "number"), [("en", "12,345"), ("fr", "12\xa0345"), ("ar", "12.345"),
                                                  ("zh-hans", "12345")])
def test_numbers_shown_to_people_follow_the_language(language, number):
    with translation.override(language):
        assert formats.number_format(12345, force_grouping=True) == number


def test_meeting_numbers_have_english_suffixes_in_english_only():
    with translation.override("en"):
        assert [ordinal_label(n) for n in (1, 2, 3, 4, 11, 12, 22)] == ["1st", "2nd", "3rd", "4th", "11th", "12th",
                                                                       "22nd"]
    for language in ("fr", "ar", "zh-hans", "ru"):
        with translation.override(language):
            label = ordinal_label(7)
            assert "7" in label and not re.search(r"7(st|nd|rd|th)\b", label), (language, label)
