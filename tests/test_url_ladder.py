"""The permission ladder for every URL: each named pattern of the URLconf (every app namespace)
has an entry here with the status each persona gets, and the test requests it as each of them.

Seeded objects are the demo's (organisation A = ACOPEA's focal point, B = Trend Micro's). The API
(`api:` namespace: tested per operation in each app's test_api and by schemathesis) and Django's
admin (`admin:`, superusers only, Django's own checks) are excluded by namespace, and counted.

A new URL pattern without an entry fails `test_every_url_pattern_has_a_ladder_entry`. To add one:
write the entry with the statuses you intend, run the test, and read any difference as a bug in
the view or in the entry.
"""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

EXCLUDED_NAMESPACES = ("api", "admin")
PERSONAS = ("anonymous", "stakeholder", "focal_a", "focal_b", "secretariat")


def _walk(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else (pattern.name or str(pattern.pattern))


def url_names() -> list[str]:
    return list(_walk(get_resolver().url_patterns))


def _first(model_path: str, **filters):
    app, name = model_path.split(".")
    from django.apps import apps

    obj = apps.get_model(app, name).objects.filter(**filters).order_by("pk").first()
    return obj.pk if obj is not None else 999_999


def _meeting():
    from tutela.coordination.models import Meeting

    meeting = Meeting.objects.select_related("body").order_by("pk").first()
    return [meeting.body.slug, meeting.ordinal]


def _action():
    from tutela.coordination.models import ActionItem

    item = ActionItem.objects.select_related("meeting__body").order_by("pk").first()
    return [item.meeting.body.slug, item.meeting.ordinal, item.number]


def _consultation_paragraph():
    from tutela.consultations.models import Consultation

    consultation = Consultation.objects.order_by("pk").first()
    return [consultation.pk, consultation.version.paragraphs.order_by("position").first().pk]


def _versions():
    from tutela.consultations.models import GuidelineVersion

    version = GuidelineVersion.objects.order_by("pk").first()
    other = version.document.versions.exclude(pk=version.pk).order_by("pk").first() or version
    return [version.pk, other.pk]


def _document_file():
    from tutela.coordination.models import DocumentFile

    file = DocumentFile.objects.order_by("pk").first()
    return [file.document_id, file.pk] if file else [999_999, 999_999]


def _body():
    from tutela.coordination.models import Body

    return [Body.objects.get(short_name="JCA-COP").slug]


def _certificate():
    from tutela.outreach.models import Certificate

    certificate = Certificate.objects.order_by("pk").first()
    return [certificate.code if certificate else "NOPE-0000"]


def _parameter(model):
    from tutela.outreach.models import ReachParameter

    parameter = ReachParameter.objects.exclude(**{f"{model}": None}).order_by("pk").first()
    if parameter is None:
        return [999_999, "none"]
    return [getattr(parameter, f"{model}_id"), parameter.key]


def _pillar():
    from tutela.initiatives.models import Pillar

    return [Pillar.objects.order_by("pk").first().slug]


def _token():
    from tutela.accounts.models import ApiToken

    token = ApiToken.objects.order_by("pk").first()
    return [token.pk if token else 999_999]


# url name -> (method, args (a list, or a callable giving one), statuses for
# (anonymous, stakeholder, focal point A, focal point B, secretariat)).
# POST entries send an empty form: it shows who may reach the action, not what a valid one does.
LADDER: dict[str, tuple[str, object, tuple[int, int, int, int, int]]] = {}


def entry(name, method, args, statuses):
    LADDER[name] = (method, args, statuses)


SECRETARIAT_ONLY = (302, 403, 403, 403, 200)
entry("bulletins:archive_index", "get", [], (200, 200, 200, 200, 200))  # /bulletins/
entry("bulletins:subscribe", "get", [], (200, 200, 200, 200, 200))  # /bulletins/subscribe/
entry("bulletins:confirm", "get", ["forged"], (400, 400, 400, 400, 400))  # a bad link: a clear 400 page
entry("bulletins:manage_request", "get", [], (200, 200, 200, 200, 200))  # /bulletins/manage/
entry("bulletins:manage", "get", ["forged"], (400, 400, 400, 400, 400))
entry("bulletins:unsubscribe", "post", ["forged"], (400, 400, 400, 400, 400))  # one-click: no CSRF, only the token
entry("bulletins:archive", "get", ["member-states"], (200, 200, 200, 200, 200))
entry("bulletins:archive_feed", "get", ["member-states"], (200, 200, 200, 200, 200))
entry("bulletins:archive_bulletin", "get", lambda: ["member-states", _first("bulletins.Bulletin")], (200, 200, 200, 200, 200))
entry("bulletins:index", "get", [], SECRETARIAT_ONLY)  # /bulletins/workspace/
entry("bulletins:list_create", "get", [], SECRETARIAT_ONLY)
entry("bulletins:list_detail", "get", lambda: [_first("bulletins.MailingList")], SECRETARIAT_ONLY)
entry("bulletins:list_import", "post", lambda: [_first("bulletins.MailingList")], (302, 403, 403, 403, 422))
entry("bulletins:import_job", "get", lambda: [_first("bulletins.SubscriberImport")], (302, 403, 403, 403, 404))
entry("bulletins:bulletin_create", "get", [], SECRETARIAT_ONLY)
entry("bulletins:bulletin_detail", "get", lambda: [_first("bulletins.Bulletin")], SECRETARIAT_ONLY)
entry("bulletins:bulletin_edit", "get", lambda: [_first("bulletins.Bulletin")], SECRETARIAT_ONLY)
entry("bulletins:bulletin_translate", "get", lambda: [_first("bulletins.Bulletin"), "fr"], SECRETARIAT_ONLY)
entry("bulletins:bulletin_preview", "get", lambda: [_first("bulletins.Bulletin")], SECRETARIAT_ONLY)
entry("bulletins:bulletin_test", "post", lambda: [_first("bulletins.Bulletin")], (302, 403, 403, 403, 302))
# the demo's bulletin was sent: sending again or unscheduling it is refused with a message
entry("bulletins:bulletin_send", "post", lambda: [_first("bulletins.Bulletin")], (302, 403, 403, 403, 422))
entry("bulletins:bulletin_unschedule", "post", lambda: [_first("bulletins.Bulletin")], (302, 403, 403, 403, 422))
entry("bulletins:commitment_delivery_create", "get", lambda: [_first("partners.Commitment")], (302, 403, 403, 200, 200))
entry("bulletins:commitment_delivery_remove", "post", lambda: [_first("partners.Commitment")], (302, 403, 403, 422, 422))
entry("accounts:login", "get", [], (200, 302, 302, 302, 302))  # /accounts/login/
entry("accounts:logout", "post", [], (302, 302, 302, 302, 302))  # /accounts/logout/
entry("accounts:password_reset", "get", [], (200, 200, 200, 200, 200))  # /accounts/password-reset/
entry("accounts:password_reset_complete", "get", [], (200, 200, 200, 200, 200))  # /accounts/password-reset/done/
entry("accounts:password_reset_confirm", "get", ["MQ", "bad-token"], (200, 200, 200, 200, 200))
entry("accounts:password_reset_done", "get", [], (200, 200, 200, 200, 200))  # /accounts/password-reset/sent/
entry("accounts:token_revoke", "post", _token, (302, 404, 302, 404, 404))  # /accounts/tokens/1/revoke/
entry("accounts:tokens", "get", [], (302, 200, 200, 200, 200))  # /accounts/tokens/
entry("accounts:user_list", "get", [], SECRETARIAT_ONLY)  # /accounts/users/
entry("accounts:user_invite", "get", [], SECRETARIAT_ONLY)  # /accounts/users/invite/
entry("accounts:user_detail", "get", lambda: [_first("accounts.User", email="stakeholder@tutela.test")], SECRETARIAT_ONLY)
entry("accounts:user_role", "get", lambda: [_first("accounts.User", email="stakeholder@tutela.test")], SECRETARIAT_ONLY)
entry("accounts:user_organisation", "get", lambda: [_first("accounts.User", email="stakeholder@tutela.test")],
      SECRETARIAT_ONLY)
# an empty form deactivates: the secretariat's POST deactivates the demo's superuser (not a persona here)
entry("accounts:user_active", "post", lambda: [_first("accounts.User", email="admin@tutela.test")], (302, 403, 403, 403, 302))
entry("activities:activity_create", "get", [], (302, 403, 200, 200, 200))  # /activities/new/
entry("activities:activity_detail", "get", lambda: [_first("activities.Activity")], (200, 200, 200, 200, 200))
entry("activities:activity_edit", "get", lambda: [_first("activities.Activity")], (302, 403, 200, 403, 200))
entry("activities:activity_translate", "get", lambda: [_first("activities.Activity"), "fr"], (302, 403, 403, 403, 200))
entry("activities:activity_editable", "get", [], (302, 403, 200, 200, 200))  # /activities/mine/
entry("activities:activity_list", "get", [], (200, 200, 200, 200, 200))  # /activities/
entry("activities:activity_publish", "post", lambda: [_first("activities.Activity")], (302, 403, 403, 403, 302))
entry("activities:activity_clear_flags", "post", lambda: [_first("activities.Activity")], (302, 403, 403, 403, 302))
# activity_publish's empty form (published=0) ran before: the activity is unpublished, so others get 404.
entry("activities:activity_submit", "post", lambda: [_first("activities.Activity")], (302, 404, 302, 404, 302))
entry("activities:occasion_detail", "get", lambda: [_first("activities.Occasion")], (200, 200, 200, 200, 200))
entry("activities:occasion_list", "get", [], (200, 200, 200, 200, 200))  # /activities/occasions/
entry("activities:occasion_create", "get", [], SECRETARIAT_ONLY)  # /activities/occasions/new/
entry("activities:occasion_edit", "get", lambda: [_first("activities.Occasion")], SECRETARIAT_ONLY)
entry("activities:project_detail", "get", lambda: [_first("activities.Project")], (200, 200, 200, 200, 200))
entry("activities:project_list", "get", [], (200, 200, 200, 200, 200))  # /activities/projects/
entry("activities:project_create", "get", [], (302, 403, 200, 200, 200))  # /activities/projects/new/
entry("activities:project_edit", "get", lambda: [_first("activities.Project")], (302, 403, 200, 403, 200))
# an empty form names no stage: refused with a message, back to the project
entry("activities:project_move", "post", lambda: [_first("activities.Project")], (302, 403, 302, 403, 302))
entry("activities:timeline", "get", [], (200, 200, 200, 200, 200))  # /activities/timeline/
entry("consultations:consultation_create", "get", [], SECRETARIAT_ONLY)  # the demo's documents: no focal point writes one
entry("consultations:document_create", "get", [], (302, 403, 200, 200, 200))  # /consultations/documents/new/
entry("consultations:consultation_extend", "get", lambda: [_first("consultations.Consultation")], SECRETARIAT_ONLY)
entry("consultations:consultation_languages", "get", lambda: [_first("consultations.Consultation")], SECRETARIAT_ONLY)
entry("consultations:consultation_translate", "get", lambda: [_first("consultations.Consultation"), "fr"],
      SECRETARIAT_ONLY)
entry("consultations:document_translate", "get", lambda: [_first("consultations.GuidelineDocument"), "ar"],
      SECRETARIAT_ONLY)
entry("consultations:version_translate", "get", lambda: [_first("consultations.GuidelineVersion"), "zh-hans"],
      SECRETARIAT_ONLY)
entry("consultations:consultation_move", "post", lambda: [_first("consultations.Consultation")], (302, 403, 403, 403, 302))
entry("consultations:answers_export", "get", lambda: [_first("consultations.Consultation"), "csv"], (404, 404, 404, 404, 200))
entry("consultations:attachment", "get", lambda: [_first("consultations.CommentAttachment")], (404, 404, 404, 404, 404))
entry("consultations:confirm_email", "get", ["not-a-token"], (400, 400, 400, 400, 400))
entry("consultations:consultation_detail", "get", lambda: [_first("consultations.Consultation")], (200, 200, 200, 200, 200))
entry("consultations:consultation_list", "get", [], (200, 200, 200, 200, 200))  # /consultations/
entry("consultations:dashboard", "get", [], (302, 403, 200, 200, 200))  # /consultations/workspace/
entry("consultations:diff", "get", _versions, (200, 200, 200, 200, 200))  # /consultations/versions/1/diff/2/
entry("consultations:dispositions", "get", lambda: [_first("consultations.Consultation")], (302, 403, 403, 403, 200))
entry("consultations:document", "get", lambda: [_first("consultations.GuidelineDocument")], (200, 200, 200, 200, 200))
entry("consultations:import_job", "get", lambda: [_first("consultations.GuidelineDocument"), 999_999],
      (302, 403, 403, 403, 404))  # the demo has no import job: the secretariat may look, and finds none
entry("consultations:import_retry", "post", lambda: [_first("consultations.GuidelineDocument"), 999_999],
      (302, 403, 403, 403, 404))
entry("consultations:document_comment", "get", lambda: [_first("consultations.Consultation")], (200, 200, 200, 200, 200))
entry("consultations:email_start", "get", lambda: [_first("consultations.Consultation")], (200, 200, 200, 200, 200))
entry("consultations:moderation", "get", lambda: [_first("consultations.Consultation")], (302, 403, 403, 403, 200))
entry("consultations:paragraph", "get", _consultation_paragraph, (200, 200, 200, 200, 200))  # /consultations/1/p/1/
entry("consultations:read", "get", lambda: [_first("consultations.Consultation")], (200, 200, 200, 200, 200))
entry("consultations:receipt", "get", ["IG14-0000-0000"], (404, 404, 404, 404, 404))
entry("consultations:report", "get", lambda: [_first("consultations.Consultation")], (200, 200, 200, 200, 200))
entry("consultations:resolution_export", "get", lambda: [_first("consultations.Consultation"), "csv"], (200, 200, 200, 200, 200))
entry("consultations:version", "get", lambda: [_first("consultations.GuidelineVersion")], (200, 200, 200, 200, 200))
entry("consultations:version_export", "get", lambda: [_first("consultations.GuidelineVersion"), "md"], (200, 200, 200, 200, 200))
entry("consultations:version_publish", "post", lambda: [_first("consultations.GuidelineVersion")], (302, 403, 403, 403, 302))
entry("consultations:version_move", "post", lambda: [_first("consultations.GuidelineVersion")], (302, 403, 403, 403, 302))
entry("consultations:document_move", "post", lambda: [_first("consultations.GuidelineDocument")], (302, 403, 403, 403, 302))
entry("coordination:body_create", "get", [], SECRETARIAT_ONLY)  # /coordination/bodies/new/
entry("coordination:action_item_add", "get", _meeting, (302, 403, 403, 403, 200))
entry("coordination:action_item_close", "post", _action, (302, 403, 403, 403, 302))
entry("coordination:agenda_item_add", "get", _meeting, (302, 403, 403, 403, 200))
entry("coordination:attendance_history", "get", _body, (200, 200, 200, 200, 200))
entry("coordination:attendance_record", "get", _meeting, (302, 403, 403, 403, 200))
entry("coordination:body_calendar", "get", _body, (200, 200, 200, 200, 200))
entry("coordination:body_detail", "get", _body, (200, 200, 200, 200, 200))  # /coordination/bodies/jca-cop/
entry("coordination:body_edit", "get", _body, (302, 403, 403, 403, 200))  # /coordination/bodies/jca-cop/edit/
entry("coordination:body_list", "get", [], (200, 200, 200, 200, 200))  # /coordination/
entry("coordination:chair_appoint", "get", _body, (302, 403, 403, 403, 200))  # /coordination/bodies/jca-cop/chairs/new/
entry("coordination:dashboard", "get", [], (302, 200, 200, 200, 200))  # /coordination/dashboard/
entry("coordination:decision_add", "get", _meeting, (302, 403, 403, 403, 200))
entry("coordination:document_detail", "get", lambda: [_first("coordination.Document")], (200, 200, 200, 200, 200))
entry("coordination:document_download", "get", _document_file, (404, 404, 404, 404, 404))
entry("coordination:document_register", "get", _body, (302, 403, 403, 403, 200))
entry("coordination:document_revise", "get", lambda: [_first("coordination.Document")], (302, 403, 403, 403, 200))
entry("coordination:document_withdraw", "post", lambda: [_first("coordination.Document")], (302, 403, 403, 403, 302))
entry("coordination:liaison_create", "get", _body, (302, 403, 403, 403, 200))
entry("coordination:liaison_delivery_retry", "post", lambda: [_first("coordination.LiaisonStatement"),
      _first("coordination.LiaisonRecipient")], (302, 403, 403, 403, 302))  # not failed: refused with the reason
entry("coordination:liaison_detail", "get", lambda: [_first("coordination.LiaisonStatement")], (200, 200, 200, 200, 200))
entry("coordination:liaison_list", "get", [], (200, 200, 200, 200, 200))  # /coordination/liaisons/
entry("coordination:liaison_send", "post", lambda: [_first("coordination.LiaisonStatement")], (302, 403, 403, 403, 302))
entry("coordination:lifetime_extend", "get", _body, (302, 403, 403, 403, 200))  # /coordination/bodies/jca-cop/extend/
entry("coordination:meeting_create", "get", _body, (302, 403, 403, 403, 200))
entry("coordination:meeting_detail", "get", _meeting, (200, 200, 200, 200, 200))
entry("coordination:meeting_ics", "get", _meeting, (200, 200, 200, 200, 200))
entry("coordination:membership_add", "get", _body, (302, 403, 403, 403, 200))
entry("coordination:my_calendar", "get", [], (302, 200, 200, 200, 200))  # /coordination/calendar/
entry("coordination:registry", "get", [], (200, 200, 200, 200, 200))  # /coordination/registry/
entry("coordination:terms_of_reference_add", "get", _body, (302, 403, 403, 403, 200))
entry("coordination:user_feed", "get", ["not-a-feed-token"], (404, 404, 404, 404, 404))
entry("core:audit_log", "get", [], (302, 403, 403, 403, 200))  # /workspace/audit/
entry("core:review_queue", "get", [], (302, 403, 403, 403, 200))  # /workspace/review/
entry("core:review_publish", "post", lambda: ["activities.activity", _first("activities.Activity")],
      (302, 403, 403, 403, 302))
entry("core:review_return", "post", lambda: ["activities.activity", _first("activities.Activity")],
      (302, 403, 403, 403, 302))
entry("core:review_clear_flags", "post", lambda: ["activities.activity", _first("activities.Activity")],
      (302, 403, 403, 403, 302))
entry("core:csp_report", "post", [], (400, 400, 400, 400, 400))  # /csp-report
entry("core:favicon", "get", [], (301, 301, 301, 301, 301))  # /favicon.ico
entry("core:healthz", "get", [], (200, 200, 200, 200, 200))  # /healthz
entry("exchange:export", "get", ["activities", "csv"], (200, 200, 200, 200, 200))  # /exchange/export/activities.csv
entry("exchange:index", "get", [], (302, 403, 200, 200, 200))  # /exchange/
entry("exchange:job", "get", lambda: [_first("exchange.ImportJob")], (302, 404, 404, 404, 404))
entry("exchange:job_apply", "post", lambda: [_first("exchange.ImportJob")], (302, 404, 404, 404, 404))
entry("exchange:job_status", "get", lambda: [_first("exchange.ImportJob")], (302, 404, 404, 404, 404))
entry("exchange:template", "get", ["organisations", "csv"], (200, 200, 200, 200, 200))
entry("exchange:upload", "post", [], (302, 403, 422, 422, 422))  # /exchange/upload/
entry("figures:dashboard", "get", [], (200, 200, 200, 200, 200))  # /figures/
entry("figures:figure_create", "get", [], (302, 403, 200, 200, 200))  # /figures/new/
entry("figures:figure_detail", "get", lambda: [_first("figures.Figure")], (200, 200, 200, 200, 200))  # /figures/1/
entry("figures:figure_edit", "get", lambda: [_first("figures.Figure")], (302, 403, 403, 403, 200))  # /figures/1/edit/
entry("figures:figure_list", "get", [], (200, 200, 200, 200, 200))  # /figures/all/
entry("figures:indicator_list", "get", [], (200, 200, 200, 200, 200))  # /figures/indicators/
entry("figures:indicator_create", "get", [], (302, 403, 403, 403, 200))  # /figures/indicators/new/
entry("figures:indicator_edit", "get", lambda: [_first("figures.Indicator")], (302, 403, 403, 403, 200))
entry("home:index", "get", [], (200, 200, 200, 200, 200))  # /
entry("home:workspace", "get", [], (302, 200, 200, 200, 200))  # /workspace/
entry("home:search", "get", [], (200, 200, 200, 200, 200))  # /search/
entry("initiatives:appointment_create", "get", lambda: [_first("initiatives.Person")], (302, 403, 403, 403, 200))
entry("initiatives:appointment_edit", "get", lambda: [_first("initiatives.Appointment")], (302, 403, 403, 403, 200))
entry("initiatives:deliverable_create", "get", [], (302, 403, 200, 200, 200))  # /initiative/deliverables/new/
entry("initiatives:deliverable_detail", "get", lambda: [_first("initiatives.Deliverable")], (200, 200, 200, 200, 200))
entry("initiatives:deliverable_edit", "get", lambda: [_first("initiatives.Deliverable")], (302, 403, 403, 403, 200))
entry("initiatives:deliverable_list", "get", [], (200, 200, 200, 200, 200))  # /initiative/deliverables/
entry("initiatives:deliverable_publish", "post", lambda: [_first("initiatives.Deliverable")], (302, 403, 403, 403, 302))
entry("initiatives:home", "get", [], (200, 200, 200, 200, 200))  # /initiative/
entry("initiatives:initiative_detail", "get", lambda: [_first("initiatives.Initiative")], (200, 200, 200, 200, 200))
entry("initiatives:initiative_edit", "get", lambda: [_first("initiatives.Initiative")], (302, 403, 403, 403, 200))
entry("initiatives:mandate_version_add", "get", lambda: [_first("initiatives.Initiative")], (302, 403, 403, 403, 200))
entry("initiatives:person_create", "get", [], (302, 403, 200, 200, 200))  # /initiative/people/new/
entry("initiatives:person_detail", "get", lambda: [_first("initiatives.Person")], (200, 200, 200, 200, 200))
entry("initiatives:person_edit", "get", lambda: [_first("initiatives.Person")], (302, 403, 403, 403, 200))
entry("initiatives:person_list", "get", [], (200, 200, 200, 200, 200))  # /initiative/people/
entry("initiatives:pillar_detail", "get", _pillar, (200, 200, 200, 200, 200))  # /initiative/pillars/legal/
entry("outreach:campaign_detail", "get", lambda: [_first("outreach.Campaign")], (200, 200, 200, 200, 200))
entry("outreach:campaign_parameter", "get", lambda: _parameter("campaign"), (302, 403, 200, 403, 200))
entry("outreach:campaign_create", "get", [], (302, 403, 200, 200, 200))  # /outreach/campaigns/new/
entry("outreach:campaign_edit", "get", lambda: [_first("outreach.Campaign")], (302, 403, 200, 403, 200))
entry("outreach:message_add", "get", lambda: [_first("outreach.Campaign")], (302, 403, 200, 403, 200))
entry("outreach:programme_create", "get", [], (302, 403, 200, 200, 200))  # /outreach/programmes/new/
entry("outreach:programme_edit", "get", lambda: [_first("outreach.TrainingProgramme")], (302, 403, 200, 403, 200))
entry("outreach:cohort_create", "get", lambda: [_first("outreach.TrainingProgramme")], (302, 403, 200, 403, 200))
entry("outreach:certificate_issue", "post", lambda: [_first("outreach.Trainee")], (302, 403, 302, 403, 302))
entry("outreach:certificate_pdf", "get", _certificate, (302, 403, 200, 403, 200))
entry("outreach:certificate_revoke", "post", _certificate, (302, 403, 422, 403, 422))  # an empty POST: the reason is required
entry("outreach:country", "get", ["ET"], (200, 200, 200, 200, 200))  # /outreach/countries/ET/
entry("outreach:index", "get", [], (200, 200, 200, 200, 200))  # /outreach/
entry("outreach:programme_detail", "get", lambda: [_first("outreach.TrainingProgramme")], (200, 200, 200, 200, 200))
entry("outreach:programme_parameter", "get", lambda: _parameter("programme"), (302, 403, 200, 403, 200))
entry("outreach:programme_trainees", "get", lambda: [_first("outreach.TrainingProgramme")], (200, 200, 200, 200, 200))
entry("outreach:session_record", "get", lambda: [_first("outreach.TrainingProgramme")], (302, 403, 200, 403, 200))
entry("outreach:trainee_register", "get", lambda: [_first("outreach.Cohort")], (302, 403, 200, 403, 200))
entry("outreach:trainees_import", "get", lambda: [_first("outreach.Cohort")], (302, 403, 200, 403, 200))
# The demo has no trainee import: those who may import into the cohort get 404, the others what the cohort gives them.
entry("outreach:trainee_import_job", "get", lambda: [_first("outreach.Cohort"), 999_999], (302, 403, 404, 403, 404))
entry("outreach:verify", "get", [], (200, 200, 200, 200, 200))  # /outreach/verify/
entry("outreach:verify_code", "get", _certificate, (200, 200, 200, 200, 200))  # /outreach/verify/TUT-X6VH-PD50-VMJT/
entry("partners:agreement_create", "get", [], (302, 403, 200, 200, 200))  # /partners/agreements/new/
entry("partners:agreement_detail", "get", lambda: [_first("partners.Agreement")], (200, 200, 200, 200, 200))
entry("partners:agreement_edit", "get", lambda: [_first("partners.Agreement")], (302, 403, 403, 200, 200))
entry("partners:agreement_list", "get", [], (200, 200, 200, 200, 200))  # /partners/agreements/
entry("partners:agreement_publish", "post", lambda: [_first("partners.Agreement")], (302, 403, 403, 403, 302))
# an empty form names no stage: refused with a message, back to the agreement
entry("partners:agreement_move", "post", lambda: [_first("partners.Agreement")], (302, 403, 403, 302, 302))
entry("partners:commitment_create", "get", lambda: [_first("partners.Agreement")], (302, 403, 403, 200, 200))
entry("partners:commitment_edit", "get", lambda: [_first("partners.Commitment")], (302, 403, 403, 200, 200))
entry("partners:my_records", "get", [], (302, 403, 200, 200, 200))  # /partners/mine/
entry("partners:organisation_autocomplete", "get", [], (200, 200, 200, 200, 200))  # /partners/organisations/autocomplete/
entry("partners:organisation_create", "get", [], (302, 403, 403, 403, 200))  # /partners/new/
entry("partners:organisation_detail", "get", lambda: [_first("partners.Organisation", acronym='ACOPEA')], (200, 200, 200, 200, 200))
entry("partners:organisation_edit", "get", lambda: [_first("partners.Organisation", acronym='ACOPEA')], (302, 403, 200, 403, 200))
entry("partners:organisation_list", "get", [], (200, 200, 200, 200, 200))  # /partners/
entry("partners:organisation_merge", "get", lambda: [_first("partners.Organisation", acronym='ACOPEA')], (302, 403, 403, 403, 200))
entry("partners:organisation_publish", "post", lambda: [_first("partners.Organisation", acronym='ACOPEA')], (302, 403, 403, 403, 302))
entry("reports:paragraph_action", "post", lambda: [_first("reports.ReportParagraph"), "accept"], (302, 403, 403, 403, 302))
entry("reports:paragraph_add", "post", lambda: [_first("reports.Report")], (302, 403, 403, 403, 302))
entry("reports:paragraph_edit", "get", lambda: [_first("reports.ReportParagraph")], (302, 403, 403, 403, 200))
entry("reports:report_create", "get", [], (302, 403, 403, 403, 200))  # /reports/new/
entry("reports:report_detail", "get", lambda: [_first("reports.Report")], (404, 404, 404, 404, 200))  # /reports/1/
entry("reports:report_draft", "post", lambda: [_first("reports.Report")], (302, 403, 403, 403, 302))
entry("reports:report_edit", "get", lambda: [_first("reports.Report")], (302, 403, 403, 403, 200))
entry("reports:report_draft_retry", "post", lambda: [_first("reports.Report")], (302, 403, 403, 403, 302))
entry("reports:report_export", "get", lambda: [_first("reports.Report"), "md"], (404, 404, 404, 404, 200))
# The demo has no made files (its report is a draft of 11 paragraphs): the file pages answer 404 to everyone;
# reports/tests/test_pdf.py covers them with files.
entry("reports:report_file", "get", lambda: [_first("reports.Report"), _first("reports.ReportFile")], (404, 404, 404, 404, 404))
entry("reports:report_file_download", "get", lambda: [_first("reports.Report"), _first("reports.ReportFile")],
      (404, 404, 404, 404, 404))
entry("reports:report_move", "post", lambda: [_first("reports.Report")], (302, 404, 404, 404, 302))
entry("reports:report_list", "get", [], (200, 200, 200, 200, 200))  # /reports/
entry("reports:report_progress", "get", lambda: [_first("reports.Report")], (404, 404, 404, 404, 200))
entry("reports:report_period", "get", lambda: [_first("reports.Report")], (302, 403, 403, 403, 200))
entry("reports:report_translations", "get", lambda: [_first("reports.Report"), "fr"], (302, 403, 403, 403, 200))
entry("reports:report_sources", "get", lambda: [_first("reports.Report")], (404, 404, 404, 404, 200))


def _rating_of_draft():
    from tutela.strategies.models import Rating

    rating = Rating.objects.filter(assessment__status="draft").order_by("pk").first()
    return [rating.assessment_id, rating.pk]


# strategies: Oman's rounds are published, Ethiopia's is a draft. The ladder's five personas hold no national
# focal point; tutela/strategies/tests/test_ladder.py climbs every URL again with one of each country.
_OM = lambda: [_first("strategies.Assessment", country="OM")]  # noqa: E731
_ET = lambda: [_first("strategies.Assessment", country="ET")]  # noqa: E731
entry("strategies:country_list", "get", [], (200, 200, 200, 200, 200))  # /strategies/
entry("strategies:world_map", "get", [], (200, 200, 200, 200, 200))  # /strategies/map.svg
entry("strategies:country_profile", "get", ["OM"], (200, 200, 200, 200, 200))  # /strategies/countries/OM/
entry("strategies:framework_list", "get", [], (200, 200, 200, 200, 200))  # /strategies/frameworks/
entry("strategies:framework_detail", "get", lambda: [_first("strategies.Framework")], (200, 200, 200, 200, 200))
entry("strategies:framework_import", "get", [], (302, 403, 403, 403, 200))  # /strategies/frameworks/import/
entry("strategies:assessment_list", "get", [], (302, 200, 200, 200, 200))  # /strategies/assessments/
entry("strategies:assessment_create", "get", [], (302, 403, 403, 403, 200))  # /strategies/assessments/new/
entry("strategies:assessment_detail", "get", _OM, (200, 200, 200, 200, 200))
entry("strategies:assessment_fill", "get", _ET, (302, 404, 404, 404, 200))
entry("strategies:assessment_export", "get", lambda: [*_OM(), "csv"], (200, 200, 200, 200, 200))
entry("strategies:action_create", "get", _OM, (302, 403, 403, 403, 200))
entry("strategies:action_edit", "get", lambda: [_first("strategies.Action")], (302, 403, 403, 403, 200))
# The demo's evidence is all links (no file to download) and none is public: 404 to everyone.
entry("strategies:evidence_download", "get", lambda: [_first("strategies.Evidence")], (404, 404, 404, 404, 404))
entry("strategies:evidence_add", "post", _rating_of_draft, (302, 404, 404, 404, 422))
entry("strategies:evidence_remove", "post", lambda: [_first("strategies.Evidence")], (302, 404, 404, 404, 404))
# An empty POST shows who may reach the action; the secretariat's is refused by the service (not submitted,
# not validated) and redirected to the round with the message.
entry("strategies:assessment_submit", "post", _ET, (302, 404, 404, 404, 302))
entry("strategies:assessment_return", "post", _ET, (302, 404, 404, 404, 302))
entry("strategies:assessment_validate", "post", _OM, (302, 403, 403, 403, 302))
entry("strategies:assessment_publish", "post", _OM, (302, 403, 403, 403, 302))

# library: the demo's leaflet (ITU, published, two link language versions) and its 10–14 session plan. Focal
# points A and B are not ITU's: they may create their own resources but not change ITU's (404 on its forms).
_LEAFLET = lambda: [_first("library.Resource", is_published=True)]  # noqa: E731
entry("library:resource_list", "get", [], (200, 200, 200, 200, 200))  # /library/
entry("library:resource_feed", "get", [], (200, 200, 200, 200, 200))  # /library/feed.atom
entry("library:resource_create", "get", [], (302, 403, 200, 200, 200))  # /library/new/
entry("library:resource_detail", "get", _LEAFLET, (200, 200, 200, 200, 200))
entry("library:resource_translate", "get", lambda: [*_LEAFLET(), "es"], SECRETARIAT_ONLY)
entry("library:language_version_add", "get", _LEAFLET, (302, 403, 403, 403, 200))
# A link language version counts the download and redirects to the link.
entry("library:download", "get", lambda: [_first("library.LanguageVersion")], (302, 302, 302, 302, 302))
entry("library:plan_list", "get", [], (200, 200, 200, 200, 200))  # /library/kits/
entry("library:plan_detail", "get", lambda: [_first("library.SessionPlan")], (200, 200, 200, 200, 200))
# An educational session's plan and its age-band feedback: the demo's session is ITU's (neither focal point's).
_USE = lambda: [_first("library.SessionUse")]  # noqa: E731
entry("library:session_use_add", "get", lambda: [_session_activity()], (302, 403, 403, 403, 200))
entry("library:feedback_add", "get", _USE, (302, 403, 403, 403, 200))
# Already published: publishing again is allowed and redirects; others may read but not change it.
entry("library:resource_publish", "post", _LEAFLET, (302, 403, 403, 403, 302))

# hub: the public's calendar and feeds, the same for everyone (each reads the public view, whoever asks).
_PUBLIC = (200, 200, 200, 200, 200)
entry("hub:calendar_month", "get", [], _PUBLIC)  # /hub/calendar/
entry("hub:calendar_list", "get", [], _PUBLIC)  # /hub/calendar/list/
entry("hub:calendar_ics", "get", [], _PUBLIC)  # /hub/calendar.ics
entry("hub:country_ics", "get", ["ET"], _PUBLIC)
entry("hub:pillar_ics", "get", lambda: [_pillar_slug()], _PUBLIC)
entry("hub:event_ics", "get", lambda: ["activity", _first("activities.Activity", is_published=True, awaiting_review=False)], _PUBLIC)
entry("hub:feeds", "get", [], _PUBLIC)  # /hub/feeds/
entry("hub:activity_feed", "get", [], _PUBLIC)
entry("hub:document_feed", "get", [], _PUBLIC)
entry("hub:consultation_feed", "get", [], _PUBLIC)
entry("hub:iati", "get", [], _PUBLIC)  # /hub/iati/ (the export report)
entry("hub:iati_activities", "get", [], _PUBLIC)
entry("hub:iati_organisation", "get", [], _PUBLIC)
entry("hub:open_data", "get", [], _PUBLIC)  # /hub/data/ (the data dictionary)
entry("hub:data_csv", "get", ["participation"], _PUBLIC)
entry("hub:data_json", "get", ["figures"], _PUBLIC)


def _session_activity():
    from tutela.library.models import SessionUse

    return SessionUse.objects.order_by("pk").first().activity_id


def _pillar_slug():
    from tutela.initiatives.models import Pillar

    return Pillar.objects.order_by("number").first().slug


def _args(spec):
    return spec() if callable(spec) else list(spec)


@pytest.fixture
def demo(settings, tmp_path, db):  # noqa: D103
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.apps import apps

    ctx: dict = {}
    for config in apps.get_app_configs():
        if config.name.startswith("tutela."):
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.load(ctx)
    return ctx


def ladder_gaps(ladder) -> tuple[list[str], list[str], list[str]]:
    """(URL names the ladder must cover, names without an entry, entries for names that are gone)."""
    covered = [n for n in url_names() if not n.startswith(tuple(f"{ns}:" for ns in EXCLUDED_NAMESPACES))]
    return covered, sorted(set(covered) - set(ladder)), sorted(set(ladder) - set(covered))


def test_a_url_pattern_without_an_entry_is_reported():
    partial = {name: value for name, value in LADDER.items() if not name.startswith(("reports:", "accounts:"))}
    _covered, missing, _stale = ladder_gaps(partial)
    assert len([n for n in missing if n.startswith("reports:")]) == 17
    assert len([n for n in missing if n.startswith("accounts:")]) == 14
    assert ladder_gaps({**LADDER, "gone:view": LADDER["home:index"]})[2] == ["gone:view"]


def test_every_url_pattern_has_a_ladder_entry():
    names = url_names()
    covered, missing, stale = ladder_gaps(LADDER)
    print(f"URL ladder: {len(set(covered) & set(LADDER))} of {len(covered)} HTML URL patterns have an entry; "
          f"{len(names) - len(covered)} api/admin patterns excluded")
    assert not missing, f"URL patterns without a ladder entry (add them to LADDER in tests/test_url_ladder.py): {missing}"
    assert not stale, f"ladder entries for URL names that no longer exist: {stale}"


def test_every_url_answers_each_persona_as_its_ladder_says(demo, client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    personas = {
        "anonymous": None,
        "stakeholder": users.get(email="stakeholder@tutela.test"),
        "focal_a": users.get(email="focal.acopea@tutela.test"),
        "focal_b": users.get(email="focal.trendmicro@tutela.test"),
        "secretariat": users.get(email="secretariat@tutela.test"),
    }
    from tutela.accounts.services import api_token_create

    api_token_create(actor=personas["focal_a"], name="ladder")  # token_revoke: focal point A's token
    differences = []
    requests = 0
    # GETs first, then the POST actions (an action may change what a later request sees).
    for name, (method, spec, statuses) in sorted(LADDER.items(), key=lambda item: (item[1][0] != "get", item[0])):
        url = reverse(name, args=_args(spec))
        for persona, expected in zip(PERSONAS, statuses, strict=True):
            client.logout()
            if personas[persona] is not None:
                client.force_login(personas[persona])
            response = getattr(client, method)(url)
            requests += 1
            if response.status_code != expected:
                differences.append(f"{name} {method.upper()} {url} as {persona}: {response.status_code}, expected {expected}")
    print(f"URL ladder: {requests} requests, {len(differences)} differences")
    assert not differences, "\n".join(differences)
