"""Pages through the test client: permissions, the no-JavaScript comment flow, escaping, exports."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tutela.consultations import services
from tutela.consultations.models import Comment, GuidelineVersion

pytestmark = pytest.mark.django_db

FORM = {"stakeholder_type": "industry", "industry_sector": "mobile", "organisation_name": "Telco",
        "country": "ID", "comment_type": "editorial", "text": "Say “team or person”.", "submission_key": "k1"}


def test_public_pages_answer_everyone_and_staff_pages_only_the_owners(ladder, consultation, paragraphs):
    pk = consultation.pk
    everyone = dict.fromkeys(["anonymous", "stakeholder", "focal_point", "other_focal_point", "secretariat"], 200)
    for name in ["consultation_detail", "read", "document_comment"]:
        ladder("get", reverse(f"consultations:{name}", args=[pk]), everyone)
    ladder("get", reverse("consultations:paragraph", args=[pk, paragraphs["1"].pk]), everyone)
    staff = {"anonymous": 302, "stakeholder": 403, "other_focal_point": 403, "focal_point": 200, "secretariat": 200}
    for name in ["moderation", "dispositions"]:
        ladder("get", reverse(f"consultations:{name}", args=[pk]), staff)
    ladder("get", reverse("consultations:report", args=[pk]),
           {"anonymous": 404, "stakeholder": 404, "focal_point": 200, "secretariat": 200})
    ladder("get", reverse("consultations:dashboard"), {"anonymous": 302, "stakeholder": 403, "focal_point": 200})


def test_an_unpublished_consultation_is_not_found_for_the_public(ladder, consultation):
    consultation.is_published = False
    consultation.save()
    ladder("get", reverse("consultations:consultation_detail", args=[consultation.pk]),
           {"anonymous": 404, "other_focal_point": 404, "focal_point": 200})


def test_commenting_without_javascript_posts_the_form_and_shows_the_receipt(client, stakeholder, consultation, paragraphs):
    client.force_login(stakeholder)
    url = reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])
    page = client.get(url)
    assert b'name="submission_key"' in page.content and b'enctype="multipart/form-data"' in page.content
    response = client.post(url, FORM)
    comment = Comment.objects.get()
    assert response.status_code == 302 and response.url == reverse("consultations:receipt", args=[comment.receipt])
    receipt = client.get(response.url)
    assert comment.receipt in receipt.content.decode()
    again = client.post(url, FORM)  # the double click
    assert again.url == response.url and Comment.objects.count() == 1


def test_the_form_shows_what_to_fix_and_keeps_the_text(client, stakeholder, consultation, paragraphs):
    client.force_login(stakeholder)
    url = reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])
    response = client.post(url, {**FORM, "quote": "not in the paragraph"})
    assert response.status_code == 422
    assert "The passage you quoted is not in ¶ 1" in response.content.decode()
    assert "Say “team or person”." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_select_to_quote_helper_is_offered_and_its_passage_prefilled_only_if_in_the_paragraph(
        client, stakeholder, consultation, paragraphs):
    url = reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])
    anonymous = client.get(url).content.decode()
    assert "data-quote-source" not in anonymous  # nobody to quote for: no helper
    client.force_login(stakeholder)
    page = client.get(url).content.decode()
    assert 'src="/static/consultations-quote.js"' in page and 'data-quote-source="quote-tool"' in page
    assert "Quote the selected words" in page
    read = client.get(reverse("consultations:read", args=[consultation.pk])).content.decode()
    assert f'data-quote-source="qt-{paragraphs["1"].pk}"' in read and f'data-quote-slot="slot-{paragraphs["1"].pk}"' in read
    prefilled = client.get(url, {"quote": "PERSON or\nteam"}).content.decode()
    assert 'id="id_quote">\nperson or team</textarea>' in prefilled
    foreign = client.get(url, {"quote": "<script>x</script>"}).content.decode()
    assert "<script>x" not in foreign and 'id="id_quote">\n</textarea>' in foreign


def test_five_megabytes_posted_to_the_form_gets_a_clear_413(client, stakeholder, consultation, paragraphs):
    client.force_login(stakeholder)
    url = reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])
    response = client.post(url, {**FORM, "text": "x" * 5 * 1024 * 1024})
    assert response.status_code == 413
    assert "far too long" in response.content.decode()
    assert not Comment.objects.exists()


def test_hostile_comments_are_shown_escaped_and_bidi_isolated(client, secretariat, submit, consultation, paragraphs):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> \u202egnp.exe\u202c zero\u200bwidth'
    comment = submit(hostile)
    services.comment_moderate(actor=secretariat, comment=comment, action="published")
    body = client.get(reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])).content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "<bdi>&lt;script&gt;" in body and "\u202egnp.exe\u202c" in body


def test_the_reading_view_counts_published_comments_per_paragraph_in_few_queries(
        client, secretariat, submit, consultation, paragraphs, django_assert_max_num_queries):
    for i in range(3):
        services.comment_moderate(actor=secretariat, comment=submit(f"c{i}", submission_key=str(i)), action="published")
    submit("pending one", submission_key="p")
    with django_assert_max_num_queries(8):
        body = client.get(reverse("consultations:read", args=[consultation.pk])).content.decode()
    assert "¶ 1: 3 published comments" in body and "¶ 2: 0 published comments" in body


def test_a_closed_consultation_shows_the_window_and_refuses_the_post(client, stakeholder, consultation, paragraphs):
    from datetime import timedelta

    consultation.closes_at = consultation.opens_at + timedelta(hours=1)
    consultation.save()
    stakeholder.time_zone = "Asia/Makassar"
    stakeholder.save()
    client.force_login(stakeholder)
    url = reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])
    assert "(Asia/Makassar)" in client.get(url).content.decode()
    response = client.post(url, FORM)
    assert response.status_code == 422 and "closed on" in response.content.decode()
    assert not Comment.objects.exists()


def test_moderation_and_disposition_through_the_pages(client, focal_point, submit, consultation):
    comment = submit("A", submission_key="a")
    client.force_login(focal_point)
    url = reverse("consultations:moderation", args=[consultation.pk])
    client.post(url, {"comment": comment.pk, "action": "hidden"})
    assert Comment.objects.get().status == "pending"  # a reason is required
    client.post(url, {"comment": comment.pk, "action": "published"})
    assert Comment.objects.get().status == "published"
    client.post(reverse("consultations:dispositions", args=[consultation.pk]),
                {"comments": comment.pk, "decision": "noted", "rationale": "Kept for the next edition."})
    assert Comment.objects.get().disposition.decision == "noted"


def test_a_comment_id_that_is_not_a_number_is_ignored_not_a_500(client, focal_point, submit, consultation):
    comment = submit("A", submission_key="a")
    client.force_login(focal_point)
    url = reverse("consultations:moderation", args=[consultation.pk])
    client.post(url, {"comment": comment.pk, "action": "published"})
    response = client.post(reverse("consultations:dispositions", args=[consultation.pk]),
                           {"comments": ["abc", comment.pk], "decision": "noted", "rationale": "Kept."})
    assert response.status_code == 302
    assert Comment.objects.get().disposition.decision == "noted"


def test_resolution_table_exports(client, secretariat, submit, consultation):
    from openpyxl import load_workbook

    comment = submit("=HYPERLINK(\"http://evil\")", submission_key="f")
    services.comment_moderate(actor=secretariat, comment=comment, action="published")
    services.disposition_record(actor=secretariat, consultation=consultation, comment_ids=[comment.pk],
                                decision="not_accepted", rationale="No.")
    client.force_login(secretariat)
    csv_body = client.get(reverse("consultations:resolution_export", args=[consultation.pk, "csv"])).content.decode()
    assert "Receipt,Paragraph" in csv_body and comment.receipt in csv_body and "'=HYPERLINK" in csv_body
    xlsx = client.get(reverse("consultations:resolution_export", args=[consultation.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == comment.receipt and sheet["H2"].value == "Not accepted"
    pdf = client.get(reverse("consultations:resolution_export", args=[consultation.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF-")
    client.logout()
    assert client.get(reverse("consultations:resolution_export", args=[consultation.pk, "csv"])).status_code == 404


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_an_exported_version_reimports_with_every_paragraph_identity_kept(client, secretariat, document, draft, fmt):
    client.force_login(secretariat)
    exported = client.get(reverse("consultations:version_export", args=[draft.pk, fmt])).content
    source = exported.decode() if fmt == "md" else exported
    again = services.version_import(actor=secretariat, document=document, label="Draft 2", source=source,
                                    fmt="markdown" if fmt == "md" else "docx")
    assert [(p.anchor_id, p.kind, p.number, p.text) for p in again.paragraphs.order_by("position")] == [
        (p.anchor_id, p.kind, p.number, p.text) for p in draft.paragraphs.order_by("position")]


def test_version_pdf_and_diff_page(client, secretariat, document, draft):
    final = services.version_import(actor=secretariat, document=document, label="Final", stage="final",
                                    source="# Child rights in corporate policy\n\nCompanies name a team.\n", publish=True)
    assert client.get(reverse("consultations:version_export", args=[draft.pk, "pdf"])).content.startswith(b"%PDF-")
    body = client.get(reverse("consultations:diff", args=[draft.pk, final.pk])).content.decode()
    assert "<del>" in body and "<ins>" in body and "deleted" in body


def test_importing_a_docx_that_is_not_a_docx_through_the_page(client, secretariat, document):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(secretariat)
    response = client.post(reverse("consultations:document", args=[document.pk]),
                           {"label": "Draft 9", "stage": "draft",
                            "file": SimpleUploadedFile("draft.docx", b"MZ\x90 not a word file")})
    assert response.status_code == 422 and "not a Word document (.docx)" in response.content.decode()
    assert not GuidelineVersion.objects.filter(label="Draft 9").exists()


def test_decisions_appear_beside_comments_once_the_report_is_published(client, secretariat, submit, consultation, paragraphs):
    comment = submit("Add a deputy.")
    services.comment_moderate(actor=secretariat, comment=comment, action="published")
    services.disposition_record(actor=secretariat, consultation=consultation, comment_ids=[comment.pk],
                                decision="accepted", rationale="Done in the final text.")
    url = reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])
    assert "Done in the final text." not in client.get(url).content.decode()
    services.report_publish(actor=secretariat, consultation=consultation, summary="Thanks", now=consultation.closes_at)
    assert "Done in the final text." in client.get(url).content.decode()


def test_questionnaire_answers_export_for_the_secretariat_only(client, ladder, secretariat, stakeholder, draft):
    import csv

    from openpyxl import load_workbook

    from tutela.consultations.models import Question

    now = timezone.now()
    consultation = services.consultation_create(
        actor=secretariat, version=draft, title="With questions", code="Q1", opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=3),
        questions=[{"text": "Is the scope right?", "choices": ["Yes", "Partly", "No"]}, {"text": "What is missing?"}],
    )
    q1, q2 = Question.objects.filter(consultation=consultation).order_by("number")
    services.comment_submit(consultation=consultation, actor=stakeholder, text="Overall fine.", submission_key="a",
                            details={"stakeholder_type": "industry", "industry_sector": "mobile",
                                     "organisation_name": "Telco", "country": "ID", "is_anonymous": True},
                            answers={q1.pk: "Partly", q2.pk: "=cmd|' /C calc'!A0 and a hotline list"})
    url = reverse("consultations:answers_export", args=[consultation.pk, "csv"])
    ladder("get", url, {"anonymous": 404, "stakeholder": 404, "other_focal_point": 404, "secretariat": 200})
    client.force_login(secretariat)
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="questionnaire-answers-Q1.csv"'
    header, row = list(csv.reader(response.content.decode().splitlines()))
    assert header[-2:] == ["Q1. Is the scope right?", "Q2. What is missing?"]
    values = dict(zip(header, row, strict=True))
    comment = consultation.comments.get()
    assert values["Stakeholder type"] == "Industry" and values["Industry sector"] == "Mobile operators"
    assert values["Organisation"] == "Telco" and values["Asked to be anonymous"] == "yes"
    assert values["Comment receipts"] == comment.receipt and values["Country"] == "ID"
    assert values["Q1. Is the scope right?"] == "Partly"
    assert values["Q2. What is missing?"].startswith("'=cmd")  # never a formula in a spreadsheet
    assert stakeholder.email not in response.content.decode()
    xlsx = client.get(reverse("consultations:answers_export", args=[consultation.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    answers = list(book["Answers"].iter_rows(values_only=True))
    assert answers[1][-2] == "Partly" and len(answers) == 2
    assert list(book["Choices"].iter_rows(values_only=True))[1:] == [("Q1", "Yes", 0), ("Q1", "Partly", 1), ("Q1", "No", 0)]
    assert client.get(reverse("consultations:answers_export", args=[consultation.pk, "pdf"])).status_code == 404
    detail = client.get(reverse("consultations:consultation_detail", args=[consultation.pk])).content.decode()
    assert url in detail


def test_the_e_mail_form_refuses_clearly_past_the_per_ip_limit_and_keeps_the_address(client, consultation, settings):
    from tutela.core import ratelimit

    url = reverse("consultations:email_start", args=[consultation.pk])
    for _i in range(services.MAIL_PER_IP):
        assert ratelimit.hit(services.MAIL_LIMIT, "127.0.0.1") is None
    response = client.post(url, {"email": "someone@example.org"}, REMOTE_ADDR="127.0.0.1")
    body = response.content.decode()
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= services.MAIL_PER_IP_WINDOW  # seconds, as for every 429
    assert "from your network" in body and "try again after" in body
    assert 'value="someone@example.org"' in body  # nothing lost: the address is still in the form
    other = client.post(url, {"email": "someone@example.org"}, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 200 and "We have sent you a link" in other.content.decode()


HOSTILE_MARKDOWN = (
    "# Safety <script>alert(1)</script>\n\n"
    "Read [the guide](javascript:alert(document.cookie)) and [this]( JaVa\tScRiPt:alert(2) \"t\") "
    "or ![img](data:text/html;base64,PHNjcmlwdD4=) and [vb](vbscript:msgbox(1)) "
    "but keep [ITU](https://www.itu.int/) & <img src=x onerror=alert(3)> <javascript:alert(4)>\n\n"
    "[ref]: javascript:alert(5)\n\n"
    "Plain paragraph.\n"
)


def test_the_markdown_export_escapes_raw_html_and_drops_script_links(client, secretariat, document):
    version = services.version_import(actor=secretariat, document=document, label="Hostile", source=HOSTILE_MARKDOWN)
    client.force_login(secretariat)
    exported = client.get(reverse("consultations:version_export", args=[version.pk, "md"])).content.decode()
    lowered = exported.lower().replace("\t", "")
    assert "<script" not in lowered and "<img" not in lowered and "<javascript" not in lowered
    assert "&lt;script&gt;" in exported and "&lt;img src=x onerror=alert(3)&gt;" in exported
    for scheme in ("javascript:", "vbscript:", "data:text"):
        assert f"]({scheme}" not in lowered.replace(" ", ""), scheme
        assert f"]: {scheme}" not in lowered
    assert "Read the guide and this or img and vb" in exported  # the labels stay, the links go
    assert "[ITU](https://www.itu.int/)" in exported and "&amp;" in exported
    # Re-importing what was exported gives back the escaped texts as they were (entities decoded).
    again = services.version_import(actor=secretariat, document=document, label="Again", source=exported)
    texts = [p.text for p in again.paragraphs.order_by("position")]
    assert texts[0] == "Safety <script>alert(1)</script>"
    assert "& <img src=x onerror=alert(3)>" in texts[1]


def _confirmed_public_client(client_class, consultation, email):
    """A browser session of someone without an account who confirmed ``email`` for ``consultation``."""
    from django.test import Client

    respondent = services.respondent_request_confirmation(consultation=consultation, email=email, notify=False)
    browser: Client = client_class()
    browser.get(reverse("consultations:confirm_email", args=[services.confirmation_token(respondent)]))
    return browser


def test_a_burst_of_anonymous_comments_is_refused_with_a_429_that_says_when_to_retry(consultation, paragraphs):
    from django.test import Client

    browser = _confirmed_public_client(Client, consultation, "burst@example.org")
    url = reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])
    statuses = [browser.post(url, {**FORM, "submission_key": f"b{i}", "text": f"Comment number {i}"},
                             REMOTE_ADDR="203.0.113.50").status_code for i in range(30)]
    limit = services.COMMENTS_PER_RESPONDENT.count
    assert statuses == [302] * limit + [429] * (30 - limit)
    assert Comment.objects.filter(consultation=consultation).count() == limit
    refused = browser.post(url, {**FORM, "submission_key": "last", "text": "Still here?"}, REMOTE_ADDR="203.0.113.50")
    body = refused.content.decode()
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= services.COMMENTS_PER_RESPONDENT.seconds
    assert "the most we accept from one address" in body and "send it again after" in body and "(Europe/Zurich)" in body
    assert "Still here?" in body  # nothing typed is lost
    # A retry of a comment already stored is not a new comment: it still answers with its receipt.
    assert browser.post(url, {**FORM, "submission_key": "b0", "text": "Comment number 0"},
                        REMOTE_ADDR="203.0.113.50").status_code == 302


def test_anonymous_comments_are_limited_per_client_address_across_respondents(consultation, paragraphs, monkeypatch):
    from django.test import Client

    from tutela.core.ratelimit import Limit

    monkeypatch.setattr(services, "COMMENTS_PER_IP", Limit("comment-ip", 4, 3600))
    url = reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])
    statuses = []
    for n in range(3):
        browser = _confirmed_public_client(Client, consultation, f"p{n}@example.org")
        statuses += [browser.post(url, {**FORM, "submission_key": f"{n}-{i}"}, REMOTE_ADDR="198.51.100.7").status_code
                     for i in range(2)]
    assert statuses == [302, 302, 302, 302, 429, 429]
    last = browser.post(url, {**FORM, "submission_key": "x"}, REMOTE_ADDR="198.51.100.7")
    assert "sent from your network" in last.content.decode()
    # Another network is not affected.
    assert browser.post(url, {**FORM, "submission_key": "y"}, REMOTE_ADDR="192.0.2.1").status_code == 302


def test_signed_in_stakeholders_are_not_limited_like_the_anonymous_public(client, consultation, paragraphs, stakeholder):
    client.force_login(stakeholder)
    url = reverse("consultations:paragraph", args=[consultation.pk, paragraphs["1"].pk])
    statuses = {client.post(url, {**FORM, "submission_key": f"s{i}"}).status_code
                for i in range(services.COMMENTS_PER_RESPONDENT.count + 2)}
    assert statuses == {302}


def test_a_version_whose_stored_text_holds_control_characters_exports_to_a_valid_docx(client, secretariat, document,
                                                                                     draft):
    """Issue 12: text stored before input was checked (legacy rows, written through the ORM) may hold
    characters XML cannot; the DOCX writer strips them instead of answering 500."""
    import docx
    from django.db import connection

    nul = "\x00" if connection.vendor == "sqlite" else ""  # PostgreSQL text cannot hold NUL at all
    type(document).objects.filter(pk=document.pk).update(title=f"Guidelines\x0bfor{nul} Industry")
    first = draft.paragraphs.filter(kind="paragraph").order_by("position").first()
    type(first).objects.filter(pk=first.pk).update(text=f"Companies\x0b name{nul} a\x01 team\x1f.\x7f")
    client.force_login(secretariat)
    response = client.get(reverse("consultations:version_export", args=[draft.pk, "docx"]))
    assert response.status_code == 200
    texts = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert any(t.startswith("Guidelinesfor Industry") for t in texts)
    assert any("Companies name a team." in t for t in texts), texts


def test_a_closed_consultation_offers_its_text_and_comments_to_read_not_to_comment_on(
        client, secretariat, stakeholder, consultation, submit):
    services.comment_moderate(actor=secretariat, comment=submit("On the whole text.", paragraph_id=None),
                              action="published")
    detail = reverse("consultations:consultation_detail", args=[consultation.pk])
    read = reverse("consultations:read", args=[consultation.pk])
    client.force_login(stakeholder)
    assert "Read the text and comment" in client.get(detail).content.decode()
    assert "Comment on the whole document" in client.get(read).content.decode()
    consultation.closes_at = timezone.now() - timedelta(hours=1)
    consultation.save()
    html = client.get(detail).content.decode()
    assert "Read the text and comment" not in html and ">Read the text</a>" in html
    html = client.get(read).content.decode()
    assert "closed on" in html
    assert "Each paragraph has a “Comment” link" not in html and "Comment on the whole document" not in html
    assert "Read the comments on the whole document</a> <span class=\"count\">1 comment</span>" in html


def test_a_closed_consultation_sends_the_public_no_confirmation_link(client, consultation, mailoutbox):
    url = reverse("consultations:email_start", args=[consultation.pk])
    consultation.closes_at = timezone.now() - timedelta(hours=1)
    consultation.save()
    page = client.get(url).content.decode()
    assert "closed on" in page and 'name="email"' not in page  # no form to fill in for nothing
    response = client.post(url, {"email": "parent@example.org"})
    assert response.status_code == 422 and "closed on" in response.content.decode()
    assert not mailoutbox
