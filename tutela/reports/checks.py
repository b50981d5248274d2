"""System check: the fonts the PDF is set in are installed (a missing one is an error, not a fallback)."""

import shutil
import subprocess

from django.core import checks

INSTALL = "sudo apt-get install -y fonts-noto-core fonts-noto-cjk"


def missing_fonts(families: tuple[str, ...]) -> list[str]:
    """The families fontconfig does not find: ``fc-match`` answers with another family for them."""
    missing = []
    for family in families:
        found = subprocess.run(["fc-match", "-f", "%{family}", family], capture_output=True, text=True).stdout
        if family.casefold() not in {name.strip().casefold() for name in found.split(",")}:
            missing.append(family)
    return missing


@checks.register()
def pdf_fonts_installed(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from .rendering import pdf_fonts

    families = pdf_fonts()
    if shutil.which("fc-match") is None:
        return [checks.Error("fontconfig's fc-match is not installed, so the report PDF fonts cannot be found.",
                             hint="Install it (Debian: sudo apt-get install -y fontconfig) and the fonts: " + INSTALL,
                             id="reports.E001")]
    missing = missing_fonts(families)
    if missing:
        return [checks.Error(
            f"The font families the report PDFs are set in are not installed: {', '.join(missing)}. Without them "
            "Arabic, Chinese or other text would be set in a fallback font or not at all.",
            hint=f"Install them: {INSTALL} (or set REPORTS_PDF_FONTS to families that are installed).",
            id="reports.E001")]
    return []
