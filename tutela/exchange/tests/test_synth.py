"""manage.py synth: deterministic benchmark data with the documented shape."""

import pytest
from django.core.management import call_command

from tutela.activities.models import Activity, ActivityPartner, Participation
from tutela.figures.models import Figure
from tutela.partners.models import Organisation

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(Activity.objects.order_by("pk").values_list("title", "kind", "starts_on", "country")),
        list(Figure.objects.order_by("pk").values_list("value", "kind", "as_of")),
    )


def test_synth_is_deterministic_and_valid(capsys):
    call_command("synth", activities=300, figures=500, organisations=50, seed=7)
    assert Organisation.objects.count() == 50
    assert Activity.objects.count() == 300 and Figure.objects.count() == 500
    # Every activity has an organiser, one or two pillars; children only with an age band in 0–17.
    assert ActivityPartner.objects.filter(role="organiser").values("activity").distinct().count() == 300
    assert not Activity.objects.filter(pillars=None).exists()
    assert not Participation.objects.filter(group="children", max_age__gt=17).exists()
    assert not Figure.objects.filter(group="children", min_age=None).exists()
    assert Figure.objects.exclude(kind="counted").filter(method="").count() == 0
    assert len(set(Activity.objects.values_list("country", flat=True))) > 30
    first = _snapshot()
    Figure.objects.all().delete()
    Activity.objects.all().delete()
    ActivityPartner.objects.all().delete()
    Organisation.objects.filter(name__contains=" S7-").delete()
    call_command("synth", activities=300, figures=500, organisations=50, seed=7)
    assert [row for row in _snapshot()[0]] == [row for row in first[0]]
    assert _snapshot()[1] == first[1]


def test_synth_refuses_to_run_twice_with_one_seed():
    from django.core.management.base import CommandError

    call_command("synth", activities=0, figures=0, organisations=5, seed=3)
    with pytest.raises(CommandError):
        call_command("synth", activities=0, figures=0, organisations=5, seed=3)
