"""Issue 13 item 13: the dashboard is served from a summary the worker refreshes after each change.

The page reads one stored row; a change to a figure (or an activity, organisation, pillar) queues
one refresh on commit; until the first refresh the page says the figures are being prepared.
"""

import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tutela.figures import services
from tutela.figures.models import DashboardRefresh, DashboardSummary

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("figures:dashboard")


@pytest.fixture
def trained(db):
    return services.indicator_get_or_create(code="people-trained", name="People trained", unit="people")


def _figure(indicator, value, **extra):
    return services.figure_create(actor=None, indicator=indicator, value=value, kind="counted", source="Report ¶3",
                                  as_of=date(2014, 1, 31), **extra)


def _headline(body: str) -> list[str]:
    return re.findall(r'<span class="figure"><a href="[^"]*">([^<]*)</a></span> people trained', body)


def test_before_the_first_refresh_the_page_says_it_is_being_prepared_not_zero(client, make_activity, trained, settings):
    """E.g. a database upgraded to this version: the page queues the first refresh itself."""
    from django.tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    make_activity(title="Oman workshop", country="OM")
    _figure(trained, 100)
    for _ in range(2):
        response = client.get(DASHBOARD)  # the commit's refresh did not run (tests do not commit)
        body = response.content.decode()
        assert response.status_code == 200
        assert 'id="dashboard-preparing"' in body and "being prepared" in body
        assert "Activities by pillar and year" not in body and ">0<" not in body
    assert not DashboardSummary.objects.exists()
    assert [r.task.name for r in default_task_backend.results] == ["refresh_dashboard"]  # queued once


def test_a_changed_figure_is_on_the_page_after_the_worker_refreshes_with_the_time(
        client, make_activity, trained, django_capture_on_commit_callbacks):
    make_activity(title="Oman workshop", country="OM")
    with django_capture_on_commit_callbacks(execute=True):
        figure = _figure(trained, 100)
    first = DashboardSummary.objects.get(scope="public").refreshed_at
    body = client.get(DASHBOARD).content.decode()
    assert _headline(body) == ["100"]
    assert 'id="dashboard-as-of"' in body and f'datetime="{first.isoformat()}"' in body
    assert "published records" in body

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.figure_update(actor=None, figure=figure, value=250)
    assert callbacks  # the refresh was queued by the commit, not run inside the change
    row = DashboardSummary.objects.get(scope="public")
    assert row.refreshed_at > first
    body = client.get(DASHBOARD).content.decode()
    assert _headline(body) == ["250"] and f'datetime="{row.refreshed_at.isoformat()}"' in body
    # and the list page the number links to agrees
    listed = client.get(reverse("figures:figure_list"), {"indicator": "people-trained", "measure": "actual",
                                                         "kind": "counted", "level": "top"})
    assert [f.value for f in listed.context["figures"]] == [250]


def test_changes_queue_one_refresh_until_it_runs(make_activity, trained, settings, django_capture_on_commit_callbacks):
    """Coalesced: while a refresh is queued and has not started, more changes queue nothing."""
    from django.tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        figure = _figure(trained, 10)
    with django_capture_on_commit_callbacks(execute=True):
        services.figure_update(actor=None, figure=figure, value=11)
    with django_capture_on_commit_callbacks(execute=True):
        make_activity(title="Another")
    assert [r.task.name for r in default_task_backend.results] == ["refresh_dashboard"]
    assert DashboardRefresh.objects.get().queued
    assert not DashboardSummary.objects.exists()  # nothing ran: the queue runs nothing

    services.dashboard_refresh()  # the worker takes the task
    state = DashboardRefresh.objects.get()
    assert not state.queued and state.finished_at is not None and state.seconds is not None
    assert DashboardSummary.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        services.figure_update(actor=None, figure=figure, value=12)
    assert [r.task.name for r in default_task_backend.results] == ["refresh_dashboard"] * 2


def test_a_transaction_of_many_writes_refreshes_once_with_inline_tasks(make_activity, trained,
                                                                      django_capture_on_commit_callbacks):
    """With tasks run inline (tests, a bare runserver) a mark runs the refresh at once: a transaction of
    many writes (the demo load is one) marks the summary once, and a savepoint rolled back with the
    first mark in it does not lose the mark for the writes after it."""
    from django.db import transaction

    with _refreshes() as runs, django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                _figure(trained, 99)
                raise RuntimeError
        except RuntimeError:
            pass
        for value in range(10, 15):
            _figure(trained, value)
        make_activity(title="Another")
    assert runs == ["refresh_dashboard"]
    [entry] = DashboardSummary.objects.get(scope="public").data["indicators"]
    assert [(c["kind"], Decimal(c["total"])) for c in entry["actual"]] == [("counted", 60)]


