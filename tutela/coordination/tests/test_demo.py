"""The demo tells seed ¶7 as coordination records, and shares them with the report app."""

from datetime import date

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_context():
    import importlib

    from django.apps import apps

    ctx: dict = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("tutela."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError:
            continue
        module.load(ctx)
    return ctx


def test_seed_paragraph_7(demo_context):
    context = demo_context
    jca = context["bodies"]["jca_cop"]
    assert jca.parent.short_name == "SG17" and jca.parent.parent.short_name == "ITU-T"
    assert jca.established_on == date(2012, 4, 1) and jca.ends_on == date(2015, 9, 30)
    fourth, fifth = context["meetings"]["jca_cop_4"], context["meetings"]["jca_cop_5"]
    assert (fourth.ordinal, fourth.starts_on, fifth.ordinal, fifth.starts_on) == (4, date(2013, 12, 3), 5, date(2014, 1, 15))
    assert fifth.activity == context["activities"]["jca_cop_5"]
    doc047 = context["documents"]["doc047"]
    assert doc047.number == "JCA-COP DOC047" and doc047.meeting == fifth and not doc047.is_illustrative
    assert jca.terms_of_reference.first().document == doc047
    extension = jca.extensions.get()
    assert extension.meeting == fifth and extension.new_end == date(2015, 9, 30) and extension.previous_end == date(2014, 1, 31)
    from tutela.coordination.selectors import chairs_of

    assert sorted(a.person.full_name for a in chairs_of(jca, on=date(2014, 2, 1))) == ["Ashley Heineman", "Philip Ruston"]
    liaison = context["liaisons"]["sg17_to_tsag"]
    recipient = liaison.recipients.get()
    assert liaison.from_body.short_name == "SG17" and recipient.body.short_name == "TSAG" and recipient.purpose == "action"
    assert list(liaison.attachments.all()) == [doc047]
    cwg7, cwg8 = context["meetings"]["cwg_cop_7"], context["meetings"]["cwg_cop_8"]
    assert (cwg7.ordinal, cwg7.starts_on, cwg8.ordinal, cwg8.starts_on) == (7, date(2013, 10, 9), 8, date(2014, 2, 21))
    assert context["bodies"]["cwg_cop"].mandate == "Council Resolution 1306 (2009)"
    assert context["documents"]["cwg_cop_update"].number == "CWG-COP/8/1"


def test_load_demo_command_runs(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo")
    from tutela.coordination.models import Document

    assert Document.objects.filter(number="JCA-COP DOC047").exists()
