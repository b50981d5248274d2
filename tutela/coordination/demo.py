"""Demo: the ITU-T coordination story of seed ¶7, and CWG-COP where the seed's update was presented.

Facts from the seed: JCA-COP's 4th (3 December 2013) and 5th (15 January 2014) meetings; the
agreement at the 5th to continue after January 2014 with a lifetime extended to September 2015
and revised terms of reference in JCA-COP DOC047; the two co-chairs; SG17, the parent body,
sending a liaison statement to TSAG asking for the continuation. From domain.md: JCA-COP was
established in April 2012 under SG17; CWG-COP works under Council Resolution 1306 (2009).
Everything else (earlier documents, the liaison's dates and deadline, document numbers at
CWG-COP) is illustrative and marked so.
"""

from datetime import date

from tutela.core.access import User

from .models import Body, Decision, Document, LiaisonRecipient, Meeting
from .services import (
    action_item_add,
    action_item_close,
    agenda_item_add,
    body_create,
    chair_appoint,
    decision_add,
    document_register,
    liaison_create,
    lifetime_extend,
    meeting_create,
    membership_add,
    terms_of_reference_add,
)

SEED = "Seed report ¶7 (2013-14 COP progress update)"
ILLUSTRATIVE_DOCS_4TH = [
    # sequence, kind, title, source, access
    (40, Document.Kind.AGENDA, "Draft agenda of the 4th JCA-COP meeting", "Co-chairs", Document.Access.PUBLIC),
    (41, Document.Kind.REPORT, "Report of the 3rd JCA-COP meeting", "TSB", Document.Access.PUBLIC),
    (42, Document.Kind.CONTRIBUTION, "COP-related work items in ITU-T study groups", "TSB", Document.Access.PUBLIC),
    (43, Document.Kind.LIAISON, "Incoming liaison: COP activities in ITU-D", "ITU-D", Document.Access.PUBLIC),
    (44, Document.Kind.CONTRIBUTION, "List of COP representatives in study groups and external bodies", "TSB",
     Document.Access.MEMBERS),
    (45, Document.Kind.PRESENTATION, "Update from CWG-COP", "CWG-COP secretariat", Document.Access.PUBLIC),
    (46, Document.Kind.REPORT, "Report of the 4th JCA-COP meeting", "Co-chairs", Document.Access.PUBLIC),
]


# The bodies' addresses for liaison statements are placeholders (.invalid never reaches anyone): a liaison
# sent from the demo goes through the worker to the configured mail backend and nowhere else.


