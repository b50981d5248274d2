"""Demo: the 2014 COP Guidelines for Industry as a draft and a final version, the open
consultation of late 2013 to early 2014 with the IGF 2013 open forum as an in-person channel,
illustrative comments, decisions, the report and the final text with its change log.

Beside that closed story, one illustrative consultation is open for comment (a review of the final
2014 text), its window set relative to the day the demo is loaded so a newcomer can always try
commenting.

The paragraphs are short summaries written for this demo, never the guideline text itself.
The comments, respondents and decisions are illustrative.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from tutela.core.access import User

from . import selectors, services
from .models import Comment

BALI = ZoneInfo("Asia/Makassar")
GENEVA = ZoneInfo("Europe/Zurich")

DRAFT = """# Part 1. General guidelines for all industry

## Integrating child-rights considerations into corporate policies and management processes

Companies identify how their products and operations affect children's rights, and build that assessment into existing policy and risk processes rather than running it as a separate exercise.

A named person or team is responsible for child protection and has the authority to act across departments.

## Developing standard processes to handle child sexual abuse material

Companies agree clear notice-and-takedown steps with the national hotline and law enforcement, and preserve evidence when they are asked to.

Staff who review reported material receive training, written procedures and psychological support.

## Creating a safer and age-appropriate online environment

Default settings of services likely to be used by children favour privacy and safety, and age-appropriate choices are easy to find.

Users can easily report abuse, bullying and unwanted contact, and they receive an answer.

## Educating children, parents and teachers about children's safety and responsible ICT use

Companies use their reach to customers to support awareness campaigns for children, parents and teachers.

Safety information is written in plain language and offered in the languages customers use.

## Promoting digital technology as a mode for further civic engagement

Companies support children's access to information and their participation in public life online, balancing protection with freedom of expression.

# Part 2. Sector checklists

## Mobile operators

Offer parental tools and age-appropriate tariffs when a handset or contract is bought for a child.

Block known abuse material on the network in cooperation with the national hotline, where the law allows.

## Internet service providers

Publish how customers can report illegal content and how the provider responds.

Give customers optional filtering tools.

## Content providers, online retailers and app developers

Apply age ratings and age checks to content and purchases unsuitable for children.

Explain in-app purchases clearly and require consent before any payment.

## User-generated content, interactive and social media service providers

Set a minimum age in the terms of service and explain how it is enforced.

Moderate content and contacts with tools and trained staff, and handle reports involving children first.

## National and public service broadcasters

Apply editorial standards to programmes made with or for children, including their online extensions.

Moderate the comment spaces of programme websites aimed at young audiences.

## Hardware manufacturers, operating system developers and app stores

Ship devices with parental controls that are easy to switch on during set-up.

