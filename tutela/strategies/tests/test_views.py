"""Pages through the test client: the permission ladder with national focal points, the round's
journey through the forms, bad input, and the public country page and map."""

import re
from datetime import date

import pytest
from django.urls import reverse

from tutela.strategies import services
from tutela.strategies.models import Assessment, Evidence, Rating

from .conftest import fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def nladder(client, personas, national_om, national_et):
    """Like the root ``ladder``, with a national focal point of the round's country and of another."""
    people = {**personas, "national": national_om, "other_national": national_et}

    def check(method, url, expected, data=None):
        for name, status in expected.items():
            client.logout()
            if people[name] is not None:
                client.force_login(people[name])
            response = getattr(client, method)(url, data or {})
            assert response.status_code == status, f"{name}: {method.upper()} {url} -> {response.status_code}, expected {status}"
        client.logout()

    return check


ALL = ("anonymous", "stakeholder", "focal_point", "other_focal_point", "national", "other_national", "secretariat")


def statuses(*codes):
    return dict(zip(ALL, codes, strict=True))


def test_the_ladder_on_a_draft_round(nladder, draft_om, framework):
    rating = draft_om.ratings.first()
    pk = draft_om.pk
    nladder("get", reverse("strategies:assessment_detail", args=[pk]), statuses(404, 404, 404, 404, 200, 404, 200))
    nladder("get", reverse("strategies:assessment_fill", args=[pk]), statuses(302, 404, 404, 404, 200, 404, 200))
    nladder("get", reverse("strategies:assessment_export", args=[pk, "csv"]), statuses(404, 404, 404, 404, 200, 404, 200))
    nladder("get", reverse("strategies:assessment_list"), statuses(302, 200, 200, 200, 200, 200, 200))
    nladder("get", reverse("strategies:assessment_create"), statuses(302, 403, 403, 403, 200, 200, 200))
    nladder("get", reverse("strategies:framework_import"), statuses(302, 403, 403, 403, 403, 403, 200))
    nladder("get", reverse("strategies:action_create", args=[pk]), statuses(302, 404, 404, 404, 200, 404, 200))
    nladder("post", reverse("strategies:evidence_add", args=[pk, rating.pk]), statuses(302, 404, 404, 404, 422, 404, 422))
    nladder("post", reverse("strategies:assessment_validate", args=[pk]), statuses(302, 404, 404, 404, 403, 404, 302))
    nladder("post", reverse("strategies:assessment_publish", args=[pk]), statuses(302, 404, 404, 404, 403, 404, 302))
    nladder("post", reverse("strategies:assessment_return", args=[pk]), statuses(302, 404, 404, 404, 403, 404, 302))
    nladder("post", reverse("strategies:assessment_submit", args=[pk]), statuses(302, 404, 404, 404, 302, 404, 302))
    assert Assessment.objects.get(pk=pk).status == "draft"  # nobody's empty POST moved it (levels missing)


def test_the_ladder_on_a_published_round_and_its_plan(nladder, published_om, org_a):
    pk = published_om.pk
    gap = published_om.ratings.filter(level__lt=3).first()
    action = services.action_create(actor=None, assessment=published_om, criterion=gap.criterion, title="Act",
                                    owner=org_a, due_on=date(2014, 1, 1))
    evidence_url = reverse("strategies:evidence_download", args=[999_999])
    nladder("get", reverse("strategies:assessment_detail", args=[pk]), statuses(200, 200, 200, 200, 200, 200, 200))
    nladder("get", reverse("strategies:assessment_fill", args=[pk]), statuses(302, 403, 403, 403, 302, 403, 302))
    nladder("get", reverse("strategies:action_create", args=[pk]), statuses(302, 403, 403, 403, 200, 403, 200))
    nladder("get", reverse("strategies:action_edit", args=[action.pk]), statuses(302, 403, 403, 403, 200, 403, 200))
    nladder("get", reverse("strategies:country_profile", args=["OM"]), statuses(200, 200, 200, 200, 200, 200, 200))
    nladder("get", reverse("strategies:country_list"), statuses(200, 200, 200, 200, 200, 200, 200))
    nladder("get", reverse("strategies:world_map"), statuses(200, 200, 200, 200, 200, 200, 200))
    nladder("get", evidence_url, statuses(404, 404, 404, 404, 404, 404, 404))
    nladder("post", reverse("strategies:assessment_submit", args=[pk]), statuses(302, 403, 403, 403, 302, 403, 302))


def test_the_public_sees_the_summary_not_the_answers(client, published_om):
    rating = published_om.ratings.first()
    Rating.objects.filter(pk=rating.pk).update(comments="Private remark for the secretariat")
    page = client.get(reverse("strategies:assessment_detail", args=[published_om.pk])).content.decode()
    assert "Oman has a legal basis." in page
    assert "Private remark" not in page
    csv = b"".join(client.get(reverse("strategies:assessment_export", args=[published_om.pk, "csv"])).streaming_content)
    assert b"mean level" in csv and b"Private remark" not in csv


