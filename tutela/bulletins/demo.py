"""Demo: the lists the seed's ¶8 implies (ITU membership, partners' focal points, the public) and one
bulletin sent by ITU and Trend Micro against their MoU's "regular basis" commitment. Addresses are
illustrative (example.org)."""

from tutela.core.access import User

from .services import bulletin_create, bulletin_deliver, bulletin_send, list_create, subscriber_add


def load(context: dict) -> None:
    actor: User = context["actor"]
    orgs = context.get("organisations", {})
    lists = {
        "member_states": list_create(actor=actor, name="ITU membership: Member States", slug="member-states",
                                     kind="membership", description="Administrations of ITU Member States."),
        "sector_members": list_create(actor=actor, name="ITU membership: Sector Members", slug="sector-members",
                                      kind="membership"),
        "academia": list_create(actor=actor, name="ITU membership: Academia", slug="academia", kind="membership"),
        "focal_points": list_create(actor=actor, name="Partners' focal points", slug="focal-points", kind="focal_points",
                                    is_private=True),
        "public": list_create(actor=actor, name="COP news", slug="cop-news", public_signup=True,
                              description="News of the Child Online Protection initiative, in the six UN languages."),
    }
    for address, language, key in [("ministry.ict@example.org", "fr", "member_states"),
                                   ("regulator@example.org", "es", "member_states"),
                                   ("operator@example.org", "en", "sector_members"),
                                   ("university@example.org", "ar", "academia")]:
        subscriber_add(actor=actor, mailing_list=lists[key], email=address, language=language,
                       consent_text="Illustrative: agreed on the ITU membership contact form.",
                       consent_source="illustrative demo row")
    mou = context.get("agreements", {}).get("trendmicro_mou")
    commitment = mou.commitments.filter(text__icontains="regular basis").first() if mou is not None else None
    bulletin = bulletin_create(
        actor=actor, mailing_list=lists["member_states"], subject="COP bulletin: the guidelines and what comes next",
        body="ITU and Trend Micro share news of the Child Online Protection initiative with the membership.\n\n"
             "Read the [guidelines under consultation](/consultations/) and the [activities](/activities/).",
        organisations=[o for o in (orgs.get("itu"), orgs.get("trendmicro")) if o is not None], commitment=commitment)
    bulletin_send(actor=actor, bulletin=bulletin)
    bulletin_deliver(bulletin_id=bulletin.pk)  # the demo sends at once (no worker needed)
    context["mailing_lists"] = lists
    context.setdefault("bulletins", {})["first"] = bulletin
