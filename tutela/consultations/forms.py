"""Forms for the consultation pages. They collect input; the services decide."""

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from tutela.core import translations
from tutela.core.languages import bcp47
from tutela.partners.models import Organisation

from .models import Audience, Comment, Disposition, GuidelineVersion, IndustrySector, StakeholderType


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.odt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class CommentForm(forms.Form):
    """What a respondent tells us: who they are (as a type) and what they say."""

    comment_type = forms.ChoiceField(label=_("Kind of comment"), choices=Comment.Type.choices,
                                     initial=Comment.Type.GENERAL)
    quote = forms.CharField(
        label=_("Passage (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "off"}),
        help_text=_("To comment on a few words only, copy them here from the paragraph."),
    )
    text = forms.CharField(label=_("Your comment"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Up to 10,000 characters."))
    proposed_change = forms.CharField(label=_("Proposed change (optional)"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text=_("The wording you suggest instead."))
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False,
                                    help_text=_("PDF, DOCX or ODT only, at most 3 files of 5 MB each."))
    stakeholder_type = forms.ChoiceField(label=_("You respond as"), choices=[("", "—"), *StakeholderType.choices])
    industry_sector = forms.ChoiceField(label=_("Industry sector (for industry)"), required=False,
                                        choices=[("", "—"), *IndustrySector.choices])
    organisation_name = forms.CharField(
        label=_("Organisation"), required=False, max_length=200,
        help_text=_("For a child or young person: the organisation that gathered their views. Never a child's name."),
    )
    country = CountryField(blank=True).formfield(label=_("Country"), required=False)
    is_anonymous = forms.BooleanField(label=_("Publish my comment without my organisation's name"), required=False)
    consent_to_list = forms.BooleanField(label=_("List my organisation among the contributors in the report"),
                                         required=False)
    wants_outcome = forms.BooleanField(label=_("Tell me about the outcome"), required=False)
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            label = f"{q.number}. {q.text}"
            if q.kind == "choice":
                self.fields[f"q{q.pk}"] = forms.ChoiceField(
                    label=label, required=False, choices=[("", "—"), *[(c, c) for c in q.choices]])
            else:
                self.fields[f"q{q.pk}"] = forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def details(self) -> dict:
        keys = ["stakeholder_type", "industry_sector", "organisation_name", "country", "is_anonymous",
                "consent_to_list", "wants_outcome"]
        return {k: self.cleaned_data.get(k) for k in keys}

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") or "" for q in self.questions
                if self.cleaned_data.get(f"q{q.pk}")}


class EmailForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"),
                             help_text=_("We send a link to confirm it. It is never published."))
    # The paragraph the person was reading: the confirmation link brings them back to it.
    paragraph = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ModerationForm(forms.Form):
    action = forms.ChoiceField(choices=[("published", _("Publish")), ("hidden", _("Hide")), ("spam", _("Spam"))])
    reason = forms.CharField(required=False, max_length=300)


class DispositionForm(forms.Form):
    # No decision is pre-selected: an unchosen decision is refused, never recorded as "Accepted".
    decision = forms.ChoiceField(label=_("Decision"), choices=[("", "—"), *Disposition.Decision.choices],
                                 error_messages={"required": _("Choose a decision.")})
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 2}),
                                error_messages={"required": _("Give the rationale; it is published in the "
                                                              "resolution table.")})
    resulting = forms.CharField(label=_("Led to paragraphs (numbers in the next version, e.g. 3, 4)"), required=False)


