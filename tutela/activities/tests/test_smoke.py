import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_render(client, pilot):
    for url in [reverse("activities:activity_list"), reverse("activities:timeline"),
                reverse("activities:activity_detail", args=[pilot.pk]), reverse("activities:occasion_list"),
                reverse("activities:project_list"), reverse("figures:dashboard"), reverse("figures:figure_list")]:
        r = client.get(url)
        assert r.status_code == 200, url