def load(context: dict) -> None:
    actor: User = context["actor"]
    orgs = context.get("organisations", {})
    people = context.get("people", {})
    activities = context.get("activities", {})
    bodies = context.setdefault("bodies", {})
    meetings = context.setdefault("meetings", {})
    documents = context.setdefault("documents", {})
    liaisons = context.setdefault("liaisons", {})

    bodies["itu_t"] = body_create(
        actor=actor, short_name="ITU-T", name="ITU Telecommunication Standardization Sector", kind=Body.Kind.SECTOR,
        number_prefix="ITU-T DOC", website="https://www.itu.int/ITU-T/", source="domain.md §4",
        contact_email="itu-t@tutela.invalid",
    )
    bodies["sg17"] = body_create(
        actor=actor, short_name="SG17", name="ITU-T Study Group 17 (Security)", kind=Body.Kind.STUDY_GROUP,
        parent=bodies["itu_t"], number_prefix="SG17-TD", number_padding=0, source="domain.md §4",
        contact_email="sg17@tutela.invalid",
    )
    bodies["tsag"] = body_create(
        actor=actor, short_name="TSAG", name="Telecommunication Standardization Advisory Group",
        kind=Body.Kind.ADVISORY_GROUP, parent=bodies["itu_t"], number_prefix="TSAG-TD", number_padding=0,
        source="domain.md §4", contact_email="tsag@tutela.invalid",
    )
    jca = bodies["jca_cop"] = body_create(
        actor=actor, short_name="JCA-COP", name="Joint Coordination Activity on Child Online Protection",
        kind=Body.Kind.JOINT_COORDINATION_ACTIVITY, parent=bodies["sg17"],
        mandate="ITU-T A.1, clause 2.2 (joint coordination activity)",
        description=(
            "Coordinates child online protection work across ITU-T study groups, liaises with ITU-R, ITU-D and "
            "CWG-COP, and is ITU-T's visible contact point for COP."
        ),
        established_on=date(2012, 4, 1), established_date_is_approximate=True, ends_on=date(2014, 1, 31),
        number_prefix="JCA-COP DOC", number_padding=3, document_start=40, meetings_before_registry=3,
        website="https://www.itu.int/en/ITU-T/jca/Pages/default.aspx", contact_email="jca-cop@tutela.invalid",
        source="domain.md §4; " + SEED,
    )
    cwg = bodies["cwg_cop"] = body_create(
        actor=actor, short_name="CWG-COP", name="Council Working Group on Child Online Protection",
        kind=Body.Kind.COUNCIL_WORKING_GROUP, mandate="Council Resolution 1306 (2009)",
        number_style=Body.NumberStyle.MEETING, number_prefix="CWG-COP", number_padding=0, meetings_before_registry=6,
        source="domain.md §4", contact_email="cwg-cop@tutela.invalid",
    )

    if "itu" in orgs:
        membership_add(actor=actor, body=jca, organisation=orgs["itu"], role="secretariat", represents="TSB")
    for key, represents in (("ntia", "United States"), ("gov_uk", "United Kingdom")):
        if key in orgs:
            membership_add(actor=actor, body=jca, organisation=orgs[key], represents=represents)
    for key in ("heineman", "ruston"):
        if key in people:
            chair_appoint(actor=actor, body=jca, person=people[key], role="co_chair",
                          note="Continues to co-chair JCA-COP after the 5th meeting (15 January 2014).")

    fourth = meetings["jca_cop_4"] = meeting_create(
        actor=actor, body=jca, starts_on=date(2013, 12, 3), status=Meeting.Status.HELD,
        activity=activities.get("jca_cop_4"), source=SEED,
    )
    earlier = []
    for sequence, kind, title, source, access_level in ILLUSTRATIVE_DOCS_4TH:
        meeting = fourth if sequence != 41 else None
        earlier.append(document_register(
            actor=actor, body=jca, meeting=meeting, number=sequence, kind=kind, title=title, source=source,
            access_level=access_level, document_date=date(2013, 11, 20) if sequence < 46 else date(2013, 12, 10),
            is_illustrative=True,
        ))
    agenda_item_add(actor=actor, meeting=fourth, title="Opening and approval of the agenda", documents=[earlier[0]])
    agenda_item_add(actor=actor, meeting=fourth, title="COP work in ITU-T study groups", documents=earlier[2:4])
    agenda_item_add(actor=actor, meeting=fourth, title="Update from CWG-COP", documents=[earlier[5]])
    fourth.report_document = earlier[6]
    fourth.save(update_fields=["report_document"])

    fifth = meetings["jca_cop_5"] = meeting_create(
        actor=actor, body=jca, starts_on=date(2014, 1, 15), status=Meeting.Status.HELD,
        activity=activities.get("jca_cop_5"), source=SEED,
    )
    doc047 = documents["doc047"] = document_register(
        actor=actor, body=jca, meeting=fifth, number=47, kind=Document.Kind.TERMS_OF_REFERENCE,
        title="Revised terms of reference of JCA-COP", source="JCA-COP", document_date=date(2014, 1, 15),
    )
    agenda_item_add(actor=actor, meeting=fifth, title="Continuation of JCA-COP and revised terms of reference",
                    documents=[doc047])
    decision_add(actor=actor, meeting=fifth, kind=Decision.Kind.AGREEMENT, text=(
        "Participants agreed to continue JCA-COP after January 2014, with an extended lifetime until September 2015 "
        "and revised terms of reference as contained in JCA-COP DOC047."))
    decision_add(actor=actor, meeting=fifth, kind=Decision.Kind.DECISION, text=(
        "Ms Ashley Heineman (United States) and Mr Philip Ruston (United Kingdom) will continue to co-chair future "
        "JCA-COP meetings."))
    decision_add(actor=actor, meeting=fifth, kind=Decision.Kind.DECISION, text=(
        "ITU-T SG17, as the parent body of JCA-COP, will submit an outgoing liaison statement to TSAG to ask for "
        "the continuation of JCA-COP."))
    send_ls = action_item_add(actor=actor, meeting=fifth, owner_label="ITU-T SG17",
                    text="Send an outgoing liaison statement to TSAG asking for the continuation of JCA-COP.")
    terms_of_reference_add(actor=actor, body=jca, document=doc047, approved_on=date(2014, 1, 15),
                           approved_by_label="JCA-COP participants (5th meeting)", meeting=fifth,
                           note="SG17, the parent body, asks TSAG for the continuation by liaison statement.")
    lifetime_extend(actor=actor, body=jca, new_end=date(2015, 9, 30), decided_on=date(2014, 1, 15), meeting=fifth,
                    decided_by=jca, reason=(
                        "Participants agreed to continue JCA-COP after January 2014 with an extended lifetime until "
                        "September 2015 (the source gives the month only) and revised terms of reference (DOC047)."))
    report5 = document_register(
        actor=actor, body=jca, meeting=fifth, kind=Document.Kind.REPORT, title="Report of the 5th JCA-COP meeting",
        source="Co-chairs", document_date=date(2014, 1, 20), is_illustrative=True,
    )
    fifth.report_document = report5
    fifth.save(update_fields=["report_document"])

    liaisons["sg17_to_tsag"] = liaison_create(
        actor=actor, from_body=bodies["sg17"], reference="SG17-LS (illustrative)",
        subject="Continuation of the Joint Coordination Activity on Child Online Protection (JCA-COP)",
        body_text=(
            "At its 5th meeting (15 January 2014) JCA-COP agreed to continue after January 2014 with an extended "
            "lifetime until September 2015 and revised terms of reference (JCA-COP DOC047). ITU-T SG17, as the "
            "parent body of JCA-COP, asks TSAG to agree to the continuation."
        ),
        recipients=[{"body": bodies["tsag"], "purpose": LiaisonRecipient.Purpose.ACTION, "deadline": date(2014, 6, 2)}],
        contact_person=people.get("heineman"), contact_email="" if people.get("heineman") else "tsb@tutela.invalid",
        approval="ITU-T SG17", attachments=[doc047], send=True, sent_on=date(2014, 1, 24), is_illustrative=True,
        deliver=False,  # sent in 2014, outside Tutela: recorded, not e-mailed
        source=SEED + ": SG17 “will submit” the liaison; its reference, dates and deadline here are illustrative.",
    )

    action_item_close(actor=actor, item=send_ls, on=date(2014, 1, 24))

    for key, day in (("cwg_cop_7", date(2013, 10, 9)), ("cwg_cop_8", date(2014, 2, 21))):
        meetings[key] = meeting_create(actor=actor, body=cwg, starts_on=day, status=Meeting.Status.HELD,
                                       source="Issue 6 (coordination groups)")
    documents["cwg_cop_update"] = document_register(
        actor=actor, body=cwg, meeting=meetings["cwg_cop_8"], kind=Document.Kind.CONTRIBUTION,
        title="Update on the Child Online Protection Global Initiative (2013-14)", source="ITU secretariat",
        document_date=date(2014, 2, 14), is_illustrative=True,
    )
    agenda_item_add(actor=actor, meeting=meetings["cwg_cop_8"], title="Update on COP activities",
                    documents=[documents["cwg_cop_update"]])
