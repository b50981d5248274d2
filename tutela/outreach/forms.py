"""Forms for outreach pages. They only parse input; the services decide what is allowed."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tutela.core import files
from tutela.core.choices import CHILD_MAX_AGE, StakeholderGroup

from .models import Institution, ReachParameter, Sector, Trainee, TrainingProgramme

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
