"""The three kinds of file: their columns, how a row becomes a service call, how a record becomes a row.

Every row is written by the owning app's service (``organisation_create``, ``activity_create``,
``figure_create``), so an imported row passes exactly the checks, permissions and audit trail a
form or the API would. This module only turns text cells into the values services expect, and
says which column a problem belongs to.
"""

import datetime
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries

from tutela.activities.models import Activity, ActivityPartner, Occasion
from tutela.activities.services import Count, activity_create, activity_translate
from tutela.core import access, disclosure, translations
from tutela.core.access import Actor
from tutela.core.choices import FigureKind, StakeholderGroup
from tutela.core.text import fold
from tutela.figures.disclosure import withhold_figures
from tutela.figures.models import Figure, Indicator
from tutela.figures.services import figure_build, figure_create, figures_insert
from tutela.initiatives.models import Pillar
from tutela.partners.models import Organisation
from tutela.partners.services import organisation_create

LIST_SEPARATOR = ";"
# A column holding a translation: ``title[fr]`` (the header is lower-cased first).
TRANSLATION_COLUMN = re.compile(r"([a-z_]+)\[([a-z-]+)\]")


def translation_columns(fields: tuple[str, ...]) -> list["Column"]:
    """The optional ``field[language]`` columns of a kind's translatable ``fields``, language by language."""
    return [Column(f"{name}[{code}]", False, gettext_lazy("Its translation (secretariat only; optional)."), "")
            for code in translations.languages() for name in fields]


