"""Forms: they parse and present; the services decide."""

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .files import ALLOWED_EXTENSIONS
from .models import Body, BodyMembership, Decision, Document, LiaisonRecipient, Meeting

if TYPE_CHECKING:
    from tutela.partners.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"})
ACCEPT = ",".join(f".{e}" for e in ALLOWED_EXTENSIONS)


class MeetingForm(forms.Form):
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False, help_text=_("Leave empty for a one-day meeting."))
    status = forms.ChoiceField(label=_("Status"), choices=Meeting.Status.choices, initial=Meeting.Status.PLANNED)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    is_remote = forms.BooleanField(label=_("Remote participation"), required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    confirm_outside_lifetime = forms.BooleanField(
        label=_("I confirm this meeting is held after the body's lifetime ends"), required=False,
        widget=forms.HiddenInput,
    )


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=400)
    source = forms.CharField(label=_("Source"), max_length=300, help_text=_("Who submitted it, e.g. “Co-chairs”, “TSB”, an organisation."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices, initial=Document.Kind.CONTRIBUTION)
    meeting = forms.TypedChoiceField(label=_("Meeting"), coerce=int, required=False, empty_value=None)
    document_date = forms.DateField(label=_("Date"), widget=DATE, required=False, help_text=_("Leave empty for today."))
    access = forms.ChoiceField(label=_("Access"), choices=Document.Access.choices, initial=Document.Access.PUBLIC,
                               help_text=_("Members-only documents are seen by the body's members and the secretariat."))
    number = forms.CharField(label=_("Number (only for an older document)"), max_length=80, required=False,
                             help_text=_("Leave empty: the next free number is allocated when you register."))
    file = forms.FileField(label=_("File"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                           help_text=_("PDF, DOCX, XLSX, PPTX or ODT. The content is checked, not just the name."))

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["meeting"]).choices = [("", _("— none —"))] + [
            (m.ordinal, str(m)) for m in body.meetings.order_by("-ordinal")[:50]
        ]


class RevisionForm(forms.Form):
    note = forms.CharField(label=_("What changed"), max_length=300)
    title = forms.CharField(label=_("New title"), max_length=400, required=False, help_text=_("Leave empty to keep the title."))
    document_date = forms.DateField(label=_("Date"), widget=DATE, required=False, help_text=_("Leave empty for today."))
    file = forms.FileField(label=_("File"), required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why is it withdrawn?"), max_length=300)


class ExtensionForm(forms.Form):
    new_end = forms.DateField(label=_("New end date"), widget=DATE)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    meeting = forms.TypedChoiceField(label=_("Decided at meeting"), coerce=int, required=False, empty_value=None)
    decided_by = forms.ModelChoiceField(label=_("Decided by (body)"), queryset=Body.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["meeting"]).choices = [("", _("— none —"))] + [(m.ordinal, str(m)) for m in body.meetings.order_by("-ordinal")[:50]]
        cast(forms.ModelChoiceField, self.fields["decided_by"]).queryset = Body.objects.order_by("short_name")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe); each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class LiaisonForm(forms.Form):
    """A liaison with up to four recipients, each with its own purpose and deadline."""

    ROWS = 4

    subject = forms.CharField(label=_("Subject"), max_length=300)
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False, help_text=_("e.g. SG17-LS45"))
    from_meeting = forms.TypedChoiceField(label=_("Agreed at meeting"), coerce=int, required=False, empty_value=None)
    reply_to = forms.TypedChoiceField(label=_("In reply to"), coerce=int, required=False, empty_value=None)
    body_text = forms.CharField(label=_("Text"), widget=forms.Textarea, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    approval = forms.CharField(label=_("Approval"), max_length=200, required=False, help_text=_("e.g. “SG17 plenary”"))
    uploads = MultipleFileField(
        label=_("Attach files"), required=False,
        help_text=_("PDF, DOCX, XLSX, PPTX or ODT, up to %(mb)s MB each. Each is registered as a document of this body "
                    "and e-mailed with the liaison."))
    attachment_access = forms.ChoiceField(label=_("Who may read the attached files here"), choices=Document.Access.choices,
                                          initial=Document.Access.PUBLIC, required=False)
    documents = forms.TypedMultipleChoiceField(label=_("Attach registered documents"), coerce=int, required=False,
                                               help_text=_("The body's 50 latest documents."))
    send = forms.BooleanField(label=_("Send now (otherwise it stays a draft)"), required=False)

    def __init__(self, *args, body: Body, replyable=(), **kwargs):
        super().__init__(*args, **kwargs)
        from .files import max_bytes

        self.fields["uploads"].help_text = self.fields["uploads"].help_text % {"mb": f"{max_bytes() / 1048576:.0f}"}
        self.registered = {d.pk: d for d in Document.objects.filter(body=body, is_withdrawn=False)
                           .order_by("-registered_at", "-pk")[:50]}
        cast(forms.ChoiceField, self.fields["documents"]).choices = [
            (d.pk, f"{d.label} — {d.title}"[:120]) for d in self.registered.values()]
        cast(forms.ChoiceField, self.fields["from_meeting"]).choices = [("", _("— none —"))] + [(m.ordinal, str(m)) for m in body.meetings.order_by("-ordinal")[:50]]
        cast(forms.ChoiceField, self.fields["reply_to"]).choices = [("", _("— not a reply —"))] + [(ls.pk, str(ls)[:80]) for ls in replyable]
        bodies = [("", _("— choose —"))] + [(b.pk, f"{b.short_name} — {b.name}") for b in Body.objects.exclude(pk=body.pk).order_by("short_name")]
        for i in range(1, self.ROWS + 1):
            self.fields[f"recipient_{i}"] = forms.TypedChoiceField(label=_("Recipient %(n)s") % {"n": i}, choices=bodies,
                                                                   coerce=int, required=i == 1, empty_value=None)
            self.fields[f"purpose_{i}"] = forms.ChoiceField(label=_("Purpose %(n)s") % {"n": i}, required=False,
                                                            choices=[("", "—"), *LiaisonRecipient.Purpose.choices])
            self.fields[f"deadline_{i}"] = forms.DateField(label=_("Deadline %(n)s") % {"n": i}, required=False, widget=DATE,
                                                           help_text=_("Required for action.") if i == 1 else "")

    def attachments(self) -> list[Document]:
        return [self.registered[pk] for pk in self.cleaned_data.get("documents") or [] if pk in self.registered]

    def recipient_rows(self):
        return [(self[f"recipient_{i}"], self[f"purpose_{i}"], self[f"deadline_{i}"]) for i in range(1, self.ROWS + 1)]

    def recipients(self) -> list[dict]:
        bodies = {b.pk: b for b in Body.objects.filter(pk__in=[self.cleaned_data.get(f"recipient_{i}") for i in range(1, self.ROWS + 1)])}
        rows = []
        for i in range(1, self.ROWS + 1):
            pk = self.cleaned_data.get(f"recipient_{i}")
            if pk:
                rows.append({"body": bodies.get(pk), "purpose": self.cleaned_data.get(f"purpose_{i}") or None,
                             "deadline": self.cleaned_data.get(f"deadline_{i}")})
        return rows


# --- Membership, chairs, terms of reference -------------------------------------------------

def _named_people():
    """Only adults who may be named (public figures, or who consented) are offered anywhere."""
    from tutela.initiatives.models import Person

    return Person.objects.public().select_related("organisation").order_by("full_name")


def _person_label(person) -> str:
    return f"{person} ({person.organisation})" if person.organisation_id else str(person)


def _organisations():
    from tutela.partners.models import Organisation

    return Organisation.objects.order_by("name")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return _person_label(obj)


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _person_label(obj)


NAMED_ONLY = _("Only adults who are public figures or who consented to be named are listed; record consent on the "
               "person's page first.")


class MembershipForm(forms.Form):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False, empty_label=_("— none —"),
        error_messages={"invalid_choice": _("Unknown organisation.")})
    person = PersonChoiceField(label=_("Named person"), queryset=None, required=False, empty_label=_("— none —"),
                               help_text=NAMED_ONLY, error_messages={"invalid_choice": _("Choose a person from the list.")})
    role = forms.ChoiceField(label=_("Role"), choices=BodyMembership.Role.choices, initial=BodyMembership.Role.MEMBER)
    represents = forms.CharField(label=_("Represents"), max_length=200, required=False,
                                 help_text=_("e.g. ITU-T SG13, or a group of stakeholders"))
    since = forms.DateField(label=_("Member since"), widget=DATE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _organisations()
        self.fields["person"].queryset = _named_people()


class ChairForm(forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=None, help_text=NAMED_ONLY,
                               error_messages={"invalid_choice": _("Choose a person from the list."),
                                               "required": _("Choose the person appointed.")})
    role = forms.ChoiceField(label=_("Role"), choices=[], initial="chair")
    starts_on = forms.DateField(label=_("From"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("Until"), widget=DATE, required=False, help_text=_("Leave empty for an open term."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False, help_text=_("e.g. “United States”, “appointed at the 5th meeting”"))

    def __init__(self, *args, **kwargs):
        from tutela.initiatives.models import Appointment

        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _named_people()
        roles = {Appointment.Role.CHAIR, Appointment.Role.CO_CHAIR, Appointment.Role.VICE_CHAIR}
        self.fields["role"].choices = [(v, label) for v, label in Appointment.Role.choices if v in roles]

    def clean(self):
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The term ends before it starts."))
        return data


class TermsOfReferenceForm(forms.Form):
    document = forms.TypedChoiceField(label=_("Document"), coerce=int,
                                      help_text=_("A document registered by this body. Register it first if it is not listed."),
                                      error_messages={"required": _("Choose the document holding these terms of reference.")})
    approved_on = forms.DateField(label=_("Approved on"), widget=DATE)
    approved_by = forms.ModelChoiceField(label=_("Approved by (body)"), queryset=Body.objects.none(), required=False,
                                         empty_label=_("— not a body —"))
    approved_by_label = forms.CharField(label=_("…or approved by"), max_length=200, required=False,
                                        help_text=_("When it was not a body, e.g. “JCA-COP participants”."))
    meeting = forms.TypedChoiceField(label=_("At meeting"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    MENU = 100

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        live = body.documents.filter(is_withdrawn=False)
        tor = list(live.filter(kind=Document.Kind.TERMS_OF_REFERENCE).order_by("-scope", "-sequence")[: self.MENU])
        others = list(live.exclude(kind=Document.Kind.TERMS_OF_REFERENCE).order_by("-registered_at", "-id")[: self.MENU])
        choices: list[tuple[Any, Any]] = [("", _("— choose —"))]
        if tor:
            choices.append((_("Terms of reference"), [(d.pk, f"{d.label} — {d.title}"[:120]) for d in tor]))
        if others:
            choices.append((_("Other recent documents"), [(d.pk, f"{d.label} — {d.title}"[:120]) for d in others]))
        cast(forms.ChoiceField, self.fields["document"]).choices = choices
        cast(forms.ModelChoiceField, self.fields["approved_by"]).queryset = Body.objects.order_by("short_name")
        cast(forms.ChoiceField, self.fields["meeting"]).choices = [("", _("— none —"))] + [(m.ordinal, str(m)) for m in body.meetings.order_by("-ordinal")[:50]]


# --- Meeting records ------------------------------------------------------------------------

class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=300,
                            error_messages={"required": _("Give the agenda item a title.")})
    documents = forms.TypedMultipleChoiceField(label=_("Documents for this item"), coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [(d.pk, f"{d.label} — {d.title}"[:120]) for d in documents]
        if not self.fields["documents"].choices:
            self.fields["documents"].help_text = _("No document is registered for this meeting yet.")


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Decision.Kind.choices, initial=Decision.Kind.AGREEMENT)
    text = forms.CharField(label=_("What was decided or agreed"), widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _("Write what was decided or agreed.")})


class ActionItemForm(forms.Form):
    text = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": _("Write what is to be done.")})
    owner_label = forms.CharField(label=_("Owner"), max_length=200, help_text=_("A role or an organisation, e.g. “Co-chairs”, “TSB”."),
                                  error_messages={"required": _("Say who owns the action.")})
    due_on = forms.DateField(label=_("Due on"), widget=DATE, required=False)


class AttendanceForm(forms.Form):
    """Adds to the attendance already recorded: member organisations and named members are offered as boxes."""

    organisations = forms.TypedMultipleChoiceField(label=_("Member organisations present"), coerce=int, required=False,
                                                   widget=forms.CheckboxSelectMultiple)
    other_organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Another organisation present"), queryset=None, required=False, empty_label=_("— none —"),
        error_messages={"invalid_choice": _("Unknown organisation.")})
    people = forms.TypedMultipleChoiceField(label=_("Named members present"), coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    other_person = PersonChoiceField(label=_("Another named person present"), queryset=None, required=False,
                                     empty_label=_("— none —"), help_text=NAMED_ONLY,
                                     error_messages={"invalid_choice": _("Choose a person from the list.")})
    participant_count = forms.IntegerField(label=_("Head count"), required=False, min_value=0,
                                           help_text=_("Everyone present, named or not. Leave empty to keep the current count."),
                                           error_messages={"min_value": _("A count cannot be negative.")})

    def __init__(self, *args, organisations=(), people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(o.pk, str(o)) for o in organisations]
        self.fields["people"].choices = [(p.pk, _person_label(p)) for p in people]
        self.fields["other_organisation"].queryset = _organisations()
        self.fields["other_person"].queryset = _named_people()
        if not organisations:
            del self.fields["organisations"]
        if not people:
            del self.fields["people"]


class BodyForm(forms.Form):
    """A new coordination body (the secretariat's); its ToR, members and chairs are added on its page."""

    short_name = forms.CharField(label=_("Short name"), max_length=40, help_text=_("e.g. JCA-COP"))
    name = forms.CharField(label=_("Full name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Body.Kind.choices, initial=Body.Kind.OTHER)
    parent = forms.ModelChoiceField(Body.objects.none(), label=_("Parent body"), required=False)
    mandate = forms.CharField(label=_("Mandate"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    established_on = forms.DateField(label=_("Established on"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Lifetime ends on"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    contact_email = forms.EmailField(label=_("Address for liaison statements"), required=False,
                                     help_text=_("Liaison statements sent to this body are e-mailed here."))
    document_start = forms.IntegerField(label=_("First document number"), min_value=1, initial=1,
                                        help_text=_("The registry's next number, e.g. 48 when DOC047 already exists."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = Body.objects.order_by("short_name")


class BodyEditForm(BodyForm):
    """A body's details; its short name, registry numbering and lifetime (extensions) change elsewhere."""

    def __init__(self, *args: Any, body: Body, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("short_name", "document_start", "ends_on"):
            del self.fields[name]
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = Body.objects.exclude(pk=body.pk).order_by("short_name")
