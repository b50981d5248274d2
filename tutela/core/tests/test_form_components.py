"""components/form.html (WCAG 2.2): required fields are marked and explained, and a form with errors
shows a summary at the top that is announced and links to each field, which says it is invalid and
is described by its error. Through a real create page (components/form_page.html) and a page with its
own layout (the figure form), as the secretariat."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _label(page: str, field_id: str) -> str:
    return re.search(rf'<label for="{field_id}">(.*?)</label>', page, re.S).group(1)


def _control(page: str, field_id: str) -> str:
    return re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field_id}"[^>]*>', page).group(0)


def test_required_fields_are_marked_and_explained(client, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("partners:organisation_create")).content.decode()
    assert "Fields marked * are required." in page
    assert '<span class="required-mark" aria-hidden="true">*</span>' in _label(page, "id_name")
    assert re.search(r"\brequired\b", _control(page, "id_name"))
    assert "required-mark" not in _label(page, "id_acronym")  # optional: no mark
    assert not re.search(r"\brequired\b", _control(page, "id_acronym"))
    assert 'role="alert"' not in page  # no summary without errors


def test_a_form_with_errors_summarises_them_at_the_top_and_links_each_field(client, secretariat):
    client.force_login(secretariat)
    response = client.post(reverse("partners:organisation_create"), {"name": "", "kind": ""})
    assert response.status_code == 422
    page = response.content.decode()
    summary = re.search(r'<div class="notice error error-summary" role="alert" id="form-errors" tabindex="-1" autofocus>'
                        r"(.*?)</div>", page, re.S).group(1)
    assert page.index('id="form-errors"') < page.index('id="id_name"')  # above the fields
    assert re.search(r'<a href="#id_name">Name: [^<]+</a>', summary)
    assert re.search(r'<a href="#id_kind">[^<]+</a>', summary)
    name = _control(page, "id_name")
    assert 'aria-invalid="true"' in name and re.search(r'aria-describedby="[^"]*\bid_name_error\b', name)
    assert re.search(r'<p class="field-error" id="id_name_error">[^<]+</p>', page)
    assert 'aria-invalid' not in _control(page, "id_acronym")


def test_a_page_with_its_own_layout_uses_the_same_summary_and_marks(client, secretariat):
    client.force_login(secretariat)
    url = reverse("figures:figure_create")
    assert "Fields marked * are required." in client.get(url).content.decode()
    page = client.post(url, {}).content.decode()
    assert 'role="alert" id="form-errors"' in page and "Nothing was saved." in page
    linked = re.findall(r'<li><a href="#(id_\w+)">', page)
    assert linked, "the summary links the fields in error"
    for field_id in linked:
        control = _control(page, field_id) if f'<div id="{field_id}">' not in page else ""
        if control:
            assert 'aria-invalid="true"' in control and f"{field_id}_error" in control