class ImportForm(forms.Form):
    label = forms.CharField(label=_("Version label"), max_length=100, help_text=_("e.g. Draft 2, Final"))
    stage = forms.ChoiceField(label=_("Stage"), choices=GuidelineVersion.Stage.choices)
    markdown = forms.CharField(label=_("Markdown text"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                               help_text=_("# headings become sections; blank lines separate paragraphs."))
    file = forms.FileField(label=_("…or a Word file (.docx)"), required=False)

    def clean(self):
        data = super().clean() or {}
        if not data.get("markdown") and not data.get("file"):
            raise forms.ValidationError(_("Paste Markdown text or choose a .docx file."))
        return data


class ReportForm(forms.Form):
    summary = forms.CharField(label=_("Summary of the outcome"), widget=forms.Textarea(attrs={"rows": 5}))
    final_version = forms.ModelChoiceField(label=_("Resulting version"), queryset=GuidelineVersion.objects.none(),
                                           required=False)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _in_zone(value, zone_name: str):
    """A datetime-local value means wall-clock time in the consultation's zone, not the server's."""
    if value is None:
        return None
    return timezone.make_aware(timezone.make_naive(value).replace(tzinfo=None), zoneinfo.ZoneInfo(zone_name))


def _valid_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class DocumentForm(forms.Form):
    """A new guideline document (one edition of a set); its versions are imported on its page."""

    title = forms.CharField(label=_("Title"), max_length=300, help_text=_("e.g. Guidelines for Industry on COP"))
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    edition = forms.CharField(label=_("Edition"), max_length=40, help_text=_("e.g. 2014"))
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner_organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Lead organisation"),
                                                required=False)
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = organisations.order_by("name_key")


class ConsultationForm(forms.Form):
    """Open a consultation on one version: its window (in its own time zone) and channels."""

    version = forms.ModelChoiceField(GuidelineVersion.objects.none(), label=_("Text to consult on"))
    title = forms.CharField(label=_("Title"), max_length=300)
    code = forms.CharField(label=_("Code"), max_length=8,
                           help_text=_("Short prefix of receipt numbers, e.g. IG14 (letters and digits)."))
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    time_zone = forms.CharField(label=_("Time zone of the window"), max_length=64, initial="UTC",
                                help_text=_("e.g. Europe/Zurich; the dates below are read in it."))
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput,
                                   help_text=_("Now or earlier opens it at once."))
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput)
    online_form = forms.BooleanField(label=_("Online comment form"), required=False, initial=True)
    allow_public = forms.BooleanField(label=_("The public may comment"), required=False, initial=True,
                                      help_text=_("People without an account may comment after confirming an e-mail "
                                                  "address."))
    owner_organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Lead organisation"),
                                                required=False)
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args, versions=None, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = versions.select_related("document").order_by("document__title", "number")
        self.fields["owner_organisation"].queryset = organisations.order_by("name_key")

    def clean(self):
        data = super().clean() or {}
        zone = data.get("time_zone") or "UTC"
        if not _valid_zone(zone):
            self.add_error("time_zone", _("“%(tz)s” is not a time zone; use a name such as Europe/Zurich.") % {"tz": zone})
            return data
        for name in ("opens_at", "closes_at"):
            data[name] = _in_zone(data.get(name), zone)
        return data


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(label=_("New closing instant"), widget=DateTimeInput)

    def __init__(self, *args, zone_name: str = "UTC", **kwargs):
        super().__init__(*args, **kwargs)
        self.zone_name = zone_name
        self.fields["closes_at"].help_text = _("In the consultation's time zone (%(zone)s).") % {"zone": zone_name}

    def clean(self):
        data = super().clean() or {}
        data["closes_at"] = _in_zone(data.get("closes_at"), self.zone_name)
        return data


class ConsultationLanguagesForm(forms.Form):
    """The languages besides English a consultation is held in (the service checks each is translated)."""

    languages = forms.MultipleChoiceField(
        label=_("Languages besides English"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(code, translations.language_name(code)) for code in translations.languages()])


class VersionTranslationForm(forms.Form):
    """One field per paragraph of a version: its text in one language, the English as its help."""

    def __init__(self, *args, paragraphs: list, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        for p in paragraphs:
            if not p.text:
                continue
            have = ((p.translations or {}).get(language) or {}).get("text", "")
            widget = (forms.TextInput if p.kind == "section" else forms.Textarea(attrs={"rows": 3}))
            field = forms.CharField(label=p.label, required=False, initial=have, widget=widget,
                                    help_text=_("In English: %(text)s") % {"text": p.text})
            field.widget.attrs.update({"lang": bcp47(language), "dir": "auto"})
            self.fields[f"p{p.pk}"] = field
