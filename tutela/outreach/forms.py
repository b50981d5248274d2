"""Forms for outreach pages. They only parse input; the services decide what is allowed."""

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tutela.core import files
from tutela.core.choices import CHILD_MAX_AGE, StakeholderGroup
from tutela.partners.models import Organisation

from .models import Institution, Message, ReachParameter, Sector, Trainee, TrainingProgramme

COUNT_ERROR = _("Enter how many people attended as a whole number, e.g. 32. Never a name or a date of birth.")
AGE_ERROR = _("An age is a whole number of years.")

IMPORT_COLUMNS = ["name", "consent", "label", "sector", "institution", "status", "completed_on", "trained_by"]
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_SECONDS = 30


class TraineeForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), required=False, max_length=200,
                                help_text=_("Only with the person's consent to be named. Trainees are adults."))
    consent_to_be_named = forms.BooleanField(label=_("They consented to be named"), required=False)
    label = forms.CharField(label=_("Pseudonymous label"), required=False, max_length=60,
                            help_text=_("Leave empty to get the next 'Ambassador NNN' label."))
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Trainee.Status.choices, initial=Trainee.Status.ENROLLED)
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    trained_by = forms.ModelChoiceField(label=_("Trained by"), queryset=Trainee.objects.none(), required=False,
                                        help_text=_("Who trained this person, if an ambassador of this programme did."))

    def __init__(self, *args: Any, programme: TrainingProgramme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = Institution.objects.filter(country=programme.country).order_by("name")
        cast(forms.ModelChoiceField, self.fields["trained_by"]).queryset = programme.trainees.filter(status=Trainee.Status.COMPLETED).order_by("label")


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    audience = forms.ChoiceField(label=_("Audience"), choices=[
        (g.value, g.label) for g in (StakeholderGroup.CHILDREN, StakeholderGroup.PARENTS, StakeholderGroup.EDUCATORS,
                                     StakeholderGroup.GENERAL_PUBLIC, StakeholderGroup.OTHER)])
    min_age = forms.IntegerField(label=_("From age"), required=False, min_value=0, error_messages={"invalid": AGE_ERROR},
                                 help_text=_("For children: the youngest age in the group (0–17)."))
    max_age = forms.IntegerField(label=_("To age"), required=False, min_value=0, error_messages={"invalid": AGE_ERROR},
                                 help_text=_("For children: the oldest age in the group (at most %(max)s).") % {"max": CHILD_MAX_AGE})
    count = forms.IntegerField(label=_("How many attended"), min_value=0,
                               error_messages={"invalid": COUNT_ERROR, "min_value": _("A count cannot be negative.")},
                               help_text=_("A number only. Nothing on this form may identify a child: no names, "
                                           "birth dates, contacts or photos."))
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), required=False)
    ambassador = forms.ModelChoiceField(label=_("Delivered by"), queryset=Trainee.objects.none(), required=False)

    def __init__(self, *args: Any, programme: TrainingProgramme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = Institution.objects.filter(country=programme.country).order_by("name")
        cast(forms.ModelChoiceField, self.fields["ambassador"]).queryset = programme.trainees.filter(status=Trainee.Status.COMPLETED).order_by("label")


class ParameterForm(forms.Form):
    low = forms.DecimalField(label=_("Low"), min_value=0, max_digits=12, decimal_places=3)
    central = forms.DecimalField(label=_("Central"), min_value=0, max_digits=12, decimal_places=3)
    high = forms.DecimalField(label=_("High"), min_value=0, max_digits=12, decimal_places=3)
    source = forms.CharField(label=_("Source"), required=False, max_length=300,
                             help_text=_("The document or page the values come from."))
    is_assumption = forms.BooleanField(label=_("This is an assumption (no source)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    @classmethod
    def initial_for(cls, param: ReachParameter | None) -> dict[str, Any]:
        if param is None:
            return {}
        return {k: getattr(param, k) for k in ("low", "central", "high", "source", "is_assumption", "note")}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"),
                           help_text=_("Columns: %(c)s. One adult per row; a name only with consent.") % {"c": ", ".join(IMPORT_COLUMNS)})
    dry_run = forms.BooleanField(label=_("Dry run: check only, save nothing"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 2 MB; split it."))
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        try:  # sniffed and vetted here (no parsing); the worker reads the rows
            files.check_table(upload, name, import_limits())
        except files.FileProblem as exc:
            raise ValidationError(exc.message) from exc
        return upload


def import_limits() -> files.Limits:
    """A trainee file is a cohort: a few thousand rows, read in seconds (see docs/outreach.md)."""
    return files.Limits.default(rows=MAX_IMPORT_ROWS, seconds=MAX_IMPORT_SECONDS)


def read_rows(upload: Any, *, name: str) -> list[dict[str, Any]]:
    """Rows of a trainee file as dicts keyed by the lower-cased header, read within ``import_limits``
    (sniffed, size and DOCTYPE checks before parsing, row/cell/time budget while reading)."""
    limits = import_limits()
    stream = upload.file if hasattr(upload, "file") else upload
    fmt = files.check_table(stream, name, limits)
    with files.open_table(stream, fmt, limits) as (header, lines):
        keys = [h.strip().lower() for h in header]
        rows = [dict(zip(keys, cells, strict=False)) for _number, cells in lines]
    stream.seek(0)
    unknown = set().union(*(r.keys() for r in rows)) - set(IMPORT_COLUMNS) - {""} if rows else set()
    if unknown:
        raise ValueError(_("unknown columns %(c)s") % {"c": ", ".join(sorted(str(u) for u in unknown))})
    return [r for r in rows if any(v not in (None, "") for v in r.values())]


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=40, help_text=_("As printed on the certificate, e.g. TUT-1234-ABCD-5678."))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


# --- Setting up programmes, cohorts, campaigns and messages ---------------------------------

# An ISO 639 code, with a region if any: am, en, fr, pt-br (Django's own list lacks Amharic, Oromo…).
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")
DATE = forms.DateInput(attrs={"type": "date"})
SEVERAL = _("Hold Ctrl (or ⌘) to choose several.")
ORGANISATION_ERRORS = {"invalid_choice": _("Unknown organisation: choose one from the list."),
                       "invalid_pk_value": _("Unknown organisation: choose one from the list.")}
COUNTRY_ERRORS = {"invalid_choice": _("“%(value)s” is not a known country: choose one from the list.")}
AUDIENCE_CHOICES = [(g.value, g.label) for g in StakeholderGroup]


def _countries() -> list[tuple[str, str]]:
    from django_countries import countries

    return [(code, str(name)) for code, name in countries]


def _end_after_start(form: forms.Form, data: dict[str, Any]) -> None:
    starts, ends = data.get("starts_on"), data.get("ends_on")
    if starts and ends and ends < starts:
        form.add_error("ends_on", _("The end date (%(end)s) is before the start date (%(start)s).")
                       % {"end": ends, "start": starts})


class ProgrammeForm(forms.Form):
    """Create or change a training programme; the service decides who may (an organiser's focal point, the secretariat)."""

    name = forms.CharField(label=_("Name"), max_length=300, error_messages={"required": _("Give the programme a name.")})
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=_("Never a child's name or anything that identifies a child."))
    organisers = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(), label=_("Organisers"), help_text=SEVERAL,
        error_messages={**ORGANISATION_ERRORS, "required": _("Name at least one organising organisation.")})
    funders = forms.ModelMultipleChoiceField(queryset=Organisation.objects.none(), label=_("Funders"), required=False,
                                             help_text=SEVERAL, error_messages=ORGANISATION_ERRORS)
    country = forms.ChoiceField(label=_("Country"), error_messages={**COUNTRY_ERRORS,
                                                                    "required": _("Choose the country it runs in.")})
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE,
                                error_messages={"required": _("Give the start date."), "invalid": _("Enter a date, e.g. 2014-03-01.")})
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE,
                              error_messages={"required": _("Give the end date."), "invalid": _("Enter a date, e.g. 2014-03-01.")})
    reach_min_age = forms.IntegerField(label=_("Children reached from age"), min_value=0, max_value=CHILD_MAX_AGE,
                                       initial=6, error_messages={"invalid": AGE_ERROR})
    reach_max_age = forms.IntegerField(label=_("Children reached to age"), min_value=0, max_value=CHILD_MAX_AGE,
                                       initial=CHILD_MAX_AGE, error_messages={"invalid": AGE_ERROR})
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True,
                                      help_text=_("A focal point's programme waits for the secretariat's review."))

    def __init__(self, *args: Any, organisations: Any, instance: TrainingProgramme | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields
                                 if name not in {"organisers", "funders", "country"}}
            kwargs["initial"].update(country=str(instance.country),
                                     organisers=[o.pk for o in instance.organisers.all()],
                                     funders=[o.pk for o in instance.funders.all()])
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", "—"), *_countries()]
        for name in ("organisers", "funders"):
            cast(forms.ModelMultipleChoiceField, self.fields[name]).queryset = organisations

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _end_after_start(self, data)
        lo, hi = data.get("reach_min_age"), data.get("reach_max_age")
        if lo is not None and hi is not None and hi < lo:
            self.add_error("reach_max_age", _("The age band ends (%(hi)s) before it starts (%(lo)s).") % {"hi": hi, "lo": lo})
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["organisers"], data["funders"] = list(data["organisers"]), list(data["funders"])
        return data


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("e.g. Cohort 2, or Teachers, March 2014"),
                           error_messages={"required": _("A cohort needs a name.")})
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE, required=False,
                                error_messages={"invalid": _("Enter a date, e.g. 2014-03-01.")})
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE, required=False,
                              error_messages={"invalid": _("Enter a date, e.g. 2014-03-01.")})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _end_after_start(self, data)
        return data


