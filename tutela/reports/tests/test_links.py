"""Every record type a report links to has a detail page that takes the record's id."""

import pytest
from django.apps import apps
from django.urls import resolve, reverse

from tutela.reports.rendering import URL_NAMES


@pytest.mark.parametrize(("model", "url_name"), sorted(URL_NAMES.items()))
def test_each_linked_record_type_is_a_model_whose_detail_page_takes_its_id(model, url_name):
    app_label, model_name = model.split(".")
    assert apps.get_model(app_label, model_name)._meta.label_lower == model
    url = reverse(url_name, args=[918273645])
    assert resolve(url).kwargs == {"pk": 918273645}
