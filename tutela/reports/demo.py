"""Demo: the seed report itself, drafted from the records for CWG-COP's 8th meeting."""

from datetime import date

from tutela.core.access import User

from .services import report_create, report_draft


def load(context: dict) -> None:
    actor: User = context["actor"]
    meeting = context.get("meetings", {}).get("cwg_cop_8")
    document = context.get("documents", {}).get("cwg_cop_8_update")
    report = report_create(
        actor=actor,
        title="Update on the ITU Child Online Protection (COP) Initiative",
        initiative=context["initiative"],
        presented_to="Council Working Group on Child Online Protection (CWG-COP)",
        meeting="8th meeting",
        meeting_place=getattr(meeting, "city", "") or "",
        meeting_date=date(2014, 2, 21),
        document_number=getattr(document, "number", "") or "",
        author="ITU Secretariat",
        # After the 7th meeting (9 October 2013) up to the 8th, plus what was still running then.
        period_start=date(2013, 10, 10),
        period_end=date(2014, 2, 21),
        include_ongoing=True,
    )
    report_draft(actor=actor, report=report)
    context.setdefault("reports", {})["cwg_cop_8"] = report
