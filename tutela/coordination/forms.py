"""Forms: they parse and present; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .files import ALLOWED_EXTENSIONS
from .models import Body, Document, LiaisonRecipient, Meeting

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
        self.fields["meeting"].choices = [("", _("— none —"))] + [
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
        self.fields["meeting"].choices = [("", _("— none —"))] + [(m.ordinal, str(m)) for m in body.meetings.order_by("-ordinal")[:50]]
        self.fields["decided_by"].queryset = Body.objects.order_by("short_name")


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
    send = forms.BooleanField(label=_("Send now (otherwise it stays a draft)"), required=False)

    def __init__(self, *args, body: Body, replyable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_meeting"].choices = [("", _("— none —"))] + [(m.ordinal, str(m)) for m in body.meetings.order_by("-ordinal")[:50]]
        self.fields["reply_to"].choices = [("", _("— not a reply —"))] + [(ls.pk, str(ls)[:80]) for ls in replyable]
        bodies = [("", _("— choose —"))] + [(b.pk, f"{b.short_name} — {b.name}") for b in Body.objects.exclude(pk=body.pk).order_by("short_name")]
        for i in range(1, self.ROWS + 1):
            self.fields[f"recipient_{i}"] = forms.TypedChoiceField(label=_("Recipient %(n)s") % {"n": i}, choices=bodies,
                                                                   coerce=int, required=i == 1, empty_value=None)
            self.fields[f"purpose_{i}"] = forms.ChoiceField(label=_("Purpose %(n)s") % {"n": i}, required=False,
                                                            choices=[("", "—")] + LiaisonRecipient.Purpose.choices)
            self.fields[f"deadline_{i}"] = forms.DateField(label=_("Deadline %(n)s") % {"n": i}, required=False, widget=DATE,
                                                           help_text=_("Required for action.") if i == 1 else "")

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
