"""Every schema the API publishes has its own name: two classes named alike (DocumentOut in
consultations and in coordination) made one of them vanish from /api/v1/openapi.json, so
responses no longer matched the published document."""

import typing
from collections import defaultdict

import pytest
from pydantic import BaseModel


def _models(annotation, seen):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in annotation.model_fields.values():
            _models(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def test_no_two_published_schemas_share_a_name():
    from ninja.params.models import ParamModel

    from config.api import api

    seen: set = set()
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in (operation.response_models or {}).values():
                    _models(model, seen)
                for model in operation.models:
                    _models(model, seen)
    names = defaultdict(set)
    for model in seen:
        if issubclass(model, ParamModel) or model.__module__.startswith(("ninja.", "pydantic")):
            continue
        names[model.__name__].add(f"{model.__module__}.{model.__qualname__}")
    assert len(names) > 50
    assert {name: where for name, where in names.items() if len(where) > 1} == {}
    components = api.get_openapi_schema()["components"]["schemas"]
    assert {"GuidelineDocumentOut", "DocumentOut", "ReportOut", "ConsultationReportOut"} <= set(components)


def _integers_without_bounds(schema, components, where, seen=()):
    """Paths to every integer in ``schema`` (following $refs) that lacks a minimum or a maximum."""
    if not isinstance(schema, dict):
        return []
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return [] if name in seen else _integers_without_bounds(components[name], components, f"{where}<{name}>", (*seen, name))
    found = []
    if schema.get("type") == "integer" and ("minimum" not in schema or "maximum" not in schema):
        found.append(where)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found += _integers_without_bounds(sub, components, where, seen)
    for name, sub in schema.get("properties", {}).items():
        found += _integers_without_bounds(sub, components, f"{where}.{name}", seen)
    for key in ("items", "additionalProperties"):
        found += _integers_without_bounds(schema.get(key), components, f"{where}[]", seen)
    return found


def test_every_integer_an_operation_reads_is_bounded_to_what_the_database_holds():
    """?party=99999999999999999999 was a 500 (SQLite OverflowError); bounds make it a 422."""
    from config.api import api

    document = api.get_openapi_schema()
    components = document["components"]["schemas"]
    unbounded = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                unbounded += _integers_without_bounds(parameter["schema"], components,
                                                      f"{method.upper()} {path} {parameter['name']}")
            for media in operation.get("requestBody", {}).get("content", {}).values():
                unbounded += _integers_without_bounds(media["schema"], components, f"{method.upper()} {path} body")
    assert unbounded == []


@pytest.mark.django_db
def test_an_id_beyond_the_database_range_is_a_422_not_a_500(client):
    for url in ("/api/v1/agreements?party=99999999999999999999", "/api/v1/organisations/99999999999999999999",
                "/api/v1/figures?year=99999", "/api/v1/activities?organisation=-99999999999999999999"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.json()["error"]["fields"], url
