"""Every change to the library and the education kits (docs/library.md)."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from tutela.consultations.models import GuidelineVersion
from tutela.core import access, audit, files, translations
from tutela.core.access import Actor
from tutela.partners.models import Organisation

from .models import (
    LanguageVersion,
    Resource,
    ResourcePartner,
    ResourceVersion,
    SessionFeedback,
    SessionPlan,
    SessionUse,
)

# What a library file may be, by its sniffed content (never its name).
ALLOWED_TYPES = ("pdf", "docx", "pptx", "xlsx", "odt")
LINK_KINDS = (Resource.Kind.VIDEO, Resource.Kind.COURSE)


def _require_write(actor: Actor, obj: Any) -> None:
    if not access.can_write(actor, obj):
        raise PermissionDenied


def _check_age_band(min_age: int | None, max_age: int | None, *, required: bool) -> None:
    if required and (min_age is None or max_age is None):
        raise ValidationError({"min_age": _("Give the age band (from and to age) of the children it is for.")})
    if min_age is not None and max_age is not None and min_age > max_age:
        raise ValidationError({"max_age": _("The band must end at or after the age it starts at.")})
    for name, value in (("min_age", min_age), ("max_age", max_age)):
        if value is not None and value > 17:
            raise ValidationError({name: _("Children are under 18: an age band ends at 17 at most.")})


@transaction.atomic
def resource_create(
    *, actor: Actor, title: str, kind: str, audience: str, summary: str = "", min_age: int | None = None,
    max_age: int | None = None, pillar: Any = None, format: str = Resource.Format.DOCUMENT,
    licence: str = Resource.Licence.CC_BY_NC, countries: Sequence[str] = (), owner_organisation: Organisation | None = None,
    producers: Iterable[Organisation] = (), translators: Iterable[Organisation] = (), is_illustrative: bool = False,
) -> Resource:
    """A new resource, unpublished until it has a version in at least one language."""
    owner_ids = {owner_organisation.pk} if owner_organisation else None
    if not access.can_create(actor, owner_ids):
        raise PermissionDenied
    children = audience == "children"
    _check_age_band(min_age, max_age, required=children)
    if not children:
        min_age = max_age = None
    # django-stubs types a CountryField as str, also a multiple one, which takes a list:
    resource = Resource(title=(title or "").strip(), kind=kind, audience=audience, summary=summary.strip(),  # type: ignore[misc]
                        min_age=min_age, max_age=max_age, pillar=pillar, format=format, licence=licence,
                        countries=list(countries), owner_organisation=owner_organisation,
                        is_illustrative=is_illustrative)
    resource.full_clean()
    resource.save()
    for organisation in producers:
        ResourcePartner.objects.create(resource=resource, organisation=organisation, role=ResourcePartner.Role.PRODUCER)
    for organisation in translators:
        ResourcePartner.objects.create(resource=resource, organisation=organisation, role=ResourcePartner.Role.TRANSLATOR)
    audit.record(actor=actor, action="resource.created", target=resource)
    return resource


@transaction.atomic
def resource_version_create(*, actor: Actor, resource: Resource, label: str, change_log: str = "",
                            guideline_version: GuidelineVersion | None = None) -> ResourceVersion:
    """The next version of a resource; its language versions are added one by one."""
    if guideline_version is None:  # the consultation hook acts on the consultation's authority
        _require_write(actor, resource)
    if not (label or "").strip():
        raise ValidationError({"label": _("Name the version, e.g. “First edition” or “2015 revision”.")})
    last = resource.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = ResourceVersion.objects.create(resource=resource, number=last + 1, label=label.strip()[:100],
                                             change_log=(change_log or "").strip(), guideline_version=guideline_version)
    audit.record(actor=actor, action="resource_version.created", target=version)
    return version


def check_upload(upload: Any) -> str:
    """The sniffed type of a library file, or FileProblem: wrong type, too large, macro-enabled, damaged."""
    files.check_size(getattr(upload, "size", None))
    kind = files.sniff(upload)
    if kind not in ALLOWED_TYPES:
        raise files.FileProblem(_("This file is not a PDF, Word (DOCX), PowerPoint (PPTX), Excel (XLSX) or "
                                  "OpenDocument (ODT) file. Save it in one of these formats."))
    files.check_no_macros(upload)
    if kind != "pdf":
        files.check_package(upload, kind)
    return kind


@transaction.atomic
def language_version_add(*, actor: Actor, version: ResourceVersion, language: str, title: str = "",
                         upload: Any = None, link: str = "") -> LanguageVersion:
    """Add a version's text in one language: a checked file, or an http(s) link for a video or a course."""
    _require_write(actor, version.resource)
    link = (link or "").strip()
    if bool(upload) == bool(link):
        raise ValidationError({"file": _("Give either a file or a link, not both and not neither.")})
    if version.languages.filter(language=language).exists():
        raise ValidationError({"language": _("This version already has that language; add a new version to replace it.")})
    row = LanguageVersion(version=version, language=language, title=(title or "").strip()[:300])
    if link:
        try:
            URLValidator(schemes=["https", "http"])(link)
        except ValidationError:
            raise ValidationError({"link": _("This is not a working web address: give the full https:// link.")}) from None
        row.link = link
    else:
        try:
            row.file_type = check_upload(upload)
        except files.FileProblem as problem:
            raise ValidationError({"file": problem.message}) from None
        row.size = upload.size
        row.file.save(f"resource-{version.resource_id}-v{version.number}-{language}.{row.file_type}", upload, save=False)
    row.full_clean(exclude=["file"])
    row.save()
    audit.record(actor=actor, action="language_version.added", target=row)
    return row


