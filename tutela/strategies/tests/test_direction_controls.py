"""An override left open in a framework's name cannot reverse the version after it (issue 18 bad input)."""

from django.urls import reverse

from tutela.strategies.models import Framework

RLO, PDF = "\u202e", "\u202c"


def test_the_framework_list_isolates_each_name_from_its_version(client, framework, secretariat):
    Framework.objects.filter(pk=framework.pk).update(name=f"Test{RLO} framework")
    client.force_login(secretariat)
    page = client.get(reverse("strategies:framework_list")).content.decode()
    assert f'/"><bdi>Test{RLO} framework{PDF}</bdi></a> <span class="badge">v1</span>' in page
