"""An override left open in a programme's name cannot reverse the dates after it (issue 18 bad input)."""

from django.urls import reverse

from tutela.outreach.models import TrainingProgramme

RLO, PDF = "\u202e", "\u202c"


def test_a_country_page_isolates_each_programme_name_from_its_dates(client, programme):
    TrainingProgramme.objects.filter(pk=programme.pk).update(name=f"Addis{RLO} pilot")
    page = client.get(reverse("outreach:country", args=["et"])).content.decode()
    assert f'/"><bdi>Addis{RLO} pilot{PDF}</bdi></a> (July 2013 – January 2014)' in page