def test_a_national_focal_point_fills_and_submits_in_the_form(client, draft_om, national_om):
    client.force_login(national_om)
    url = reverse("strategies:assessment_fill", args=[draft_om.pk])
    ratings = list(draft_om.ratings.order_by("pk"))
    data = {"round-team": "Ministry of ICT", "round-strategy_stage": "preparing"}
    for i, r in enumerate(ratings):
        data.update({f"r{r.pk}-level": str(i % 5), f"r{r.pk}-target_level": "3", f"r{r.pk}-comments": f"c{i}"})
    data[f"r{ratings[-1].pk}-level"] = "7"  # out of range: nothing is saved
    response = client.post(url, data)
    assert response.status_code == 422
    assert not Rating.objects.filter(assessment=draft_om).exclude(level=None).exists()
    data[f"r{ratings[-1].pk}-level"] = "4"
    response = client.post(url, {**data, "then": "submit"})
    assert response.status_code == 302
    draft_om.refresh_from_db()
    assert (draft_om.status, draft_om.team, draft_om.strategy_stage) == ("submitted", "Ministry of ICT", "preparing")
    assert sorted(Rating.objects.filter(assessment=draft_om).values_list("level", flat=True)) == sorted(i % 5 for i in range(10))
    assert client.get(url).status_code == 302  # no longer a draft: back to the round


def test_a_national_focal_point_cannot_open_a_round_for_another_country(client, framework, national_et):
    client.force_login(national_et)
    response = client.post(reverse("strategies:assessment_create"),
                           {"country": "OM", "framework": framework.pk, "held_on": "2014-01-01", "strategy_stage": "none"})
    assert response.status_code == 422
    assert not Assessment.objects.exists()
    response = client.post(reverse("strategies:assessment_create"),
                           {"country": "ET", "framework": framework.pk, "held_on": "2014-01-01", "strategy_stage": "none"})
    assert response.status_code == 302
    assert Assessment.objects.get().country.code == "ET"


def test_wrong_evidence_is_explained(client, draft_om, national_om):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(national_om)
    rating = draft_om.ratings.first()
    url = reverse("strategies:evidence_add", args=[draft_om.pk, rating.pk])
    response = client.post(url, {"kind": "law", "title": "Exe", "file": SimpleUploadedFile("x.pdf", b"MZ\x90\x00")})
    assert response.status_code == 422 and "Upload a PDF" in response.content.decode()
    response = client.post(url, {"kind": "law", "title": "Code", "url": "https://example.org/code", "is_public": "on"})
    assert response.status_code == 302
    assert Evidence.objects.get().public_flag is True


def test_the_secretariat_validates_and_publishes_through_the_pages(client, draft_om, national_om, secretariat):
    fill(draft_om, national_om)
    services.assessment_submit(actor=national_om, assessment=draft_om)
    client.force_login(secretariat)
    client.post(reverse("strategies:assessment_validate", args=[draft_om.pk]))
    response = client.post(reverse("strategies:assessment_publish", args=[draft_om.pk]), {"summary": "Public words."},
                           follow=True)
    assert "Public words." in response.content.decode()
    client.logout()
    page = client.get(reverse("strategies:country_profile", args=["OM"])).content.decode()
    assert "Public words." in page
    listing = client.get(reverse("strategies:country_list")).content.decode()
    assert 'href="/strategies/countries/OM/"' in listing
    assert '<path class="stage-none"' in listing  # Oman's stage colours the map


def test_unknown_country_and_export_format_are_404(client, published_om):
    assert client.get(reverse("strategies:country_profile", args=["ZZ"])).status_code == 404
    assert client.get(reverse("strategies:assessment_export", args=[published_om.pk, "exe"])).status_code == 404


@pytest.mark.parametrize("fmt, magic", [("pdf", b"%PDF"), ("docx", b"PK"), ("xlsx", b"PK")])
def test_exports_are_real_files(client, published_om, fmt, magic):
    response = client.get(reverse("strategies:assessment_export", args=[published_om.pk, fmt]))
    assert response.status_code == 200 and response.content[:len(magic)] == magic


def test_the_map_is_an_svg_under_300_kb_with_every_stage(client, published_om):
    body = client.get(reverse("strategies:world_map")).content
    assert body.startswith(b"<?xml") and b"<svg" in body
    assert len(body) <= 300 * 1024
    assert body.count(b"<path") > 150
    assert b"Oman: No national strategy" in body
    assert b"Ethiopia: no published round" in body


