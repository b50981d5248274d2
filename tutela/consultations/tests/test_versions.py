"""Structured versions: import, numbering, stable paragraph identity, diff."""

import io

import docx
import pytest
from django.core.exceptions import ValidationError

from tutela.consultations import services
from tutela.consultations.models import GuidelineVersion, Paragraph
from tutela.consultations.selectors import version_diff

pytestmark = pytest.mark.django_db


def test_markdown_headings_become_numbered_sections_and_paragraphs_run_through(draft):
    rows = [(p.kind, p.number, p.text[:20]) for p in draft.paragraphs.order_by("position")]
    assert rows == [
        ("section", "1", "Child rights in corp"),
        ("paragraph", "1", "Companies name a per"),
        ("paragraph", "2", "Child-rights risks a"),
        ("section", "2", "Handling child sexua"),
        ("paragraph", "3", "Companies set up not"),
        ("section", "2.1", "Reporting"),
        ("paragraph", "4", "Users can report sus"),
    ]
    reporting = draft.paragraphs.get(kind="paragraph", number="4")
    assert reporting.section.number == "2.1"
    assert reporting.section.section.number == "2"


def test_edited_moved_and_renumbered_paragraphs_keep_their_identity(secretariat, document, draft):
    old = {p.text[:12]: p.anchor_id for p in draft.paragraphs.all()}
    revised = """# Child rights in corporate policy

Child-rights risks are assessed when new services are designed.

Companies name a person or a team responsible for child protection, with a deputy.

New: companies publish a yearly child-rights statement.

# Handling child sexual abuse material

## Reporting

Users can report suspected abuse material from every page.
"""
    final = services.version_import(actor=secretariat, document=document, label="Final", source=revised, stage="final")
    new = {p.text[:12]: p for p in final.paragraphs.all()}
    assert new["Companies na"].anchor_id == old["Companies na"]  # edited, moved, renumbered: same anchor
    assert new["Companies na"].number == "2"
    assert new["Child-rights"].anchor_id == old["Child-rights"]
    assert new["New: compani"].anchor_id not in old.values()
    rows = {((r.new or r.old).text[:12]): r for r in version_diff(draft, final)}
    assert {"edited", "renumbered"} <= set(rows["Companies na"].changes)
    # Two paragraphs swapped places: exactly one of them counts as moved.
    assert ("moved" in rows["Companies na"].changes) != ("moved" in rows["Child-rights"].changes)
    assert "<ins>" in rows["Companies na"].html and "deputy" in rows["Companies na"].html
    assert rows["New: compani"].changes == ["new"]
    assert rows["Companies se"].changes == ["deleted"]
    assert rows["Users can re"].changes == []  # still ¶ 4, same text
    assert final.based_on == draft


def test_explicit_keys_in_markdown_win_over_text_similarity(secretariat, document, draft):
    first = draft.paragraphs.get(kind="paragraph", number="1")
    text = f"# Policy\n\nCompletely rewritten wording about responsibility. {{#{first.anchor.key}}}\n"
    v2 = services.version_import(actor=secretariat, document=document, label="Draft 2", source=text)
    assert v2.paragraphs.get(kind="paragraph").anchor_id == first.anchor_id


def test_docx_import_reads_headings_as_sections(secretariat, document):
    word = docx.Document()
    word.add_heading("Educating children and parents", level=1)
    word.add_paragraph("Companies support awareness campaigns in schools.")
    word.add_heading("Mobile operators", level=2)
    word.add_paragraph("Offer parental tools at purchase.", style="List Bullet")
    buffer = io.BytesIO()
    word.save(buffer)
    version = services.version_import(actor=secretariat, document=document, label="Draft 1",
                                      source=buffer.getvalue(), fmt="docx")
    assert [(p.kind, p.number) for p in version.paragraphs.order_by("position")] == [
        ("section", "1"), ("paragraph", "1"), ("section", "1.1"), ("paragraph", "2")]


@pytest.mark.parametrize("data", [b"MZ\x90\x00 this is an executable", b"PK\x03\x04 broken zip", b""])
def test_a_docx_that_is_not_a_docx_is_refused_and_nothing_is_saved(secretariat, document, data):
    with pytest.raises(ValidationError) as exc:
        services.version_import(actor=secretariat, document=document, label="Draft 1", source=data, fmt="docx")
    assert "Word document (.docx)" in str(exc.value)
    assert not GuidelineVersion.objects.exists()
    assert not Paragraph.objects.exists()


def test_an_empty_text_is_refused(secretariat, document):
    with pytest.raises(ValidationError, match="empty"):
        services.version_import(actor=secretariat, document=document, label="Draft 1", source="   \n\n")


def test_another_organisations_focal_point_cannot_import(other_focal_point, document):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.version_import(actor=other_focal_point, document=document, label="X", source="# A\n\nB\n")


def test_publishing_a_revision_writes_a_change_log_naming_the_comments(secretariat, document, consultation, submit, paragraphs):
    comment = submit("Add a deputy.")
    services.comment_moderate(actor=secretariat, comment=comment, action="published")
    final = services.version_import(
        actor=secretariat, document=document, label="Final", stage="final",
        source=services_text_with_deputy(),
    )
    new_para = final.paragraphs.get(anchor=paragraphs["1"].anchor)
    services.disposition_record(actor=secretariat, consultation=consultation, comment_ids=[comment.pk],
                                decision="accepted", rationale="A deputy is now named.",
                                resulting_paragraph_ids=[new_para.pk])
    services.version_publish(actor=secretariat, version=final)
    final.refresh_from_db()
    assert f"¶ 1: edited (comments: {comment.receipt})" in final.change_log


def services_text_with_deputy() -> str:
    from .conftest import DRAFT

    return DRAFT.replace("responsible for child protection.", "responsible for child protection, and a deputy.")


@pytest.mark.parametrize("case", ["xml entities", "zip bomb", "truncated", "xlsx renamed"])
def test_a_hostile_docx_is_refused_before_parsing_and_nothing_is_saved(secretariat, document, case):
    from tutela.core.tests.hostile import hostile_docx

    with pytest.raises(ValidationError) as exc:
        services.version_import(actor=secretariat, document=document, label="Draft 1",
                                source=hostile_docx()[case], fmt="docx")
    assert "Word document (.docx)" in str(exc.value)
    assert not GuidelineVersion.objects.exists()
