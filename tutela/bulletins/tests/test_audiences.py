"""Sign-up with double opt-in, consent records, the no-account subscription page, one-click
unsubscribe and the subscriber import — through the pages, over a real SMTP peer."""

import email
import email.policy
import io
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from tutela.bulletins import services, tokens
from tutela.bulletins.models import ConsentRecord, Delivery, Subscriber, SubscriberImport, Subscription
from tutela.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def mail_text(envelope):
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    return message.get_body(("plain",)).get_content()


def link_in(envelope, kind):
    return re.search(rf"https?://\S+(/bulletins/{kind}/[^/\s]+/)", mail_text(envelope)).group(1)


def test_public_sign_up_is_pending_until_the_mailed_link_is_confirmed(client, public_list, members, smtp_peer,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/bulletins/subscribe/", {"email": "Reader@Example.ORG", "lists": [public_list.pk],
                                                         "language": "fr", "topics": ["events"], "consent": "on"},
                               REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200 and b"Check your mailbox" in response.content
    subscription = Subscription.objects.get(subscriber__email="Reader@example.org")
    assert subscription.status == "pending" and subscription.subscriber.language == "fr"
    given = subscription.consents.get()
    assert given.action == "given" and given.method == "web_form"
    assert given.text == public_list.consent_text and "198.51.100.7" in given.source and "/bulletins/subscribe/" in given.source
    assert [e.rcpt_tos for e in smtp_peer.messages] == [["Reader@example.org"]]
    path = link_in(smtp_peer.messages[0], "confirm")
    assert client.get(path).status_code == 200  # a page with a button: a mail scanner's GET confirms nothing
    assert Subscription.objects.get(pk=subscription.pk).status == "pending"
    response = client.post(path)
    assert b"You are subscribed to: COP news" in response.content
    assert Subscription.objects.get(pk=subscription.pk).status == "active"
    assert list(subscription.consents.values_list("action", flat=True)) == ["given", "confirmed"]
    assert b"used already" in client.post(path).content  # a second use changes nothing


def test_sign_up_refuses_without_consent_or_with_a_bad_address_and_lists_only_public_ones(client, public_list, members):
    response = client.post("/bulletins/subscribe/", {"email": "x@example.org", "lists": [public_list.pk], "language": "en"})
    assert response.status_code == 422 and b"Tick the box" in response.content
    response = client.post("/bulletins/subscribe/", {"email": "not an address", "lists": [public_list.pk],
                                                     "language": "en", "consent": "on"})
    assert response.status_code == 422
    response = client.post("/bulletins/subscribe/", {"email": "x@example.org", "lists": [members.pk],
                                                     "language": "en", "consent": "on"})
    assert response.status_code == 422  # the membership list is not open to the public
    assert not Subscriber.objects.exists()
    assert members.name.encode() not in client.get("/bulletins/subscribe/").content


def test_two_sign_ups_differing_only_in_case_are_one_subscriber(client, public_list, secretariat, members):
    for address in ["Ana.Silva@Example.org", "ana.silva@example.org", "ANA.SILVA@EXAMPLE.ORG"]:
        response = client.post("/bulletins/subscribe/", {"email": address, "lists": [public_list.pk], "language": "en",
                                                         "consent": "on"}, REMOTE_ADDR="198.51.100.9")
        assert response.status_code == 200
    services.subscriber_add(actor=secretariat, mailing_list=members, email="ANA.silva@example.ORG", consent_text="Agreed",
                            consent_source="form")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Ana.Silva@example.org"  # the first spelling is kept
    assert sorted(subscriber.subscriptions.values_list("mailing_list__slug", flat=True)) == ["cop-news", "member-states"]