@transaction.atomic
@transaction.atomic
def resource_translate(*, actor: Actor | None, resource: Resource, language: str, values: dict[str, Any]) -> Resource:
    """The resource's title and summary in ``language`` (secretariat), audited as ``resource.translated``. The
    files in each language are language versions (``language_version_add``); this is the page's own text."""
    return translations.save(resource, actor=actor, action="resource.translated", language=language, values=values)


def resource_publish(*, actor: Actor, resource: Resource) -> Resource:
    """Publish a resource; it must have at least one version in at least one language."""
    _require_write(actor, resource)
    if not LanguageVersion.objects.filter(version__resource=resource).exists():
        raise ValidationError(_("A resource needs at least one language version (a file or a link) before it is "
                                "published."))
    before = audit.snapshot(resource, ["is_published"])
    resource.is_published = True
    resource.save(update_fields=["is_published"])
    audit.record(actor=actor, action="resource.published", target=resource, before=before)
    return resource


def language_version_downloaded(*, language_version: LanguageVersion) -> None:
    """Count one download, in aggregate only. Not audited on purpose: an audit row would say who downloaded."""
    LanguageVersion.objects.filter(pk=language_version.pk).update(downloads=F("downloads") + 1)


def guideline_version_published(*, actor: Actor, version: GuidelineVersion) -> ResourceVersion | None:
    """Handed to consultations (AppConfig ``guideline_version_published``): a final guideline version that is
    published becomes a version of its document's resource (created, unpublished, on first use), with a link to
    the published text in the document's language. Drafts for consultation are not library resources."""
    if version.stage != GuidelineVersion.Stage.FINAL:
        return None
    document = version.document
    resource = Resource.objects.filter(guideline_document=document).first()
    if resource is None:
        resource = Resource(title=document.title, kind=Resource.Kind.GUIDELINE, audience=document.audience,
                            summary=document.summary, format=Resource.Format.ONLINE,
                            owner_organisation_id=document.owner_organisation_id, guideline_document=document,
                            is_illustrative=document.is_illustrative)
        if document.audience == "children":  # a guideline for children names no band: the whole of childhood
            resource.min_age, resource.max_age = 0, 17
        resource.save()
        audit.record(actor=actor, action="resource.created", target=resource)
    existing = ResourceVersion.objects.filter(guideline_version=version).first()
    if existing is not None:
        return existing
    row = resource_version_create(actor=actor, resource=resource, label=version.label,
                                  change_log=version.change_log, guideline_version=version)
    return row


# --- Education kits --------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: Actor, title: str, min_age: int, max_age: int, topics: str = "", outline: str = "",
                duration_minutes: int | None = None, materials: Iterable[Resource] = (),
                owner_organisation: Organisation | None = None, is_illustrative: bool = False) -> SessionPlan:
    """A session plan for one age band, reusable across events."""
    if not access.can_create(actor, {owner_organisation.pk} if owner_organisation else None):
        raise PermissionDenied
    _check_age_band(min_age, max_age, required=True)
    plan = SessionPlan(title=(title or "").strip(), min_age=min_age, max_age=max_age, topics=topics.strip(),
                       outline=outline.strip(), duration_minutes=duration_minutes,
                       owner_organisation=owner_organisation, is_illustrative=is_illustrative)
    plan.full_clean()
    plan.save()
    plan.materials.set(list(materials))
    audit.record(actor=actor, action="session_plan.created", target=plan)
    return plan


@transaction.atomic
def session_use_record(*, actor: Actor, activity: Any, plan: SessionPlan, materials: Iterable[Resource] = ()) -> SessionUse:
    """An educational session followed ``plan`` and used ``materials`` (by default the plan's own)."""
    _require_write(actor, activity)
    if not access.can_read(actor, plan):
        raise PermissionDenied
    use, _created = SessionUse.objects.get_or_create(activity=activity, plan=plan)
    chosen = list(materials) or list(plan.materials.all())
    use.materials.set(chosen)
    audit.record(actor=actor, action="session_use.recorded", target=use)
    return use


@transaction.atomic
def feedback_record(*, actor: Actor, use: SessionUse, min_age: int, max_age: int, ratings: Sequence[int]) -> SessionFeedback:
    """Aggregate feedback from one age band: how many rated the session 1, 2, 3, 4 and 5. Replaces earlier counts."""
    _require_write(actor, use.activity)
    _check_age_band(min_age, max_age, required=True)
    if len(ratings) != 5 or any(r is None or int(r) < 0 for r in ratings):
        raise ValidationError({"ratings": _("Give five counts (how many rated 1, 2, 3, 4 and 5), zero or more each.")})
    row = SessionFeedback.objects.filter(use=use, min_age=min_age, max_age=max_age).first() \
        or SessionFeedback(use=use, min_age=min_age, max_age=max_age)
    before = audit.snapshot(row, ["rating_1", "rating_2", "rating_3", "rating_4", "rating_5"]) if row.pk else None
    for i, value in enumerate(ratings, start=1):
        setattr(row, f"rating_{i}", int(value))
    row.save()
    audit.record(actor=actor, action="session_feedback.recorded", target=row, before=before)
    return row
