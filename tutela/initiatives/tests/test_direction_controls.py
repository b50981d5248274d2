"""An override left open in a deliverable's title cannot reverse the status after it (issue 18 bad input)."""

import pytest
from django.urls import reverse

from tutela.initiatives.models import Deliverable, Pillar

RLO, PDF = "\u202e", "\u202c"


@pytest.mark.parametrize("page_of", ["pillar", "organisation"])
def test_a_deliverable_title_is_isolated_from_its_status(client, deliverable, org_a, page_of):
    Deliverable.objects.filter(pk=deliverable.pk).update(title=f"National{RLO} roadmaps")
    url = (reverse("initiatives:pillar_detail", args=[Pillar.objects.get(number=3).slug]) if page_of == "pillar"
           else reverse("partners:organisation_detail", args=[org_a.pk]))
    page = client.get(url).content.decode()
    assert f'/"><bdi>National{RLO} roadmaps{PDF}</bdi></a> <span class="badge status-in_progress">' in page
