"""Demo figures: the numbers the progress update reports, each with its kind and source."""

from datetime import date

from tutela.core.access import User
from tutela.core.choices import FigureKind

from .models import Figure
from .services import figure_create, indicator_get_or_create

SEED = "ITU, Update on the ITU Child Online Protection (COP) Initiative (2013–14), ¶3"


def load(context: dict) -> None:
    actor: User = context["actor"]
    pilot = context["activities"]["addis_pilot"]
    itu = context["organisations"]["itu"]
    ambassadors = indicator_get_or_create(
        code="safety-ambassadors-trained", name="Safety ambassadors trained", unit="people",
        definition="Adults (government, law enforcement, educators) trained to pass online-safety messages on.",
    )
    schools = indicator_get_or_create(code="schools-engaged", name="Schools engaged", unit="schools")
    children = indicator_get_or_create(
        code="children-reached", name="Children reached", unit="children",
        definition="Children who saw or heard a safety message or took part in a session.",
    )
    figures = context.setdefault("figures", {})
    common = {"subject": pilot, "owner_organisation": itu, "country": "ET"}
    figures["ambassadors_100"] = figure_create(
        actor=actor, indicator=ambassadors, value=100, kind=FigureKind.COUNTED, measure=Figure.Measure.ACTUAL,
        source=SEED + "; ITU COP activities page",
        source_url="https://www.itu.int/en/cop/Pages/activities.aspx",
        as_of=date(2014, 1, 31), period_start=date(2013, 7, 1), period_end=date(2014, 1, 31),
        note="Sources disagree: ITU's pilot page sets a target of 50 professionals.", **common,
    )
    figures["ambassadors_target_50"] = figure_create(
        actor=actor, indicator=ambassadors, value=50, kind=FigureKind.COUNTED, measure=Figure.Measure.TARGET,
        source="ITU, Ethiopia pilot page", source_url="https://www.itu.int/en/cop/Pages/ethiopia.aspx",
        as_of=date(2013, 8, 29), note="Target set when the pilot was announced; the progress update reports 100.",
        **common,
    )
    figures["schools_25"] = figure_create(
        actor=actor, indicator=schools, value=25, kind=FigureKind.COUNTED, source=SEED,
        as_of=date(2014, 1, 31), note="Educators from 25 schools across Addis Ababa were trained.", **common,
    )
    figures["children_15000"] = figure_create(
        actor=actor, indicator=children, value=15000, kind=FigureKind.ESTIMATED, source=SEED,
        as_of=date(2014, 1, 31), period_start=date(2013, 7, 1), period_end=date(2014, 1, 31),
        method=(
            "Projection reported by ITU: “it is estimated that at the end of the pilot exercise in January 2014 "
            "15,000 children would have seen the safety messages.” The source does not state how the estimate "
            "was made; the outreach reach model shows a reconstruction from stated assumptions."
        ),
        assumptions="Reached means having seen the “Click Safe, Click Clever” safety messages.",
        note="Age band not stated by the source.", **common,
    )
