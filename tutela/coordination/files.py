"""Checking uploaded documents by their content, not by their name.

A file is accepted only when ``tutela.core.files.sniff`` (its first bytes and, for
Office/OpenDocument files, the entries of its zip container) finds a type we keep, and that type agrees with its extension: a
``.docx`` that is really a PDF, or an ``.exe`` renamed ``.pdf``, is refused with a message
that says what the file really is.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tutela.core.files import LABELS, sniff

ALLOWED_EXTENSIONS = ("pdf", "docx", "xlsx", "pptx", "odt")


def max_bytes() -> int:
    return int(getattr(settings, "COORDINATION_MAX_FILE_BYTES", getattr(settings, "TUTELA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)))


@dataclass
class CheckedFile:
    file_type: str
    size: int
    sha256: str
    original_name: str


def check_upload(upload: Any) -> CheckedFile:
    """Validate an uploaded file (Django ``UploadedFile``). Raises ValidationError({"file": …})."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(e.upper() for e in ALLOWED_EXTENSIONS)
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError({"file": _("“%(name)s” is not a type we keep. Upload one of: %(allowed)s.") % {"name": name, "allowed": allowed}})
    size = upload.size
    if size == 0:
        raise ValidationError({"file": _("“%(name)s” is empty.") % {"name": name}})
    limit = max_bytes()
    if size > limit:
        raise ValidationError({"file": _("“%(name)s” is %(size).1f MB; the limit is %(limit).0f MB.") % {
            "name": name, "size": size / 1048576, "limit": limit / 1048576}})
    stream = upload.file if hasattr(upload, "file") else upload
    actual = sniff(stream)
    if actual is None:
        raise ValidationError({"file": _(
            "“%(name)s” is called .%(ext)s but its content is not a %(label)s file (nor any type we keep). "
            "Save it again as %(label)s and upload that.") % {"name": name, "ext": extension, "label": LABELS[extension]}})
    if actual != extension:
        raise ValidationError({"file": _(
            "“%(name)s” is called .%(ext)s but its content is %(actual)s. Rename it to .%(actual_ext)s or upload the right file.")
            % {"name": name, "ext": extension, "actual": LABELS[actual], "actual_ext": actual}})
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    return CheckedFile(file_type=actual, size=size, sha256=digest.hexdigest(), original_name=name)
