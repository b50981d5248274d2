"""The interface's gettext catalogues (locale/*/LC_MESSAGES/django.po) compile, and each translation
keeps its message's placeholders (msgfmt --check compares python-format and python-brace-format)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def test_every_language_but_english_has_a_catalogue():
    from django.utils.translation import to_locale

    wanted = {to_locale(code) for code, _name in settings.LANGUAGES if code != "en"}
    assert {p.parts[-3] for p in CATALOGUES} == wanted


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-3])
def test_a_catalogue_compiles_with_its_placeholders(catalogue, tmp_path):
    result = subprocess.run(["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(catalogue)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _statistics(catalogue: Path, tmp_path: Path) -> str:
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(catalogue)],
                            capture_output=True, text=True, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return result.stderr.strip()


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_message_of_a_catalogue_is_translated(catalogue, tmp_path):
    """No empty and no fuzzy translation: a page is never half in one language."""
    statistics = _statistics(catalogue, tmp_path)
    assert "untranslated" not in statistics and "fuzzy" not in statistics, f"{catalogue.parts[-3]}: {statistics}"


def test_the_catalogues_hold_every_message_of_the_code(tmp_path):
    """Extract the messages from the code as `makemessages` would (into a copy) and require a translation
    for each: a new or changed string in the code fails here until it is translated (docs/i18n.md)."""
    import sys

    base = Path(settings.BASE_DIR)
    for name in ["tutela", "templates", "config", "locale"]:
        shutil.copytree(base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "tests"))
    shutil.copy(base / "manage.py", tmp_path / "manage.py")
    locales = [p.parts[-3] for p in CATALOGUES]
    command = [sys.executable, "manage.py", "makemessages", "--no-location", "--no-obsolete", "-v", "0"]
    for locale in locales:
        command += ["-l", locale]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    problems = []
    for locale in locales:
        statistics = _statistics(tmp_path / "locale" / locale / "LC_MESSAGES" / "django.po", tmp_path)
        if "untranslated" in statistics or "fuzzy" in statistics:
            problems.append(f"{locale}: {statistics}")
    assert not problems, "Messages in the code without a translation (run makemessages, translate): " + "; ".join(problems)