def translation_cells(row: dict, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The translations a row holds, ``{language: {field: text}}`` (empty cells left out)."""
    found: dict[str, dict[str, str]] = {}
    for code in translations.languages():
        for name in fields:
            text = (row.get(f"{name}[{code}]") or "").strip()
            if text:
                found.setdefault(code, {})[name] = text
    return found


def translation_problems(exc: ValidationError, language: str) -> list[tuple[str, str]]:
    """A translation's refusal (``core.translations``), each message on its ``field[language]`` column."""
    if hasattr(exc, "error_dict"):
        return [(f"{k}[{language}]" if k not in ("__all__", "language") else f"[{language}]", str(m))
                for k, msgs in exc.message_dict.items() for m in msgs]
    return [(f"[{language}]", str(m)) for m in exc.messages]


class RowProblems(Exception):
    """One or more problems with a row, each as (column, message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: Any
    example: str = ""


@dataclass
class Context:
    """Per-run state: the acting user and lookups cached across rows (bounded by distinct values)."""

    actor: Actor | None
    organisations: dict[str, Any] = field(default_factory=dict)
    occasions: dict[str, Any] = field(default_factory=dict)
    indicators: dict[str, Any] = field(default_factory=dict)
    pillars: dict[str, Pillar] | None = None
    # Bulk path: activities a batch refers to (loaded once per batch), indicators named by the file.
    activities: dict[str, Any] = field(default_factory=dict)
    new_indicators: dict[str, Indicator] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)  # cell text → fold(text)


# --- Cell parsers: each returns a value or adds (column, message) to ``problems`` ----------------

YES = {"yes", "y", "true", "1", "x", "oui", "sí", "si"}
NO = {"no", "n", "false", "0", ""}


def _text(row: dict, name: str) -> str:
    return row.get(name, "") or ""


def _bool(row: dict, name: str, problems: list, default: bool = False) -> bool:
    value = _text(row, name).lower()
    if value == "":
        return default
    if value in YES:
        return True
    if value in NO:
        return False
    problems.append((name, _("“%(v)s” is not yes or no.") % {"v": row[name]}))
    return default


_CHOICE_MAPS: dict[tuple[Any, str], dict[str, str]] = {}


def _choice_map(choices: Any) -> dict[str, str]:
    """``{key or label, lower-cased: key}`` for a choices class, per language (labels are translated)."""
    cache_key = (choices, get_language() or "")
    mapping = _CHOICE_MAPS.get(cache_key)
    if mapping is None:
        mapping = {}
        for key, label in reversed(choices.choices):  # the first match wins, as in a scan
            mapping[str(label).lower()] = key
            mapping[str(key).lower()] = key
        _CHOICE_MAPS[cache_key] = mapping
    return mapping


@cache
def _choice_keys(choices: Any) -> frozenset[str]:
    return frozenset(choices.values)


def _choice(row: dict, name: str, choices: Any, problems: list, default: str = "") -> str:
    value = _text(row, name)
    if not value:
        return default
    if value in _choice_keys(choices):  # written as the key itself (most files)
        return value
    key = _choice_map(choices).get(value.lower())
    if key is not None:
        return key
    problems.append((name, _("Unknown value “%(v)s”: use one of %(allowed)s.") % {"v": value, "allowed": ", ".join(choices.values)}))
    return default


def _date(row: dict, name: str, problems: list) -> datetime.date | None:
    value = _text(row, name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value[:10])
    except ValueError:
        problems.append((name, _("“%(v)s” is not a date: write it as YYYY-MM-DD (e.g. 2013-10-22).") % {"v": value}))
        return None


def _int(row: dict, name: str, problems: list) -> int | None:
    value = _text(row, name)
    if not value:
        return None
    if value.startswith("="):
        problems.append((name, _("This cell holds a formula (%(v)s); formulas are never evaluated: type the number.") % {"v": value}))
        return None
    if not re.fullmatch(r"-?\d+", value):
        problems.append((name, _("“%(v)s” is not a whole number.") % {"v": value}))
        return None
    number = int(value)
    if number < 0:
        problems.append((name, _("“%(v)s” is negative: use 0 or more.") % {"v": value}))
        return None
    return number


_COUNTRY_CODES: dict[str, str] = {}


def _country(row: dict, name: str, problems: list) -> str:
    value = _text(row, name)
    if not value or value.lower() in {"international", "int", "-"}:
        return ""
    code = _COUNTRY_CODES.get(value)
    if code is None:
        code = countries.alpha2(value) or countries.by_name(value)
        if len(_COUNTRY_CODES) < 10_000:
            _COUNTRY_CODES[value] = code
    if not code:
        problems.append((name, _("Unknown country “%(v)s”: use the ISO 3166 two-letter code (e.g. KE for Kenya), or leave it empty for international.") % {"v": value}))
        return ""
    return code


def _list(row: dict, name: str) -> list[str]:
    return [part.strip() for part in _text(row, name).split(LIST_SEPARATOR) if part.strip()]


def _organisation(ctx: Context, value: str, column: str, problems: list) -> Organisation | None:
    key = ctx.folded.get(value)
    if key is None:
        key = ctx.folded[value] = fold(value)
    if key in ctx.organisations:
        org = ctx.organisations[key]
    else:
        org = Organisation.objects.filter(name_key=key).first()
        if org is None:
            matches = list(Organisation.objects.filter(acronym__iexact=value)[:2])
            org = matches[0] if len(matches) == 1 else ("ambiguous" if matches else None)
        ctx.organisations[key] = org
    if org is None:
        problems.append((column, _("Unknown organisation “%(v)s”: import or add it first, or fix the spelling (full name or acronym).") % {"v": value}))
        return None
    if org == "ambiguous":
        problems.append((column, _("The acronym “%(v)s” belongs to several organisations: use the full name.") % {"v": value}))
        return None
    return org


def _problems_from(exc: ValidationError, columns: dict[str, str], default: str) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(columns.get(k, k if k != "__all__" else default), str(m)) for k, msgs in exc.message_dict.items() for m in msgs]
    return [(default, str(m)) for m in exc.messages]


class Kind:
    """A kind of file: columns, one service call per row, and the rows of an export."""

    key = ""
    label: Any = ""
    columns: list[Column] = []
    field_columns: dict[str, str] = {}
    # The record's translatable fields (``core.translations``): each has an optional column per other language,
    # named ``field[language]`` (``title[fr]``, ``summary[zh-hans]``), after the others.
    translated_fields: tuple[str, ...] = ()
    default_column = ""
    forbidden_column = ""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def check_header(self, header: list[str]) -> list[str]:
        """The header as column names; raises FileProblem with every missing, unknown or repeated column."""
        from .files import FileProblem

        names = [h.strip().lower().lstrip("\ufeff") for h in header]
        while names and names[-1] == "":
            names.pop()
        known = set(self.column_names) | {"id"}
        messages = []
        translated = [h for h in names if h not in known and TRANSLATION_COLUMN.fullmatch(h)]
        for name in translated:  # a translation column for a language or field there is none for: say which
            match = TRANSLATION_COLUMN.fullmatch(name)
            assert match is not None
            messages.append(_("Column %(c)s: translations are of %(fields)s into %(languages)s (the English text is "
                              "the column without brackets).") % {
                "c": name, "fields": ", ".join(self.translated_fields) or _("no column of this file"),
                "languages": ", ".join(translations.languages())})
        unknown = [h or _("(empty)") for h in names if h not in known and h not in translated]
        repeated = sorted({h for h in names if h and names.count(h) > 1})
        missing = [c.name for c in self.columns if c.required and c.name not in names]
        if not names:
            raise FileProblem(_("The first row must hold the column names. Download the template to see them."))
        if missing:
            messages.append(_("Missing column(s): %(c)s.") % {"c": ", ".join(missing)})
        if unknown:
            messages.append(_("Unknown column(s): %(c)s. Remove or rename them; the columns are: %(all)s.")
                            % {"c": ", ".join(unknown), "all": ", ".join(self.column_names)})
        if repeated:
            messages.append(_("Repeated column(s): %(c)s.") % {"c": ", ".join(repeated)})
        if messages:
            raise FileProblem(" ".join(messages))
        return names

    # Kinds with a bulk path check rows with ``build`` and write them with ``insert`` (see services).
    bulk = False

    def apply(self, row: dict[str, str], ctx: Context) -> Any:
        """Create the record for one row through its service; raise RowProblems with what to fix."""
        return self._run(row, ctx, self.create)

    def build(self, row: dict[str, str], ctx: Context) -> Any:
        """Bulk path: the unsaved record for one row, checked by its service's rules; RowProblems as ``apply``."""
        return self._run(row, ctx, self.build_one)

    def prefetch(self, names: list[str], batch: list[tuple[int, list[str]]], ctx: Context) -> None:
        """Bulk path: load what a batch of rows (``(number, cells)``) refers to in a few queries (into ``ctx``)."""

    def insert(self, records: list[Any]) -> int:
        raise NotImplementedError

    def writing(self) -> AbstractContextManager:
        """Bulk path: what holds while ``insert`` runs (entered once per job that writes)."""
        return nullcontext()

    def build_one(self, ctx: Context, kwargs: dict) -> Any:
        raise NotImplementedError

    def _run(self, row: dict[str, str], ctx: Context, make: Any) -> Any:
        problems: list[tuple[str, str]] = []
        if row.get("id"):
            problems.append(("id", _("Importing never updates existing records: leave id empty to add a new one.")))
        try:
            kwargs = self.parse(row, ctx, problems)
            if problems:
                raise RowProblems(problems)
            return make(ctx, kwargs)
        except ValidationError as exc:
            raise RowProblems(_problems_from(exc, self.field_columns, self.default_column)) from exc
        except PermissionDenied as exc:
            raise RowProblems([(self.forbidden_column or self.default_column, self.forbidden_message())]) from exc

    def parse(self, row: dict, ctx: Context, problems: list) -> dict:
        raise NotImplementedError

    def create(self, ctx: Context, kwargs: dict) -> Any:
        raise NotImplementedError

    def forbidden_message(self) -> str:
        return _("You may not add this record.")

    def export_queryset(self, qs):
        return qs

    def export_row(self, obj: Any) -> list[Any]:
        raise NotImplementedError

    def export_rows(self, user: Actor, objs: Iterable[Any]) -> Iterator[list[Any]]:
        """The rows ``user`` may read; kinds holding numbers about children protect them here."""
        for obj in objs:
            yield self.export_row(obj)

    def example_rows(self) -> list[list[str]]:
        return [[c.example for c in self.columns]]


class OrganisationKind(Kind):
    key = "organisations"
    label = gettext_lazy("Organisations")
    default_column = "name"
    columns = [
        Column("name", True, gettext_lazy("Full name. Duplicates are refused, ignoring case and accents."), "Ministry of Education"),
        Column("acronym", False, gettext_lazy("Short name."), "MoE"),
        Column("kind", False, gettext_lazy("One of: %s.") % ", ".join(Organisation.Kind.values), "government"),
        Column("country", False, gettext_lazy("ISO 3166 two-letter code (KE, BR…); empty for international."), "KE"),
        Column("parent", False, gettext_lazy("Name or acronym of an existing parent organisation."), ""),
        Column("website", False, gettext_lazy("Web address starting with https://."), "https://example.org"),
        Column("itu_member_state", False, gettext_lazy("yes or no."), "no"),
        Column("itu_sector_member", False, gettext_lazy("yes or no."), "no"),
        Column("published", False, gettext_lazy("yes (default) or no."), "yes"),
    ]
    field_columns = {"is_itu_member_state": "itu_member_state", "is_itu_sector_member": "itu_sector_member",
                     "is_published": "published"}

    def parse(self, row, ctx, problems):
        parent = _organisation(ctx, row["parent"], "parent", problems) if _text(row, "parent") else None
        return {
            "name": _text(row, "name"), "acronym": _text(row, "acronym"),
            "kind": _choice(row, "kind", Organisation.Kind, problems, Organisation.Kind.OTHER),
            "country": _country(row, "country", problems), "parent": parent, "website": _text(row, "website"),
            "is_itu_member_state": _bool(row, "itu_member_state", problems),
            "is_itu_sector_member": _bool(row, "itu_sector_member", problems),
            "is_published": _bool(row, "published", problems, True),
        }

    def create(self, ctx, kwargs):
        # Nobody owns a new organisation, so only the secretariat may add one (access.can_create).
        if not access.can_create(ctx.actor, None):
            raise PermissionDenied
        org = organisation_create(actor=ctx.actor, **kwargs)
        ctx.organisations[org.name_key] = org
        return org

    def forbidden_message(self):
        return _("Only the secretariat can add organisations. Ask them to add this one.")

    def export_queryset(self, qs):
        return qs.select_related("parent")

    def export_row(self, o):
        return [o.pk, o.name, o.acronym, o.kind, o.country.code if o.country else "", o.parent.name if o.parent else "",
                o.website, _yn(o.is_itu_member_state), _yn(o.is_itu_sector_member), _yn(o.is_published)]


PARTICIPATION = re.compile(
    r"^\s*(?P<group>[a-z_ ]+?)(?:\s+(?P<min>\S+?)\s*[-–]\s*(?P<max>\S+?))?\s*:\s*(?P<count>[^()]*?)\s*(?:\((?P<kind>[a-z]+)\))?\s*$"
)
ROLE_COLUMNS = {"organisers": ActivityPartner.Role.ORGANISER, "co_organisers": ActivityPartner.Role.CO_ORGANISER,
                "hosts": ActivityPartner.Role.HOST, "funders": ActivityPartner.Role.FUNDER,
                "trainers": ActivityPartner.Role.TRAINER, "participating_organisations": ActivityPartner.Role.PARTICIPANT}


def _as_number(text: str) -> Any:
    """Whole numbers become int; anything else is passed on as text so the service says what is wrong."""
    text = text.strip()
    if text == "":
        return None
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


class ActivityKind(Kind):
    key = "activities"
    label = gettext_lazy("Activities")
    default_column = "title"
    forbidden_column = "organisers"
    columns = [
        Column("title", True, gettext_lazy("What happened or is planned."), "Safer Internet Day workshop"),
        Column("kind", True, gettext_lazy("One of: %s.") % ", ".join(Activity.Kind.values), "workshop"),
        Column("status", False, gettext_lazy("planned (default), held or cancelled."), "held"),
        Column("starts_on", True, gettext_lazy("YYYY-MM-DD."), "2014-02-11"),
        Column("ends_on", False, gettext_lazy("YYYY-MM-DD; empty for a one-day activity; not before starts_on."), "2014-02-11"),
        Column("city", False, "", "Geneva"),
        Column("country", False, gettext_lazy("ISO 3166 two-letter code; empty for online or international."), "CH"),
        Column("venue", False, "", ""),
        Column("online", False, gettext_lazy("yes or no."), "no"),
        Column("occasion", False, gettext_lazy("Name or short name of an existing occasion (e.g. IGF 2013)."), ""),
        Column("pillars", True, gettext_lazy("Pillar numbers 1–5 (or names), separated by ';'."), "3;5"),
        Column("organisers", False, gettext_lazy("Organisations (name or acronym) separated by ';'. A focal point must list their own organisation here or in co_organisers."), "ITU"),
        Column("co_organisers", False, gettext_lazy("As organisers."), ""),
        Column("hosts", False, gettext_lazy("As organisers."), ""),
        Column("funders", False, gettext_lazy("As organisers."), ""),
        Column("trainers", False, gettext_lazy("As organisers."), ""),
        Column("participating_organisations", False, gettext_lazy("As organisers."), ""),
        Column("topics", False, gettext_lazy("Topics separated by ';' (new ones are added)."), "cyberbullying;sexting"),
        Column("audiences", False, gettext_lazy("Stakeholder groups separated by ';': %s.") % ", ".join(StakeholderGroup.values), "children;parents"),
        Column("participation", False, gettext_lazy("Counts by group separated by ';', as 'group: count' or 'children 9-12: 150 (estimated)'. Children always with an age band (0–17)."), "children 9-12: 150 (estimated); educators: 12"),
        Column("summary", False, "", ""),
        Column("source", False, gettext_lazy("Document or page the record rests on."), ""),
        Column("published", False, gettext_lazy("yes (default) or no."), "yes"),
        *translation_columns(Activity.TRANSLATED_FIELDS),
    ]
    field_columns = {"starts_on": "starts_on", "ends_on": "ends_on", "partners": "organisers", "is_published": "published",
                     "participation": "participation", "pillars": "pillars", "occasion": "occasion"}
    translated_fields = Activity.TRANSLATED_FIELDS

    def _pillar_map(self, ctx: Context) -> dict[str, Pillar]:
        if ctx.pillars is None:
            ctx.pillars = {}
            for p in Pillar.objects.all():
                for key in (str(p.number), p.slug, p.name.lower(), p.short_name.lower()):
                    ctx.pillars[key] = p
        return ctx.pillars

    def parse(self, row, ctx, problems):
        pillars = []
        pillar_map = self._pillar_map(ctx)
        for value in _list(row, "pillars"):
            pillar = pillar_map.get(value.lower())
            if pillar is None:
                problems.append(("pillars", _("Pillar “%(v)s” does not exist: use the numbers 1–5 of the five GCA pillars.") % {"v": value}))
            else:
                pillars.append(pillar)
        if not _text(row, "pillars"):
            problems.append(("pillars", _("Choose at least one of the five pillars (numbers 1–5).")))
        partners = []
        for column, role in ROLE_COLUMNS.items():
            for value in _list(row, column):
                org = _organisation(ctx, value, column, problems)
                if org is not None:
                    partners.append((org, role))
        occasion = None
        if _text(row, "occasion"):
            value = row["occasion"]
            key = value.lower()
            if key not in ctx.occasions:
                ctx.occasions[key] = (Occasion.objects.filter(short_name__iexact=value).first()
                                      or Occasion.objects.filter(name__iexact=value).first())
            occasion = ctx.occasions[key]
            if occasion is None:
                problems.append(("occasion", _("Unknown occasion “%(v)s”: use the name or short name of an existing occasion.") % {"v": value}))
        audiences = []
        for value in _list(row, "audiences"):
            if value in StakeholderGroup.values:
                audiences.append(value)
            else:
                problems.append(("audiences", _("Unknown group “%(v)s”: use one of %(allowed)s.") % {"v": value, "allowed": ", ".join(StakeholderGroup.values)}))
        counts = []
        for part in _list(row, "participation"):
            match = PARTICIPATION.match(part)
            if not match:
                problems.append(("participation", _("“%(v)s” is not 'group: count' (e.g. 'educators: 12' or 'children 9-12: 150 (estimated)').") % {"v": part}))
                continue
            counts.append(Count(group=match["group"].strip().replace(" ", "_"), count=_as_number(match["count"]),
                                min_age=_as_number(match["min"] or ""), max_age=_as_number(match["max"] or ""),
                                kind=match["kind"] or FigureKind.COUNTED))
        starts_on = _date(row, "starts_on", problems)
        if starts_on is None and not _text(row, "starts_on"):
            problems.append(("starts_on", _("An activity needs a start date (YYYY-MM-DD).")))
        return {
            "title": _text(row, "title"), "kind": _choice(row, "kind", Activity.Kind, problems),
            "status": _choice(row, "status", Activity.Status, problems, Activity.Status.PLANNED),
            "starts_on": starts_on, "ends_on": _date(row, "ends_on", problems),
            "city": _text(row, "city"), "country": _country(row, "country", problems), "venue": _text(row, "venue"),
            "online": _bool(row, "online", problems), "occasion": occasion, "pillars": pillars, "partners": partners,
            "topics": _list(row, "topics"), "audiences": audiences, "participation": counts,
            "summary": _text(row, "summary"), "source": _text(row, "source"),
            "is_published": _bool(row, "published", problems, True),
            "translations": self._translations(row, ctx, problems),
        }

    def _translations(self, row: dict, ctx: Context, problems: list) -> dict[str, dict[str, str]]:
        found = translation_cells(row, self.translated_fields)
        if found and ctx.actor is not None and not access.is_secretariat(ctx.actor):
            for code, values in found.items():
                for name in values:
                    problems.append((f"{name}[{code}]", _(
                        "Only the secretariat adds translations (they are shown without review): leave this column "
                        "empty.")))
        return found

    def create(self, ctx, kwargs):
        if not kwargs["kind"]:
            raise ValidationError({"kind": _("Say what kind of activity it is: one of %s.") % ", ".join(Activity.Kind.values)})
        texts = kwargs.pop("translations", {})
        activity = activity_create(actor=ctx.actor, **kwargs)
        problems: list[tuple[str, str]] = []
        for code, values in texts.items():
            try:
                activity_translate(actor=ctx.actor, activity=activity, language=code, values=values)
            except ValidationError as exc:
                problems += translation_problems(exc, code)
        if problems:
            raise RowProblems(problems)
        return activity

    def forbidden_message(self):
        return _("You may only import activities your organisation organises or co-organises.")

    def export_queryset(self, qs):
        return qs.select_related("occasion").prefetch_related("pillars", "topics", "partner_roles__organisation", "participation")

    def export_rows(self, user, objs):
        for a in objs:
            yield self.export_row(a, control=disclosure.controlled(user, a))

    def export_row(self, a, control: bool = True):
        roles: dict[str, list[str]] = {}
        for p in a.partner_roles.all():
            roles.setdefault(p.role, []).append(p.organisation.name)
        records = list(a.participation.all())
        counts = disclosure.participation_text(records, control=control)
        participation = "; ".join(
            f"{p.group}{f' {p.min_age}-{p.max_age}' if p.min_age is not None else ''}: {count}"
            f"{f' ({p.kind})' if p.kind != FigureKind.COUNTED else ''}" for p, count in zip(records, counts, strict=True)
        )
        return [
            a.pk, a.title, a.kind, a.status, a.starts_on, a.ends_on, a.city, a.country.code if a.country else "", a.venue,
            _yn(a.online), (a.occasion.short_name or a.occasion.name) if a.occasion else "",
            LIST_SEPARATOR.join(str(p.number) for p in a.pillars.all()),
            *(LIST_SEPARATOR.join(roles.get(role, [])) for role in ROLE_COLUMNS.values()),
            LIST_SEPARATOR.join(t.name for t in a.topics.all()), LIST_SEPARATOR.join(a.audiences or []),
            participation, a.summary, a.source, _yn(a.is_published),
            *(((a.translations or {}).get(code) or {}).get(name, "")
              for code in translations.languages() for name in self.translated_fields),
        ]


_FIGURE_KINDS = frozenset(FigureKind.values)


def _figure_value(f) -> Any:
    withheld = getattr(f, "withheld", "")
    if withheld == disclosure.SMALL:
        return f"<{disclosure.threshold()}"
    return "withheld" if withheld else f.value


class FigureKindSpec(Kind):
    key = "figures"
    label = gettext_lazy("Figures")
    default_column = "value"
    forbidden_column = "reported_by"
    columns = [
        Column("indicator", True, gettext_lazy("Indicator code (e.g. people_trained). A new code needs indicator_name and unit."), "children_reached"),
        Column("indicator_name", False, gettext_lazy("Only for a new indicator."), ""),
        Column("unit", False, gettext_lazy("Only for a new indicator (people, children, schools…)."), ""),
        Column("value", True, gettext_lazy("A number, 0 or more."), "15000"),
        Column("low", False, gettext_lazy("Low end of the range (optional)."), ""),
        Column("high", False, gettext_lazy("High end of the range (optional)."), ""),
        Column("kind", True, gettext_lazy("counted, estimated or modelled."), "estimated"),
        Column("measure", False, gettext_lazy("actual (default) or target."), "actual"),
        Column("method", False, gettext_lazy("How it was counted, estimated or modelled (required unless counted)."), "25 schools × 600 pupils"),
        Column("assumptions", False, "", ""),
        Column("source", True, gettext_lazy("Document, page or record the number comes from."), "Campaign report 2014"),
        Column("source_url", False, "", ""),
        Column("as_of", True, gettext_lazy("YYYY-MM-DD."), "2014-06-30"),
        Column("period_start", False, gettext_lazy("YYYY-MM-DD."), ""),
        Column("period_end", False, gettext_lazy("YYYY-MM-DD."), ""),
        Column("country", False, gettext_lazy("ISO 3166 two-letter code."), ""),
        Column("group", False, gettext_lazy("Stakeholder group: %s.") % ", ".join(StakeholderGroup.values), "children"),
        Column("min_age", False, gettext_lazy("Youngest age (required for children)."), "9"),
        Column("max_age", False, gettext_lazy("Oldest age (children: at most 17)."), "12"),
        Column("sex", False, gettext_lazy("female or male; empty for both."), ""),
        Column("reported_by", False, gettext_lazy("Organisation reporting the figure. A focal point must give their own."), ""),
        Column("activity_id", False, gettext_lazy("Number of the activity the figure is about (optional)."), ""),
        Column("note", False, "", ""),
        Column("published", False, gettext_lazy("yes (default) or no."), "yes"),
    ]
    field_columns = {"owner_organisation": "reported_by", "is_published": "published"}

    def parse(self, row, ctx, problems):
        code = _text(row, "indicator")
        indicator = ctx.indicators.get(code) if code in ctx.indicators else Indicator.objects.filter(code=code).first()
        if indicator is None and code:
            if _text(row, "indicator_name") and _text(row, "unit"):
                indicator = "new"
            else:
                problems.append(("indicator", _("Unknown indicator “%(v)s”: fix the code, or give indicator_name and unit to create it.") % {"v": code}))
        elif not code:
            problems.append(("indicator", _("Say which indicator the figure measures (its code).")))
        ctx.indicators[code] = indicator
        reported_by = _text(row, "reported_by")
        owner = _organisation(ctx, reported_by, "reported_by", problems) if reported_by else None
        subject = None
        if key := _text(row, "activity_id"):
            if key in ctx.activities:
                subject = ctx.activities[key]
            else:
                try:
                    subject = access.get_for_user(ctx.actor, Activity, key)
                except Http404:
                    subject = None
            if subject is None:
                problems.append(("activity_id", _("There is no activity number %(v)s that you may see.") % {"v": key}))
        as_of = _date(row, "as_of", problems)
        if not _text(row, "as_of"):
            problems.append(("as_of", _("Say as of which date the figure holds (YYYY-MM-DD).")))
        value, low, high = _text(row, "value"), _text(row, "low"), _text(row, "high")
        for name, text in (("value", value), ("low", low), ("high", high)):
            if text.startswith("="):
                problems.append((name, _("This cell holds a formula (%(v)s); formulas are never evaluated: type the number.") % {"v": text}))
        kind = _text(row, "kind").lower()
        return {
            "indicator": indicator, "value": value, "low": low or None, "high": high or None,
            "kind": kind if kind in _FIGURE_KINDS or not kind else _choice(row, "kind", FigureKind, problems),
            "measure": _choice(row, "measure", Figure.Measure, problems, Figure.Measure.ACTUAL),
            "method": _text(row, "method"), "assumptions": _text(row, "assumptions"), "source": _text(row, "source"),
            "source_url": _text(row, "source_url"), "as_of": as_of,
            "period_start": _date(row, "period_start", problems), "period_end": _date(row, "period_end", problems),
            "country": _country(row, "country", problems), "group": _choice(row, "group", StakeholderGroup, problems),
            "min_age": _int(row, "min_age", problems), "max_age": _int(row, "max_age", problems),
            "sex": _choice(row, "sex", Figure.Sex, problems), "owner_organisation": owner, "subject": subject,
            "note": _text(row, "note"), "is_published": _bool(row, "published", problems, True),
            "_indicator_name": _text(row, "indicator_name"), "_unit": _text(row, "unit"), "_code": code,
        }

    def create(self, ctx, kwargs):
        from tutela.figures.services import indicator_get_or_create

        name, unit, code = kwargs.pop("_indicator_name"), kwargs.pop("_unit"), kwargs.pop("_code")
        if kwargs["indicator"] == "new":
            kwargs["indicator"] = indicator_get_or_create(code=code, name=name, unit=unit)
            ctx.indicators[code] = kwargs["indicator"]
        return figure_create(actor=ctx.actor, **kwargs)

    bulk = True

    def prefetch(self, names, batch, ctx):
        if "activity_id" not in names:
            ctx.activities = {}
            return
        at = names.index("activity_id")
        wanted = {cells[at] for _n, cells in batch if at < len(cells)} - {""}
        ids = {int(v) for v in wanted if v.isascii() and v.isdigit()}
        found = {str(a.pk): a for a in access.readable(ctx.actor, Activity.objects.filter(pk__in=ids)).only("pk")} if ids else {}
        ctx.activities = {v: found.get(str(int(v)) if v.isascii() and v.isdigit() else v) for v in wanted}

    @contextmanager
    def writing(self):
        """On PostgreSQL the figure table's foreign keys (deferred by Django until commit) are checked as
        the rows arrive: the checks then overlap with the import instead of running at commit while it
        waits, and the server keeps no queue of pending checks for a million rows."""
        if connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' AND condeferred",
                           [Figure._meta.db_table])
            names = ", ".join(connection.ops.quote_name(name) for (name,) in cursor.fetchall())
            if names:
                cursor.execute(f"SET CONSTRAINTS {names} IMMEDIATE")
        yield  # (after an exception the transaction is rolled back: nothing to restore)
        if names:
            with connection.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS {names} DEFERRED")

    def build_one(self, ctx, kwargs):
        name, unit, code = kwargs.pop("_indicator_name"), kwargs.pop("_unit"), kwargs.pop("_code")
        if kwargs["indicator"] == "new":
            # Saved by ``insert`` only if a valid row uses it (as the row path's savepoint would).
            kwargs["indicator"] = ctx.new_indicators.setdefault(code, Indicator(code=code, name=name, unit=unit))
        return figure_build(actor=ctx.actor, draft=True, **kwargs)

    def insert(self, records):
        from tutela.figures.services import indicator_get_or_create

        saved: dict[str, Indicator] = {}
        for figure in records:
            if figure.indicator_id is None:
                i = figure.indicator
                if i.code not in saved:
                    saved[i.code] = indicator_get_or_create(code=i.code, name=i.name, unit=i.unit)
                figure.indicator, figure.indicator_id = saved[i.code], saved[i.code].pk
        return figures_insert(records)

    def forbidden_message(self):
        return _("You may only import figures your organisation reports: put your organisation in reported_by.")

    def export_queryset(self, qs):
        return qs.select_related("indicator", "owner_organisation", "subject_type")

    def export_rows(self, user, objs):
        batch = []
        for f in objs:
            batch.append(f)
            if len(batch) >= 2000:
                yield from self._protected_rows(user, batch)
                batch = []
        yield from self._protected_rows(user, batch)

    def _protected_rows(self, user, batch):
        withhold_figures(user, batch)
        for f in batch:
            yield self.export_row(f)

    def export_row(self, f):
        activity_id = f.subject_id if f.subject_type and f.subject_type.model == "activity" else ""
        return [
            f.pk, f.indicator.code, f.indicator.name, f.indicator.unit, _figure_value(f), f.low, f.high, f.kind, f.measure,
            f.method, f.assumptions, f.source, f.source_url, f.as_of, f.period_start, f.period_end,
            f.country.code if f.country else "", f.group, f.min_age, f.max_age, f.sex,
            f.owner_organisation.name if f.owner_organisation else "", activity_id, f.note, _yn(f.is_published),
        ]


def _yn(value: bool) -> str:
    return "yes" if value else "no"


KINDS: dict[str, Kind] = {k.key: k for k in (ActivityKind(), OrganisationKind(), FigureKindSpec())}
