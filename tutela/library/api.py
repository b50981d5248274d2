"""API for the library: resources (read by anyone when published; created, given versions and published through
the same services as the pages) and the session plans with their disclosure-controlled feedback."""

from typing import Annotated

from django.db import transaction
from django.urls import reverse
from ninja import Body, Field, Router, Schema, Status

from tutela.core import access
from tutela.core.api import ERRORS, SIGNED_IN, ApiRequest, DbInt, Id, SignedInApiRequest, Translations
from tutela.core.pagination import keyset_page

from . import selectors, services
from .models import Resource

router = Router(tags=["library"])
MAX_LIMIT = 200


class LibraryLanguageOut(Schema):
    id: int
    language: str
    title: str
    kind: str = Field(description="file or link")
    file_type: str
    size: int
    download_url: str
    downloads: int = Field(description="Downloads counted in aggregate (no visitor is recorded)")


class LibraryVersionOut(Schema):
    number: int
    label: str
    change_log: str
    guideline_version_id: int | None
    languages: list[LibraryLanguageOut]


class LibraryResourceItem(Schema):
    id: int
    title: str
    kind: str
    audience: str
    min_age: int | None
    max_age: int | None
    pillar: str | None = Field(None, description="The pillar's slug")
    format: str
    licence: str
    countries: list[str]
    is_published: bool
    translations: Translations


class LibraryResourceOut(LibraryResourceItem):
    summary: str
    producers: list[str]
    translators: list[str]
    versions: list[LibraryVersionOut]


class LibraryResourcePage(Schema):
    items: list[LibraryResourceItem]
    next: str | None


class LibraryResourceIn(Schema):
    title: str = Field(min_length=1, max_length=300)
    kind: Resource.Kind
    audience: str = Field(max_length=30)
    summary: str = Field("", max_length=5000)
    min_age: int | None = Field(None, ge=0, le=17)
    max_age: int | None = Field(None, ge=0, le=17)
    format: Resource.Format = Resource.Format.DOCUMENT
    licence: Resource.Licence = Resource.Licence.CC_BY_NC
    countries: list[str] = Field(default_factory=list, max_length=250)


class LibraryLinkIn(Schema):
    version_label: str = Field("", max_length=100, description="A new version's label; empty adds to the latest")
    language: str = Field(max_length=10)
    title: str = Field("", max_length=300)
    link: str = Field(max_length=500)


def _item(r: Resource) -> dict:
    return {"id": r.pk, "title": r.title, "kind": r.kind, "audience": r.audience, "min_age": r.min_age,
            "max_age": r.max_age, "pillar": r.pillar.slug if r.pillar else None, "format": r.format,
            "licence": r.licence, "countries": [str(c) for c in r.countries], "is_published": r.is_published,
            "translations": r.translations or {}}


def _detail(r: Resource) -> dict:
    roles = list(r.partner_roles.all())
    return {**_item(r), "summary": r.summary,
            "producers": [str(p.organisation) for p in roles if p.role == "producer"],
            "translators": [str(p.organisation) for p in roles if p.role == "translator"],
            "versions": [{"number": v.number, "label": v.label, "change_log": v.change_log,
                          "guideline_version_id": v.guideline_version_id,
                          "languages": [{"id": lv.id, "language": lv.language, "title": lv.title,
                                         "kind": "file" if lv.file else "link", "file_type": lv.file_type,
                                         "size": lv.size, "downloads": lv.downloads,
                                         "download_url": reverse("library:download", args=[lv.pk])}
                                        for lv in v.languages.all()]}
                         for v in r.versions.all()]}


@router.get("/resources", response={200: LibraryResourcePage, **ERRORS}, summary="List resources")
def resource_list(request: ApiRequest, after: str | None = None, limit: DbInt = 50, kind: str = "",
                  audience: str = "", language: str = ""):
    qs = selectors.resources(request.user, kind=kind[:20], audience=audience[:30], language=language[:10])
    page = keyset_page(qs, ordering=["-id"], cursor=after, size=max(1, min(limit, MAX_LIMIT)))
    return {"items": [_item(r) for r in page.items], "next": page.next_cursor}


@router.get("/resources/{pk}", response={200: LibraryResourceOut, **ERRORS}, summary="A resource with its versions")
def resource_detail(request: ApiRequest, pk: Id):
    return _detail(selectors.resource(request.user, pk))


@router.post("/resources", response={201: LibraryResourceOut, **ERRORS}, auth=SIGNED_IN, summary="Create a resource")
def resource_create(request: SignedInApiRequest, payload: LibraryResourceIn):
    user = request.auth
    owner = None if access.is_secretariat(user) else getattr(user, "organisation", None)
    resource = services.resource_create(actor=user, owner_organisation=owner, **payload.dict())
    return Status(201, _detail(selectors.resource(user, resource.pk)))


@router.post("/resources/{pk}/links", response={201: LibraryResourceOut, **ERRORS}, auth=SIGNED_IN,
             summary="Add a language version given as a link (video, online course)")
def link_add(request: SignedInApiRequest, pk: Id, payload: LibraryLinkIn):
    resource = selectors.resource(request.auth, pk, write=True)
    with transaction.atomic():
        version = resource.versions.order_by("-number").first()
        if payload.version_label or version is None:
            version = services.resource_version_create(actor=request.auth, resource=resource,
                                                       label=payload.version_label or "First edition")
        services.language_version_add(actor=request.auth, version=version, language=payload.language,
                                      title=payload.title, link=payload.link)
    return Status(201, _detail(selectors.resource(request.auth, pk)))


@router.post("/resources/{pk}/publish", response={200: LibraryResourceOut, **ERRORS}, auth=SIGNED_IN,
             summary="Publish a resource (it needs a language version)")
def resource_publish(request: SignedInApiRequest, pk: Id):
    resource = selectors.resource(request.auth, pk, write=True)
    services.resource_publish(actor=request.auth, resource=resource)
    return _detail(selectors.resource(request.auth, pk))


@router.put("/resources/{pk}/translations/{language}", response={200: LibraryResourceOut, **ERRORS}, auth=SIGNED_IN,
            summary="Translate a resource's title and summary (secretariat)")
def resource_translate(request: SignedInApiRequest, pk: Id, language: str,
                       payload: Annotated[dict[str, str | None], Body(description='{"title": …, "summary": …}; an '
                                                                                  'empty text removes it')]):
    user = request.auth
    resource = access.get_for_user(user, Resource, pk, write=True)
    services.resource_translate(actor=user, resource=resource, language=language, values=payload)
    return _detail(selectors.resource(user, pk))