def test_the_database_refuses_a_second_spelling_of_an_address(db):
    from django.db import IntegrityError, transaction

    Subscriber.objects.create(email="Reader@example.org", key="k1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(email="reader@EXAMPLE.org", key="k2")


@pytest.mark.parametrize("mangle", ["forged", "expired", "revoked", "garbage"])
def test_bad_confirmation_links_get_a_clear_message(client, public_list, mangle, settings):
    subscriber = services.subscribe_public(email="a@example.org", lists=[public_list], consent=True, source="test")
    pending = list(subscriber.subscriptions.values_list("pk", flat=True))
    token = tokens.make(tokens.CONFIRM, s=subscriber.pk, k=subscriber.key, p=pending)
    if mangle == "forged":
        token = signing.TimestampSigner(salt="another").sign_object({"s": subscriber.pk, "k": subscriber.key, "p": pending})
    elif mangle == "expired":
        settings.BULLETINS_CONFIRM_DAYS = -1
    elif mangle == "revoked":
        Subscriber.objects.filter(pk=subscriber.pk).update(key="changed")
    else:
        token = "%%%"
    response = client.post(f"/bulletins/confirm/{token}/")
    assert response.status_code in (400, 404)
    if response.status_code == 400:
        assert (b"expired" if mangle == "expired" else b"not valid") in response.content
    assert Subscription.objects.get(subscriber=subscriber).status == "pending"


def _sent_delivery(secretariat, mailing_list, address, run_on_commit):
    services.subscriber_add(actor=secretariat, mailing_list=mailing_list, email=address, consent_text="Yes",
                            consent_source="paper form")
    bulletin = services.bulletin_create(actor=secretariat, mailing_list=mailing_list, subject="News", body="Hello")
    run_on_commit(services.bulletin_send, actor=secretariat, bulletin=bulletin)
    return Delivery.objects.get(bulletin=bulletin, email=address)


def test_one_click_unsubscribe_needs_no_login_or_csrf_only_the_signed_token(smtp_peer, secretariat, members, public_list,
                                                                            run_on_commit):
    delivery = _sent_delivery(secretariat, members, "member@example.org", run_on_commit)
    services.subscriber_add(actor=secretariat, mailing_list=public_list, email="member@example.org", consent_text="Yes",
                            consent_source="paper form")
    header = email.message_from_bytes(smtp_peer.messages[0].original_content, policy=email.policy.default)["List-Unsubscribe"]
    path = re.search(r"<https?://[^/]+(/bulletins/u/[^>]+)>", header).group(1)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscription = Subscription.objects.get(subscriber__email="member@example.org", mailing_list=members)
    assert subscription.status == "unsubscribed"
    assert subscription.consents.last().action == "withdrawn" and subscription.consents.last().method == "one_click"
    assert Delivery.objects.get(pk=delivery.pk).status == "unsubscribed"
    # the other list is untouched: unsubscribe leaves one list, as the footer says
    assert Subscription.objects.get(subscriber__email="member@example.org", mailing_list=public_list).status == "active"
    again = strict.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert again.status_code == 200 and b"already" in again.content
    assert subscription.consents.filter(action="withdrawn").count() == 1
    forged = strict.post(path[:-5] + "AAAA/", "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert forged.status_code == 400 and b"not valid" in forged.content


def test_unsubscribe_by_mail_to_the_mailto_address(smtp_peer, secretariat, members, run_on_commit):
    _sent_delivery(secretariat, members, "m@example.org", run_on_commit)
    header = email.message_from_bytes(smtp_peer.messages[0].original_content, policy=email.policy.default)["List-Unsubscribe"]
    mailto = re.search(r"<mailto:([^?]+)\?subject=unsubscribe%20([^>]+)>", header)
    raw = (f"From: m@example.org\r\nTo: {mailto.group(1)}\r\nSubject: unsubscribe {mailto.group(2)}\r\n\r\n").encode()
    assert services.inbound_process(raw).kind == "unsubscribe"
    assert Subscription.objects.get(mailing_list=members).status == "unsubscribed"


def test_the_manage_link_changes_language_and_lists_without_an_account(client, secretariat, members, public_list, smtp_peer,
                                                                      django_capture_on_commit_callbacks):
    services.subscriber_add(actor=secretariat, mailing_list=members, email="p@example.org", consent_text="Yes",
                            consent_source="form")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/bulletins/manage/", {"email": "p@example.org"}).status_code == 200
        assert client.post("/bulletins/manage/", {"email": "unknown@example.org"}).status_code == 200
    assert [e.rcpt_tos for e in smtp_peer.messages] == [["p@example.org"]]  # the unknown address gets nothing
    path = link_in(smtp_peer.messages[0], "manage")
    page = client.get(path)
    assert page.status_code == 200 and b"p@example.org" in page.content
    response = client.post(path, {"language": "ar", "topics": ["figures"], "lists": [public_list.pk]})
    assert response.status_code == 200 and b"Saved" in response.content
    subscriber = Subscriber.objects.get(email="p@example.org")
    assert subscriber.language == "ar" and subscriber.topics == ["figures"]
    states = dict(subscriber.subscriptions.values_list("mailing_list__slug", "status"))
    assert states == {"member-states": "unsubscribed", "cop-news": "active"}
    assert ConsentRecord.objects.filter(subscription__mailing_list=public_list, method="manage", action="given").exists()
    [entry] = AuditEntry.objects.filter(action="subscriber.manage", target_id=str(subscriber.pk))
    assert entry.changes["language"] == ["en", "ar"] and entry.changes["topics"] == [[], ["figures"]]
    assert entry.actor is None
    # An unknown language is refused with the reason, and nothing of the request is kept.
    assert client.post(path, {"language": "xx", "topics": ["events"], "lists": []}).status_code == 422
    subscriber.refresh_from_db()
    assert subscriber.topics == ["figures"] and AuditEntry.objects.filter(action="subscriber.manage").count() == 1
    assert subscriber.subscriptions.get(mailing_list=public_list).status == "active"
    assert client.get(path[:-3] + "xx/").status_code == 400


def _upload(client, mailing_list, name, content, dry_run, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        data = {"file": io.BytesIO(content), **({"dry_run": "on"} if dry_run else {})}
        data["file"].name = name
        response = client.post(f"/bulletins/workspace/lists/{mailing_list.pk}/import/", data)
    assert response.status_code == 302, response.content[:500]
    return SubscriberImport.objects.latest("pk")


def test_import_checks_first_and_saves_all_or_nothing(client, secretariat, members, django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    good = (b"email,name,language,topics,consent,consent_source\n"
            b"a@example.org,Amina,fr,events;figures,yes,WTDC-22 registration\n"
            b"b@example.org,,zh,,oui,\n")
    job = _upload(client, members, "members.csv", good, True, django_capture_on_commit_callbacks)
    assert job.status == "checked" and job.report["created"] == 2
    assert not Subscriber.objects.exists()
    job = _upload(client, members, "members.csv", good, False, django_capture_on_commit_callbacks)
    assert job.status == "imported"
    a = Subscription.objects.get(subscriber__email="a@example.org")
    assert a.status == "active" and a.subscriber.topics == ["events", "figures"]
    consent = a.consents.get()
    assert consent.method == "import" and consent.source == "WTDC-22 registration" and consent.text == members.consent_text
    assert Subscription.objects.get(subscriber__email="b@example.org").consents.get().source == "members.csv, line 3"
    assert Subscriber.objects.get(email="b@example.org").language == "zh-hans"
    page = client.get(f"/bulletins/workspace/imports/{job.pk}/")
    assert b"2 subscribers imported" in page.content


def test_a_file_with_bad_lines_imports_nothing_and_names_each_line(client, secretariat, members,
                                                                   django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    bad = (b"email,consent,language\n"
           b"ok@example.org,yes,en\n"
           b"not-an-address,yes,en\n"
           b"OK@example.org,yes,en\n"
           b"noconsent@example.org,no,en\n"
           b"lang@example.org,yes,tlh\n"
           b"\"<script>alert(1)</script>@x.org\",yes,en\n")
    job = _upload(client, members, "bad.csv", bad, False, django_capture_on_commit_callbacks)
    assert job.status == "failed" and not Subscriber.objects.exists()
    errors = {r["line"]: " ".join(r["errors"]) for r in job.report["rows"]}
    assert set(errors) == {3, 4, 5, 6, 7}
    assert "not an e-mail address" in errors[3] and "also on line 2" in errors[4]
    assert "No consent" in errors[5] and "languages" in errors[6]
    page = client.get(f"/bulletins/workspace/imports/{job.pk}/").content
    assert b"<script>alert(1)" not in page and b"Line 4" in page


def test_a_file_without_a_consent_column_is_refused(client, secretariat, members, django_capture_on_commit_callbacks):
    client.force_login(secretariat)
    job = _upload(client, members, "noconsent.csv", b"email,name\na@example.org,A\n", False, django_capture_on_commit_callbacks)
    assert job.status == "failed" and "consent" in job.report["file_error"] and not Subscriber.objects.exists()


def test_an_xlsx_file_imports(client, secretariat, members, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Language", "Consent"])
    sheet.append(["x1@example.org", "es", "yes"])
    sheet.append(["x2@example.org", "ru", "yes"])
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(secretariat)
    job = _upload(client, members, "members.xlsx", buffer.getvalue(), False, django_capture_on_commit_callbacks)
    assert job.status == "imported", job.report
    assert sorted(Subscriber.objects.values_list("language", flat=True)) == ["es", "ru"]


def test_an_import_whose_worker_died_is_queued_again(secretariat, members, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    upload = SimpleUploadedFile("m.csv", b"email,consent\nz@example.org,yes\n")
    job = services.subscriber_import_queue(actor=secretariat, mailing_list=members, upload=upload, name="m.csv",
                                           dry_run=False)
    SubscriberImport.objects.filter(pk=job.pk).update(status="running", worker="dead:1",
                                                      lease_until=timezone.now() - timedelta(seconds=1))
    assert services.imports_sweep() == 1
    job.refresh_from_db()
    assert job.status == "queued"
    services.subscriber_import_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "imported" and Subscriber.objects.filter(email="z@example.org").exists()
