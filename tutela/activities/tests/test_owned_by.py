"""The owner rule of activities (``ActivityQuerySet.owned_by``): an organisation owns an activity when it organises or
co-organises it. Every door that reads "public OR own" or "own" lists exactly what ``core.access.can_read`` /
``can_write`` allow one record at a time (from the instances' ``owner_organisation_ids``), each record once, for every
kind of reader; and the rule is one correlated ``EXISTS``, never ``id IN (owner rows)`` (docs/home.md: under "public
OR own" PostgreSQL hashed all of a large organisation's owner rows for every query)."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from tutela.accounts.services import user_create
from tutela.activities import selectors
from tutela.activities.models import Activity
from tutela.activities.services import activity_create
from tutela.core import access
from tutela.home import search
from tutela.initiatives.models import Pillar
from tutela.partners.services import organisation_create

pytestmark = pytest.mark.django_db

WORD = "Zeta"  # in every title: the site search finds them all
TITLE = re.compile(rf"{WORD} ([A-Z][a-z]+)")


@pytest.fixture
def activities(secretariat, focal_point, org_a, org_b, secretariat_org):
    """Published, draft and submitted activities, owned by one, two or no organisations, with owner and other roles."""
    pillar = Pillar.objects.first()
    made = [
        ("Apple", None, [(org_a, "organiser")], True),
        ("Banana", None, [(org_a, "co_organiser")], False),
        ("Cherry", None, [(org_b, "organiser"), (org_a, "partner")], False),  # a partner does not own
        ("Damson", None, [(org_a, "funder"), (org_b, "host")], False),  # owned by nobody
        ("Elder", None, [], False),  # no organisation at all
        ("Fig", None, [(org_a, "organiser"), (org_b, "co_organiser")], False),  # two owners
        ("Grape", focal_point, [(org_a, "organiser"), (org_a, "co_organiser")], None),  # submitted; two owner rows
        ("Hazel", None, [(org_b, "organiser")], True),
        ("Iris", None, [(secretariat_org, "organiser")], False),
    ]
    for day, (name, actor, partners, published) in enumerate(made, start=1):
        fields = {} if published is None else {"is_published": published}
        activity_create(actor=actor, title=f"{WORD} {name}", kind="workshop", starts_on=date(2026, 1, day),
                        pillars=[pillar], partners=partners, **fields)
    assert Activity.objects.get(title=f"{WORD} Grape").awaiting_review
    return list(Activity.objects.all())


@pytest.fixture
def readers(monkeypatch, secretariat, focal_point, other_focal_point, stakeholder, org_a, org_b):
    """Every kind of reader. A focal point speaks for one organisation, the rule for any number: the focal point of
    two is one of ``org_a`` for whom ``core.access`` names both organisations, wherever it asks."""
    quiet = organisation_create(actor=None, name="Quiet Foundation", acronym="QF", kind="civil_society", country="FR")
    two = user_create(actor=None, email="focal.ab@example.org", password="a-long-password-1", role="focal_point",
                      organisation=org_a, full_name="Focal Ab")
    none = user_create(actor=None, email="focal.c@example.org", password="a-long-password-1", role="focal_point",
                       organisation=quiet, full_name="Focal C")
    one_organisation = access.user_organisation_ids

    def organisation_ids(user):
        if getattr(user, "pk", None) == two.pk:
            return {org_a.pk, org_b.pk}
        return one_organisation(user)

    monkeypatch.setattr(access, "user_organisation_ids", organisation_ids)
    return {"anonymous": AnonymousUser(), "stakeholder": stakeholder, "secretariat": secretariat,
            "focal_a": focal_point, "focal_b": other_focal_point, "focal_ab": two, "focal_of_none": none}


def _names(titles):
    return [TITLE.fullmatch(t)[1] if TITLE.fullmatch(t) else t for t in titles]


def _once(titles):
    names = _names(titles)
    assert len(names) == len(set(names)), names
    return set(names)


def test_the_oracle_is_the_rule_as_written(activities, readers):
    """What the tests below compare with, spelled out: organiser and co-organiser own, other roles do not."""
    public = {"Apple", "Hazel"}
    reads = {name: {_names([a.title])[0] for a in activities if access.can_read(user, a)} for name, user in readers.items()}
    writes = {name: {_names([a.title])[0] for a in activities if access.can_write(user, a)} for name, user in readers.items()}
    assert reads["anonymous"] == reads["stakeholder"] == reads["focal_of_none"] == public
    assert reads["focal_a"] == public | {"Banana", "Fig", "Grape"}
    assert reads["focal_b"] == public | {"Cherry", "Fig"}
    assert reads["focal_ab"] == public | {"Banana", "Cherry", "Fig", "Grape"}
    assert writes["focal_a"] == {"Apple", "Banana", "Fig", "Grape"}
    assert writes["focal_ab"] == {"Apple", "Banana", "Cherry", "Fig", "Grape", "Hazel"}
    assert writes["focal_of_none"] == writes["anonymous"] == set()


def test_every_door_lists_what_each_reader_may_read_and_write_once(client, activities, readers, org_a, org_b):
    for name, user in readers.items():
        reads = {_names([a.title])[0] for a in activities if access.can_read(user, a)}
        writes = {_names([a.title])[0] for a in activities if access.can_write(user, a)}
        signed_in = user.is_authenticated
        client.logout()
        if signed_in:
            client.force_login(user)

        assert _once(access.readable(user, Activity.objects.all()).values_list("title", flat=True)) == reads, name
        assert _once(selectors.activity_queryset(user).values_list("title", flat=True)) == reads, name
        assert _once(r.title for r in search.SOURCES[0].search(user, WORD)[0]) == reads, name
        assert set(TITLE.findall(client.get(reverse("home:search"), {"q": WORD}).content.decode())) == reads, name
        assert set(TITLE.findall(client.get(reverse("activities:activity_list")).content.decode())) == reads, name
        api = client.get("/api/v1/activities").json()["items"]
        assert _once(item["title"] for item in api) == reads, name
        assert sum(n for _month, n in selectors.months_with_counts(user, selectors.ActivityFilters())) == len(reads)
        for organisation in (org_a, org_b):  # the readable activities as a subquery of another query
            roles = selectors.organisation_activity_roles(user, organisation)
            assert sorted((r.activity.title, r.role) for r in roles) == sorted(
                (a.title, p.role) for a in activities if a.title[len(WORD) + 1:] in reads
                for p in a.partner_roles.filter(organisation=organisation)), name
        taking_part = set(selectors.organisation_ids_taking_part(user).values_list("organisation_id", flat=True))
        assert taking_part == {p.organisation_id for a in activities if a.title[len(WORD) + 1:] in reads
                               for p in a.partner_roles.all()}, name

        assert _once(access.writable(user, Activity.objects.all()).values_list("title", flat=True)) == writes, name
        assert _once(selectors.editable_activities(user).values_list("title", flat=True)) == writes, name
        assert _once(selectors.unpublished_editable(user).values_list("title", flat=True)) == writes - {"Apple", "Hazel"}
        mine = client.get(reverse("activities:activity_editable"))
        if writes or name == "focal_of_none":
            assert mine.status_code == 200, name
            assert set(TITLE.findall(mine.content.decode())) == writes, name


def test_the_rule_takes_any_number_of_organisations_and_ignores_none(activities, org_a, org_b):
    def owned(ids):
        return _once(Activity.objects.owned_by(ids).values_list("title", flat=True))

    assert owned([org_a.pk]) == {"Apple", "Banana", "Fig", "Grape"}
    assert owned({org_a.pk, org_b.pk}) == {"Apple", "Banana", "Cherry", "Fig", "Grape", "Hazel"}
    assert owned(iter([org_b.pk])) == {"Cherry", "Fig", "Hazel"}  # any iterable, read once
    assert owned([]) == owned([None]) == set()  # NULL owns nothing
    assert owned([org_a.pk, None]) == owned([org_a.pk])
    assert _once((Activity.objects.public() | Activity.objects.owned_by([])).values_list("title", flat=True)) == {
        "Apple", "Hazel"}


def test_the_owner_rule_is_one_correlated_exists_never_an_in_list_of_owner_rows(focal_point, org_a, org_b):
    """The query shape the site search depends on at 1 M activities (bench/RESULTS.md, issue 15, session 12)."""
    source = search.SOURCES[0]
    for qs in (Activity.objects.owned_by([org_a.pk, org_b.pk]), access.readable(focal_point, Activity.objects.all()),
               access.writable(focal_point, Activity.objects.all()), source.matching(source.records(focal_point), WORD)):
        sql = str(qs.query)
        assert "EXISTS" in sql and "activities_activitypartner" in sql, sql
        assert not re.search(r"\bIN \(SELECT\b", sql), sql


def test_neither_door_adds_a_distinct_the_rule_does_not_need(focal_point):
    """The owner rule repeats no row, so neither what a focal point reads nor what it may change is made DISTINCT (a
    DISTINCT over every column of the activities: 10–15 ms on the focal point's own list at 1 M rows)."""
    for qs in (access.readable(focal_point, Activity.objects.all()), access.writable(focal_point, Activity.objects.all())):
        assert "DISTINCT" not in str(qs.query), str(qs.query)