App stores rate apps by age and act on reports of apps that put children at risk.
"""

# The final text: edits, one new paragraph, one merge (a deletion), one move.
CHANGES = [
    ("A named person or team is responsible for child protection and has the authority to act across departments.",
     "A named person or team, which in a small company may be an existing role with a deputy, is responsible for "
     "child protection and has the authority to act across departments."),
    ("with the national hotline and law enforcement,",
     "with the national hotline (or, where there is none, a member of the international hotline network) and law "
     "enforcement,"),
    ("Users can easily report abuse, bullying and unwanted contact, and they receive an answer.",
     "Users can easily report abuse, bullying and unwanted contact, and they receive an answer.\n\n"
     "Companies explain to children, in words they understand, what personal data is collected and why."),
    ("Companies use their reach to customers to support awareness campaigns for children, parents and teachers.\n\n"
     "Safety information is written in plain language and offered in the languages customers use.",
     "Safety information is written in plain language and offered in the languages customers use.\n\n"
     "Companies use their reach to customers to support awareness campaigns for children, parents and teachers."),
    ("Give customers optional filtering tools.",
     "Give customers optional filtering tools and explain their limits, including the risk of blocking health and "
     "education sites."),
    ("and handle reports involving children first.",
     "handle reports involving children first, and tell the person who reported what happened next."),
    ("Apply editorial standards to programmes made with or for children, including their online extensions.\n\n"
     "Moderate the comment spaces of programme websites aimed at young audiences.",
     "Apply editorial standards to programmes made with or for children, including their online extensions and "
     "the comment spaces of programme websites aimed at young audiences."),
]

LETTER = ("Please make age verification mandatory on every social network, and require parental consent for "
          "all users under sixteen.")

# (key, stakeholder details, where: paragraph text prefix or None, quote, type, text, proposed change, channel, when)
COMMENTS = [
    ("gsma", {"stakeholder_type": "industry", "industry_sector": "mobile", "organisation_name":
              "Mobile operators' association (illustrative)", "country": "GB", "consent_to_list": True},
     "A named person or team", "", "technical",
     "Small operators cannot staff a dedicated child-protection team. Allow the responsibility to sit with an "
     "existing role, with a deputy.", "…a named person or team, or an existing role with a deputy…", "online",
     datetime(2013, 11, 12, 10, 5, tzinfo=GENEVA)),
    ("hotline", {"stakeholder_type": "civil_society", "organisation_name": "Child helpline coalition (illustrative)",
                 "country": "KE", "consent_to_list": True, "wants_outcome": True},
     "Companies agree clear notice-and-takedown", "", "general",
     "Many countries have no national hotline yet. Say where companies there should report.", "", "online",
     datetime(2013, 12, 2, 14, 30, tzinfo=GENEVA)),
    ("academia", {"stakeholder_type": "academia", "organisation_name": "University research group (illustrative)",
                  "country": "GB"},
     "Give customers optional filtering tools", "optional filtering tools", "technical",
     "Filters over-block health and sex-education sites. The text should say so, so parents can choose knowingly.",
     "Give customers optional filtering tools and explain their limits.", "online",
     datetime(2014, 1, 20, 9, 0, tzinfo=GENEVA)),
    ("government", {"stakeholder_type": "government", "organisation_name": "Ministry of communication (illustrative)",
                    "country": "ID"},
     "Users can easily report", "", "general",
     "Add a point on explaining to children how their personal data is used.", "", "in_person",
     datetime(2013, 10, 24, 11, 15, tzinfo=BALI)),
    ("youth", {"stakeholder_type": "child_via_org", "organisation_name": "Youth panel network (illustrative)",
               "country": "PH", "consent_to_list": True},
     "Moderate content and contacts", "", "general",
     "Young people on our panel say they stop reporting because they never hear what happened after a report.",
     "", "in_person", datetime(2013, 10, 24, 11, 40, tzinfo=BALI)),
    ("un", {"stakeholder_type": "international", "organisation_name": "UN agency (illustrative)", "consent_to_list": True},
     None, "", "general",
     "Refer explicitly to the UN Guiding Principles on Business and Human Rights throughout.", "", "online",
     datetime(2014, 2, 10, 16, 0, tzinfo=GENEVA)),
    ("editor", {"stakeholder_type": "individual", "country": "FR", "is_anonymous": True},
     "Moderate the comment spaces", "", "editorial",
     "This point belongs with the previous paragraph on programmes.", "Merge the two paragraphs.", "online",
     datetime(2014, 2, 14, 8, 45, tzinfo=GENEVA)),
    ("content", {"stakeholder_type": "industry", "industry_sector": "content", "organisation_name":
                 "App developers' forum (illustrative)", "country": "US"},
     "Safety information is written", "", "editorial",
     "Put plain language first: campaigns only work once the information itself is readable.", "", "online",
     datetime(2014, 2, 18, 12, 0, tzinfo=GENEVA)),
    ("personal", {"stakeholder_type": "individual", "country": "DE"},
     "App stores rate apps", "", "general",
     "My neighbour's app store account was hacked, call me on +00 000 000 000 about it.", "", "online",
     datetime(2014, 2, 20, 19, 0, tzinfo=GENEVA)),
    ("spam", {"stakeholder_type": "individual"}, None, "", "general",
     "Cheap watches at the best price, visit our shop.", "", "online", datetime(2014, 2, 21, 3, 0, tzinfo=GENEVA)),
] + [
    (f"letter{i}", {"stakeholder_type": "individual", "country": c}, "Set a minimum age", "", "general",
     LETTER if i % 2 else LETTER + " Thank you.", "",
     "online", datetime(2014, 2, 1 + i, 10, 0, tzinfo=GENEVA))
    for i, c in enumerate(["US", "CA", "GB", "AU", "US"])
]

DECISIONS = [
    (["gsma"], "accepted_modified", "Responsibility may sit with an existing role, as long as a deputy is named.",
     "A named person or team"),
    (["hotline"], "accepted", "The text now points to the international hotline network where no national hotline exists.",
     "Companies agree clear notice-and-takedown"),
    (["academia"], "accepted_modified", "The limits of filtering are now stated; choosing a filter stays with customers.",
     "Give customers optional filtering tools"),
    (["government"], "accepted", "A new paragraph on explaining data use to children was added.",
     "Companies explain to children"),
    (["youth"], "accepted_modified", "Reporters are now told what happened next; timing is left to each service.",
     "Moderate content and contacts"),
    (["un"], "noted", "The introduction already sets the guidelines within the UN Guiding Principles.", None),
    (["editor"], "accepted", "The two broadcaster paragraphs were merged.", "Apply editorial standards"),
    (["content"], "accepted", "Plain-language information now comes before campaigns.", "Safety information is written"),
    (["personal"], "out_of_scope", "A personal account problem, not about the guidelines; the person was referred to "
     "the app store's support.", None),
    ([f"letter{i}" for i in range(5)], "not_accepted",
     "Age verification and parental consent ages are set by national law; the guidelines ask services to state and "
     "enforce their minimum age.", None),
]


def _final_text() -> str:
    text = DRAFT
    for old, new in CHANGES:
        assert old in text, old
        text = text.replace(old, new)
    return text


def load(context: dict) -> None:
    actor: User = context["actor"]
    orgs = context.get("organisations", {})
    activities = context.get("activities", {})
    document = services.document_create(
        actor=actor, title="Guidelines for Industry on Child Online Protection", audience="industry", edition="2014",
        owner_organisation=orgs.get("itu"), deliverable=context.get("deliverables", {}).get("industry_guidelines"),
        summary="Updated by ITU and UNICEF in 2013–2014: general guidelines in five key areas and checklists for six "
                "sectors. The paragraphs shown here are short summaries written for the demo, not the guideline text.",
    )
    draft = services.version_import(actor=actor, document=document, label="Draft for consultation", source=DRAFT,
                                    publish=True)
    sessions = [activities[k] for k in ["igf_open_forum"] if k in activities]
    consultation = services.consultation_create(
        actor=actor, version=draft, title="Open consultation on the draft Guidelines for Industry", code="COPIG14",
        opens_at=datetime(2013, 10, 24, 9, 0, tzinfo=BALI), closes_at=datetime(2014, 3, 1, 0, 0, tzinfo=GENEVA),
        time_zone="Europe/Zurich", in_person_sessions=sessions, activity=activities.get("guidelines_consultation"),
        owner_organisation=orgs.get("unicef"), is_illustrative=True,
        summary="ITU and UNICEF presented the draft at an open forum at IGF 2013 in Bali and opened it to comment "
                "online. The dates and every comment below are illustrative.",
        questions=[{"text": "Is the scope of the guidelines right?", "choices": ["Yes", "Partly", "No"]},
                   {"text": "Which sub-sectors need more detail?"}],
    )
    paragraphs = list(draft.paragraphs.order_by("position"))

    def find(version_paragraphs, prefix):
        return next(p for p in version_paragraphs if p.text.startswith(prefix))

    comments = {}
    for key, details, where, quote, kind, text, proposed, channel, when in COMMENTS:
        respondent = None
        if channel == "online":
            respondent = services.respondent_record(actor=actor, consultation=consultation,
                                                    email=f"{key}@example.org", confirmed_at=when)
        comments[key] = services.comment_submit(
            consultation=consultation, actor=actor if channel == "in_person" else None, respondent=respondent,
            details=details, paragraph_id=find(paragraphs, where).pk if where else None, quote=quote,
            comment_type=kind, text=text, proposed_change=proposed, channel=channel, now=when,
            session=sessions[0] if channel == "in_person" and sessions else None, submission_key=f"demo-{key}",
            is_illustrative=True, notify=False,
        )
    services.comments_group(actor=actor, consultation=consultation)
    grouped = {pk for group in consultation.comment_groups.all() for pk in selectors.group_comment_ids(group)}
    for key, comment in comments.items():
        if comment.pk in grouped:
            continue
        if key == "spam":
            services.comment_moderate(actor=actor, comment=comment, action=Comment.Status.SPAM)
        elif key == "personal":
            services.comment_moderate(actor=actor, comment=comment, action=Comment.Status.HIDDEN,
                                      reason="Contains a phone number (personal data)")
        else:
            services.comment_moderate(actor=actor, comment=comment, action=Comment.Status.PUBLISHED)
    for group in consultation.comment_groups.all():
        services.comment_group_moderate(actor=actor, group=group, action=Comment.Status.PUBLISHED)

    final = services.version_import(actor=actor, document=document, label="Final (2014)", stage="final",
                                    source=_final_text(), based_on=draft)
    final_paragraphs = list(final.paragraphs.order_by("position"))
    for keys, decision, rationale, led_to in DECISIONS:
        services.disposition_record(
            actor=actor, consultation=consultation, comment_ids=[comments[k].pk for k in keys], decision=decision,
            rationale=rationale, resulting_paragraph_ids=[find(final_paragraphs, led_to).pk] if led_to else [],
            is_illustrative=True,
        )
    services.version_publish(actor=actor, version=final)
    services.report_publish(
        actor=actor, consultation=consultation, final_version=final, now=datetime(2014, 5, 15, 12, 0, tzinfo=GENEVA),
        notify=False,  # the respondents are illustrative: their example.org addresses get no mail
        summary="The consultation confirmed broad agreement on the purpose of the guidelines. Comments from industry, "
                "civil society, academia, government, a youth panel and individuals led to seven changes in the "
                "final text; a form-letter campaign on age verification was answered once. (Illustrative.)",
    )
    review = services.consultation_create(
        actor=actor, version=final, title="Open for comment: review of the Guidelines for Industry", code="COPREV",
        opens_at=timezone.now() - timedelta(days=7), closes_at=timezone.now() + timedelta(days=90),
        time_zone="Europe/Zurich", owner_organisation=orgs.get("itu"), is_illustrative=True,
        summary="An illustrative consultation, open whenever the demo is loaded: comment on any paragraph of the "
                "2014 text to try the public comment journey.",
    )
    context.setdefault("consultations", {})["industry_guidelines_2014"] = consultation
    context["consultations"]["industry_guidelines_review"] = review
    context.setdefault("guideline_versions", {}).update({"draft": draft, "final": final})
    context.setdefault("guideline_documents", {})["industry_2014"] = document
