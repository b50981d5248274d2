"""An override left open in an agreement's title cannot reverse the expiry after it (issue 18 bad input)."""

from django.urls import reverse

from tutela.partners.models import Agreement

RLO, PDF = "\u202e", "\u202c"


def test_an_organisation_page_isolates_each_agreement_title_from_its_expiry(client, mou, org_b):
    Agreement.objects.filter(pk=mou.pk).update(title=f"MoU{RLO} on protection")
    page = client.get(reverse("partners:organisation_detail", args=[org_b.pk])).content.decode()
    assert f'/"><bdi>MoU{RLO} on protection{PDF}</bdi></a> <' in page
    assert "protection</a>" not in page
