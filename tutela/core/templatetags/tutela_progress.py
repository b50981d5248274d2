"""``{% file_import_progress job as progress %}``: a file import's live progress for components/progress.html."""

from typing import Any

from django import template

from tutela.core import progress

register = template.Library()


@register.simple_tag
def file_import_progress(job: Any) -> progress.Progress:
    return progress.file_import(job)