def test_a_write_that_is_rolled_back_queues_nothing(trained, settings, django_capture_on_commit_callbacks):
    from django.db import transaction
    from django.tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _figure(trained, 10)
                raise RuntimeError
        except RuntimeError:
            pass
    assert default_task_backend.results == []


def test_each_viewer_reads_their_own_scope(client, make_activity, trained, secretariat, focal_point, other_focal_point,
                                           org_a, worker):
    make_activity(title="Published", country="OM")
    make_activity(title="Draft of A", country="KP", is_published=False)  # organised by org A
    worker()
    assert "KP" not in {c["code"] for c in client.get(DASHBOARD).context["countries"]}
    client.force_login(secretariat)
    response = client.get(DASHBOARD)
    assert response.context["scope"] == "all" and "KP" in {c["code"] for c in response.context["countries"]}
    assert "every record, published or not" in response.content.decode()
    # org B's focal point sees what the public sees, from the same stored row (and the HTML the
    # anonymous request above rendered for it)
    client.force_login(other_focal_point)
    response = client.get(DASHBOARD)
    body = response.content.decode()
    assert response.context["scope"] == "public" and "country=OM" in body and "country=KP" not in body
    # org A's focal point also reads its own draft: computed for the request, and the page says so
    client.force_login(focal_point)
    response = client.get(DASHBOARD)
    assert response.context["scope"] == "own" and "KP" in {c["code"] for c in response.context["countries"]}
    assert "Computed now, including your organisation" in response.content.decode()


def test_public_children_numbers_are_stored_disclosure_controlled(client, make_activity, worker, secretariat):
    from tutela.activities.services import Count

    make_activity(participation=[Count(group="children", count=3, min_age=8, max_age=12),
                                 Count(group="children", count=40, min_age=13, max_age=17)])
    worker()
    public = DashboardSummary.objects.get(scope="public").data["children"]
    everything = DashboardSummary.objects.get(scope="all").data["children"]
    # the small band and its complement are withheld from the public total; the secretariat's is exact
    assert public[0]["withheld"] == 2 and public[0]["total"] == 0 and ">43<" not in client.get(DASHBOARD).content.decode()
    assert everything[0]["total"] == 43
    client.force_login(secretariat)
    assert client.get(DASHBOARD).context["children"][0]["total"] == 43


def test_the_demo_leaves_a_filled_summary(client, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from tutela.activities.models import Activity

    with _refreshes() as runs, django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", stdout=open("/dev/null", "w"))
    assert [name for name in runs if name == "refresh_dashboard"] == ["refresh_dashboard"]  # one transaction: one refresh
    response = client.get(DASHBOARD)
    assert response.context["grid"]["total"] == Activity.objects.public().count() > 0
    assert 'id="dashboard-as-of"' in response.content.decode()


def test_the_numbers_are_rendered_once_per_refresh_and_language(client, make_activity, trained, worker,
                                                               django_assert_num_queries):
    """A second reader of the same refresh gets the same numbers for one query (the summary's time);
    another language, or the next refresh, renders them again."""
    make_activity(title="Published", country="OM")
    worker()
    first = client.get(DASHBOARD)
    assert "countries" in first.context  # rendered for this request
    with django_assert_num_queries(1):
        again = client.get(DASHBOARD)
    assert "countries" not in again.context  # the HTML rendered for the first reader
    assert _numbers_html(again) == _numbers_html(first)
    french = client.get("/fr" + DASHBOARD)
    assert "countries" in french.context and _numbers_html(french) != _numbers_html(first)
    make_activity(title="Second", country="KE")
    worker()
    after = client.get(DASHBOARD)
    assert "countries" in after.context and "country=KE" in after.content.decode()


def _numbers_html(response) -> str:
    body = response.content.decode()
    return body[body.index('<section aria-labelledby="headline-h">'):]


@contextmanager
def _refreshes():
    """The names of the tasks run (inline, as tests run them) inside the block."""
    from django.tasks.signals import task_finished

    runs: list[str] = []

    def count(sender, task_result, **kwargs):
        runs.append(task_result.task.name)

    task_finished.connect(count)
    try:
        yield runs
    finally:
        task_finished.disconnect(count)
