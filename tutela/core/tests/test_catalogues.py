"""The interface's gettext catalogues (locale/*/LC_MESSAGES/django.po) compile, and each translation
keeps its message's placeholders (msgfmt --check compares python-format and python-brace-format)."""

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
