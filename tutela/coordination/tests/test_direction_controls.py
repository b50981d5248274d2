"""An override left open in a body's short name (as an import or an older record stored it) cannot reverse the
status after it: the name is shown paired and isolated in <bdi> (issue 18 bad input)."""

from datetime import date

import pytest
from django.urls import reverse

from tutela.coordination import services
from tutela.coordination.models import Body

RLO, PDF = "\u202e", "\u202c"


@pytest.mark.parametrize("url_name", ["coordination:meeting_detail", "coordination:attendance_history"])
def test_a_breadcrumb_isolates_the_body_name_from_its_status(client, jca, url_name):
    meeting = services.meeting_create(actor=None, body=jca, starts_on=date(2014, 1, 15), status="held")
    Body.objects.filter(pk=jca.pk).update(short_name=f"JCA{RLO} COP")
    args = [jca.slug, meeting.ordinal] if url_name.endswith("meeting_detail") else [jca.slug]
    page = client.get(reverse(url_name, args=args)).content.decode()
    assert f'/"><bdi>JCA{RLO} COP{PDF}</bdi></a> ' in page
    assert f"JCA{RLO} COP</a>" not in page
