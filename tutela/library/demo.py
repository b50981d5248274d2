"""Demo records: the consultation's final guideline already came in through consultations; an illustrative
session plan for 10–14 year olds (the seed's ¶10 Safer Internet Day 2014 session for children) and a leaflet."""

from typing import Any

from tutela.consultations.models import Audience

from . import services
from .models import Resource


def load(context: dict[str, Any]) -> None:
    actor = context["actor"]
    orgs = context.get("organisations", {})
    leaflet = services.resource_create(
        actor=actor, title="Safe and Secure Online: tips for 10–14 year olds", kind=Resource.Kind.LEAFLET,
        audience=Audience.CHILDREN, min_age=10, max_age=14, format=Resource.Format.ONLINE,
        licence=Resource.Licence.CC_BY_NC, countries=["CH"], owner_organisation=orgs.get("itu"),
        producers=[o for o in [orgs.get("isc2")] if o], is_illustrative=True,
        summary="Illustrative: a leaflet on cyberbullying, sexting, online reputation and social media.",
    )
    version = services.resource_version_create(actor=actor, resource=leaflet, label="First edition")
    services.language_version_add(actor=actor, version=version, language="en",
                                  link="https://www.itu.int/en/cop/Pages/default.aspx")
    services.language_version_add(actor=actor, version=version, language="fr",
                                  link="https://www.itu.int/fr/cop/Pages/default.aspx")
    services.resource_publish(actor=actor, resource=leaflet)
    plan = services.plan_create(
        actor=actor, title="Safe and Secure Online (10–14)", min_age=10, max_age=14,
        topics="cyberbullying, sexting, online reputation, social media", duration_minutes=90,
        materials=[leaflet], owner_organisation=orgs.get("itu"), is_illustrative=True,
        outline="Illustrative plan after the seed's ¶10 session for children at the ICT Discovery museum.",
    )
    activity = context.get("activities", {}).get("sid_children")
    if activity is not None:
        use = services.session_use_record(actor=actor, activity=activity, plan=plan)
        services.feedback_record(actor=actor, use=use, min_age=10, max_age=12, ratings=[0, 1, 3, 9, 14])
        services.feedback_record(actor=actor, use=use, min_age=13, max_age=14, ratings=[0, 0, 1, 1, 1])
    context.setdefault("resources", {})["leaflet"] = leaflet
    context["session_plans"] = {"sid_10_14": plan}
