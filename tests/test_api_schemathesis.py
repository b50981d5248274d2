"""schemathesis over the whole published OpenAPI (/api/v1/openapi.json), as the anonymous public,
a partner focal point and the secretariat, against the demo records (so ids exist).

Every operation gets ``TUTELA_SCHEMATHESIS_EXAMPLES`` generated requests (default 4) with data
that fits the schema and as many with data that does not. The test fails on any server error
(5xx), any status code, content type or body the OpenAPI does not declare. It runs in
``make test`` on SQLite and on PostgreSQL; docs/reliability.md records its figures.

    TUTELA_SCHEMATHESIS_EXAMPLES=25 .venv/bin/pytest tests/test_api_schemathesis.py -s
"""

import logging
import os
import sys
import traceback

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import checks as base_checks
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

EXAMPLES = int(os.environ.get("TUTELA_SCHEMATHESIS_EXAMPLES", "4"))
CHECKS = [base_checks.not_a_server_error, openapi_checks.status_code_conformance,
          openapi_checks.content_type_conformance, openapi_checks.response_schema_conformance]
PERSONAS = {"anonymous": None, "focal_point": "focal.acopea@tutela.test", "secretariat": "secretariat@tutela.test"}


def _fuzz(headers: dict) -> tuple[int, list[str]]:
    """Runs every operation; returns (cases run, failures described)."""
    from config.wsgi import application

    # The requests run inside the test's transaction: like Django's test client, keep the end of a
    # request from closing the connection (it would on PostgreSQL, autocommit being off).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    failures: list[str] = []
    server_errors: list[str] = []
    cases = 0

    def on_error(sender, request, **kwargs):
        server_errors.append("".join(traceback.format_exception(sys.exception())[-4:]))

    def runner(operation, mode):
        label = f"{operation.label} [{mode.value}]"

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            nonlocal cases
            cases += 1
            # Each request in its own savepoint: a request that fails must not poison the test's
            # transaction for the next ones (PostgreSQL aborts it on any error).
            savepoint = transaction.savepoint_create()
            try:
                response = case.call(headers=headers)
            except (Exception, BaseExceptionGroup) as exc:
                transaction.savepoint_rollback(savepoint)
                failures.append(f"{label} raised {exc!r} {server_errors[-1:]}")
                return
            if response.status_code >= 500:
                transaction.savepoint_rollback(savepoint)
            else:
                transaction.savepoint_commit(savepoint)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:
                detail = server_errors[-1:] if response.status_code >= 500 else ""
                failures.append(f"{label} -> {response.status_code}: {str(exc)[:2000]} {detail}")

        return run

    got_request_exception.connect(on_error)
    try:
        for result in schema.get_all_operations():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    runner(result.ok(), mode)()
                except Unsatisfiable:
                    pass
    finally:
        got_request_exception.disconnect(on_error)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return cases, failures


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_schemathesis_finds_no_server_error_and_no_schema_violation(persona):
    from tutela.accounts.models import User
    from tutela.accounts.services import api_token_create

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    headers = {}
    if PERSONAS[persona]:
        user = User.objects.get(email=PERSONAS[persona])
        headers = {"Authorization": f"Bearer {api_token_create(actor=user, name='schemathesis')[1]}"}
    logging.disable(logging.CRITICAL)  # thousands of 4xx lines otherwise
    try:
        cases, failures = _fuzz(headers)
    finally:
        logging.disable(logging.NOTSET)
    print(f"\nschemathesis as {persona}: {cases} cases, {len(failures)} failures "
          f"({EXAMPLES} examples per operation and mode)")
    assert cases > 500
    assert failures == [], "\n\n".join(failures)
