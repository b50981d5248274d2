"""Export responses shared by the web views and the API: streamed CSV, spooled XLSX."""

import itertools
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from tutela.core.access import Actor

from .files import XLSX_MAX_ROWS, FileProblem, csv_stream, xlsx_file
from .kinds import KINDS
from .selectors import EXPORTS

CHUNK = 2000


def export_response(user: Actor, kind: str, fmt: str, params: Any) -> HttpResponseBase:
    """The records of ``kind`` that ``user`` may read, filtered by ``params``, as CSV (streamed) or XLSX."""
    spec = KINDS[kind]
    qs = spec.export_queryset(EXPORTS[kind](user, params))
    header = ["id", *spec.column_names]
    rows = spec.export_rows(user, qs.iterator(chunk_size=CHUNK))
    stamp = timezone.localdate().isoformat()
    filename = f"tutela-{kind}-{stamp}.{fmt}"
    if fmt == "csv":
        # Run the query and write the first rows before answering: once the 200 and the first
        # bytes are sent, an error can only cut the file short (a truncated CSV that looks whole).
        # Filter values are checked before they reach the query (bounded integers, no control
        # characters), and what a row holds is made safe per cell by ``csv_stream``.
        first = list(itertools.islice(rows, CHUNK))
        response = StreamingHttpResponse(csv_stream(header, itertools.chain(first, rows)),
                                         content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    if qs.count() > XLSX_MAX_ROWS:
        raise FileProblem(_("More than %(n)s rows do not fit in one XLSX sheet: export as CSV, or narrow the filters.") % {"n": XLSX_MAX_ROWS})
    return FileResponse(xlsx_file(header, rows, str(spec.label)), as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def template_response(kind: str, fmt: str) -> HttpResponseBase:
    """An empty file with the column names and one example row."""
    spec = KINDS[kind]
    filename = f"tutela-{kind}-template.{fmt}"
    if fmt == "csv":
        body = "".join(csv_stream(spec.column_names, spec.example_rows()))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(xlsx_file(spec.column_names, spec.example_rows(), str(spec.label)), as_attachment=True,
                        filename=filename, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