class LanguagesField(forms.CharField):
    """Language codes typed as "am, en" → ["am", "en"]; a code Django does not know is refused."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]  # a list, not a str
        text = super().to_python(value) or ""
        return [code.strip().lower() for code in text.replace(";", ",").split(",") if code.strip()]

    def validate(self, value: Any) -> None:
        super().validate(",".join(value))
        unknown = [code for code in value if not LANGUAGE_CODE.fullmatch(code)]
        if unknown:
            raise ValidationError(_("%(codes)s is not a language code: use two- or three-letter codes such as am, en, fr.")
                                  % {"codes": ", ".join(f"“{c}”" for c in unknown)})


class CampaignForm(forms.Form):
    """Create or change an awareness campaign (owner's or partners' focal points, the secretariat)."""

    banner = forms.CharField(label=_("Banner or slogan"), max_length=200,
                             error_messages={"required": _("Give the campaign's banner or slogan.")})
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    owner_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Run by"),
        error_messages={**ORGANISATION_ERRORS, "required": _("Choose the organisation that runs the campaign.")})
    partners = forms.ModelMultipleChoiceField(queryset=Organisation.objects.none(), label=_("Partners"), required=False,
                                              help_text=SEVERAL, error_messages=ORGANISATION_ERRORS)
    programme = forms.ModelChoiceField(queryset=TrainingProgramme.objects.none(), label=_("Training programme"),
                                       required=False, error_messages={"invalid_choice": _("Unknown programme.")})
    countries = forms.MultipleChoiceField(label=_("Countries"), required=False, help_text=SEVERAL,
                                          error_messages=COUNTRY_ERRORS)
    languages = LanguagesField(label=_("Languages"), required=False, max_length=200,
                               help_text=_("Language codes separated by commas, e.g. am, en."))
    audiences = forms.MultipleChoiceField(label=_("Audiences"), required=False, choices=AUDIENCE_CHOICES,
                                          widget=forms.CheckboxSelectMultiple)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE,
                                error_messages={"required": _("Give the start date."), "invalid": _("Enter a date, e.g. 2014-03-01.")})
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE,
                              error_messages={"required": _("Give the end date."), "invalid": _("Enter a date, e.g. 2014-03-01.")})
    source = forms.CharField(label=_("Source"), max_length=300, required=False)
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True,
                                      help_text=_("A focal point's campaign waits for the secretariat's review."))

    def __init__(self, *args: Any, organisations: Any, programmes: Any, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in
                                 ("banner", "purpose", "audiences", "starts_on", "ends_on", "source", "is_published")}
            kwargs["initial"].update(
                owner_organisation=instance.owner_organisation_id, programme=instance.programme_id,
                partners=[o.pk for o in instance.partners.all()], countries=[str(c) for c in instance.countries],
                languages=", ".join(instance.languages or []))
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner_organisation"]).queryset = organisations
        cast(forms.ModelMultipleChoiceField, self.fields["partners"]).queryset = organisations
        cast(forms.ModelChoiceField, self.fields["programme"]).queryset = programmes
        cast(forms.MultipleChoiceField, self.fields["countries"]).choices = _countries()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _end_after_start(self, data)
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["partners"] = list(data["partners"])
        return data


class MessageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Give the message a title.")})
    medium = forms.ChoiceField(label=_("Medium"), choices=[("", "—"), *Message.Medium.choices],
                               error_messages={"required": _("Choose a medium."),
                                               "invalid_choice": _("Choose a medium from the list.")})
    language = forms.CharField(label=_("Language"), max_length=10, help_text=_("A language code, e.g. am, en."),
                               error_messages={"required": _("Give the message's language code, e.g. en.")})
    duration_seconds = forms.IntegerField(label=_("Duration (seconds)"), required=False, min_value=1,
                                          help_text=_("For a spot or video."),
                                          error_messages={"invalid": _("Enter the duration as whole seconds, e.g. 30."),
                                                          "min_value": _("A duration is at least one second.")})
    size = forms.CharField(label=_("Size"), max_length=60, required=False, help_text=_("e.g. A2, 160 characters"))
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https",
                         error_messages={"invalid": _("Enter a full web address, e.g. https://example.org/spot.")})
    file = forms.FileField(label=_("File"), required=False, help_text=_("The poster, spot or leaflet (at most 20 MB)."))
    is_illustrative = forms.BooleanField(label=_("Illustrative (not from a source)"), required=False)

    def clean_language(self) -> str:
        code = self.cleaned_data["language"].strip().lower()
        if not LANGUAGE_CODE.fullmatch(code):
            raise ValidationError(_("“%(c)s” is not a language code: use a two- or three-letter code such as am, en, fr.") % {"c": code})
        return code

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and upload.size > 20 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 20 MB; link to it instead."))
        return upload