def test_framework_import_page_refuses_duplicates(client, secretariat):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import criteria

    rows = criteria(1)
    rows[1]["code"] = rows[0]["code"]
    client.force_login(secretariat)
    body = json.dumps({"code": "dup", "version": 1, "name": "Dup", "criteria": rows}).encode()
    response = client.post(reverse("strategies:framework_import"), {"file": SimpleUploadedFile("f.json", body)})
    assert response.status_code == 422 and "used twice" in response.content.decode()
    response = client.post(reverse("strategies:framework_import"), {"file": SimpleUploadedFile("f.json", b"{nope")})
    assert response.status_code == 422 and "not JSON" in response.content.decode()


def _comparison_row(page: str, code: str, prefix: str = "") -> str | None:
    """The comparison table's row of ``code`` (from its link to the end of the row), or None."""
    table = page[page.index('<table id="comparison">'):]
    start = table.find(f'href="{prefix}/strategies/countries/{code}/"')
    return None if start < 0 else table[start:table.index("</tr>", start)]


def _cells(row: str) -> list[str]:
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_the_comparison_shows_published_rounds_alike_to_every_role_and_a_new_publication_at_once(
        client, personas, national_om, national_et, published_om, secretariat, django_assert_num_queries):
    url = reverse("strategies:country_list")
    # Ethiopia's round is validated, not published; Oman's newer round is still a draft.
    ethiopia = services.assessment_create(actor=national_et, country="ET", framework=published_om.framework,
                                          held_on=date(2014, 3, 1))
    fill(ethiopia, national_et, [0] * 10)
    services.assessment_submit(actor=national_et, assessment=ethiopia)
    services.assessment_validate(actor=secretariat, assessment=ethiopia)
    newer = services.assessment_create(actor=national_om, country="OM", framework=published_om.framework,
                                       held_on=date(2015, 6, 30))
    fill(newer, national_om, [4] * 10)
    people = {**personas, "national": national_om, "other_national": national_et}
    pages = {}
    for name in ("secretariat", "national", "other_national", "focal_point", "stakeholder", "anonymous"):
        client.logout()
        if people[name] is not None:
            client.force_login(people[name])
        pages[name] = client.get(url).content.decode()
    client.logout()
    for name, page in pages.items():
        oman = _comparison_row(page, "OM")
        assert oman is not None and "October 2013" in oman, name
        assert _cells(oman) == ["2.0", "3.0", "1.5", "2.0", "2.5"], name  # pairs (1,3) (2,4) (0,3) (2,2) (1,4)
        assert _comparison_row(page, "ET") is None, name  # validated is not published
        assert "Ethiopia: no published round" in page, name
    # The secretariat rendered the table first; everyone got the same table.
    tables = {page[page.index("<figure"):page.index("</table>")] for page in pages.values()}
    assert len(tables) == 1
    with django_assert_num_queries(2):  # the key; the table and map come from the cache
        client.get(url)

    services.assessment_publish(actor=secretariat, assessment=ethiopia, summary="Ethiopia starts.")
    page = client.get(url).content.decode()
    assert _cells(_comparison_row(page, "ET")) == ["0.0"] * 5
    assert "Ethiopia: No national strategy" in page  # the map too
    services.assessment_submit(actor=national_om, assessment=newer)
    services.assessment_validate(actor=secretariat, assessment=newer)
    services.assessment_publish(actor=secretariat, assessment=newer, summary="Better.")
    oman = _comparison_row(client.get(url).content.decode(), "OM")
    assert "June 2015" in oman and _cells(oman) == ["4.0"] * 5


def test_the_comparison_is_printed_in_the_readers_language(client, published_om, django_assert_num_queries):
    url = reverse("strategies:country_list")
    with django_assert_num_queries(5):  # the key (2), then the stages, the newest rounds and the pillars, once
        english = client.get(url).content.decode()
    french = client.get("/fr" + url).content.decode()
    assert _cells(_comparison_row(english, "OM")) == ["2.0", "3.0", "1.5", "2.0", "2.5"]
    oman = _comparison_row(french, "OM", prefix="/fr")
    assert _cells(oman) == ["2,0", "3,0", "1,5", "2,0", "2,5"]
    assert "Éthiopie" in french and "Ethiopia" not in french
    assert _comparison_row(client.get(url).content.decode(), "OM") == _comparison_row(english, "OM")


def test_a_published_summary_takes_its_own_direction_in_an_arabic_page(client, published_om, national_om):
    # An English summary under /ar/ ended ".basis" (its full stop on the left) in the page's right-to-left flow.
    profile_url, detail_url = (reverse("strategies:country_profile", args=["OM"]),
                               reverse("strategies:assessment_detail", args=[published_om.pk]))
    profile = client.get("/ar" + profile_url).content.decode()
    assert '<div class="summary" dir="auto"><p>Oman has a legal basis.</p></div>' in profile
    client.force_login(national_om)
    detail = client.get("/ar" + detail_url).content.decode()
    assert '<div class="summary" dir="auto"><p>Oman has a legal basis.</p></div>' in detail
