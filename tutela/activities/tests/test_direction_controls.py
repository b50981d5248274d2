"""An override left open in an occasion's name cannot reverse the kind after it (issue 18 bad input)."""

from datetime import date

import pytest
from django.urls import reverse

from tutela.activities import services
from tutela.activities.models import Occasion

pytestmark = pytest.mark.django_db

RLO, PDF = "\u202e", "\u202c"


def test_the_occasion_list_isolates_each_name_from_its_kind(client, secretariat):
    occasion = services.occasion_create(actor=secretariat, name="IGF 2013", kind="forum", starts_on=date(2013, 10, 22))
    Occasion.objects.filter(pk=occasion.pk).update(name=f"IGF{RLO} 2013")
    client.force_login(secretariat)
    page = client.get(reverse("activities:occasion_list")).content.decode()
    assert f'/"><bdi>IGF{RLO} 2013{PDF}</bdi></a> <span class="meta">' in page
