from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tutela.initiatives.models import Initiative

from .models import Report


class ReportForm(forms.ModelForm):
    includes = forms.MultipleChoiceField(
        label=_("Include"), choices=Report.Include.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to include every kind of record."),
    )
    initiative = forms.ModelChoiceField(queryset=Initiative.objects.all(), label=_("Initiative"))

    class Meta:
        model = Report
        fields = ["title", "initiative", "presented_to", "meeting", "meeting_place", "meeting_date", "document_number",
                  "document_date", "author", "language", "period_start", "period_end", "include_ongoing", "structure",
                  "includes", "opening_template"]
        error_messages = {
            "title": {"required": _("Give the report a title.")},
            "period_start": {"required": _("Say the day the period starts."),
                             "invalid": _("Write the first day of the period as a date, e.g. 2019-01-01.")},
            "period_end": {"required": _("Say the day the period ends."),
                           "invalid": _("Write the last day of the period as a date, e.g. 2019-12-31.")},
            "meeting_date": {"invalid": _("Write the meeting date as a date, e.g. 2019-10-14.")},
            "document_date": {"invalid": _("Write the document's date as a date, e.g. 2019-10-02.")},
        }
        widgets = {
            "language": forms.Select(choices=settings.LANGUAGES),
            "meeting_date": forms.DateInput(attrs={"type": "date"}),
            "document_date": forms.DateInput(attrs={"type": "date"}),
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
            "opening_template": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].required = False  # a form that does not send it keeps the report's (English first)

    def clean_language(self):
        return self.cleaned_data.get("language") or self.instance.language or "en"

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            # Said here, on the field, so the database's constraint message is never what the user reads.
            self.add_error("period_end", _("The period ends (%(end)s) before it starts (%(start)s): "
                                           "swap the two dates.") % {"end": end, "start": start})
        return data


class ReportEditForm(ReportForm):
    """A draft's details, editable until sign-off (the initiative stays the one it was drafted for)."""

    class Meta(ReportForm.Meta):
        fields = [f for f in ReportForm.Meta.fields if f != "initiative"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("initiative", None)


class ParagraphForm(forms.Form):
    text = forms.CharField(label=_("Paragraph text"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)


def translation_form(paragraphs: list, language: str, data=None, *, disabled: bool = False) -> forms.Form:
    """One field per paragraph of a page of the report (``p<id>``: its translation into ``language``), one for its
    points when it has some (``p<id>_bullets``, one a line), and for a translation the paragraph's changes left out of
    date a box saying it still fits (``p<id>_confirmed``)."""
    from tutela.core.languages import bcp47

    attrs = {"lang": bcp47(language), "dir": "auto"}
    fields: dict[str, forms.Field] = {}
    for p in paragraphs:
        have = (p.translations or {}).get(language) or {}
        fields[f"p{p.pk}"] = forms.CharField(
            label=_("Paragraph %(n)s in translation") % {"n": p.order}, required=False, disabled=disabled,
            initial=have.get("text", ""), widget=forms.Textarea(attrs={**attrs, "rows": 5}))
        if p.bullet_texts:
            fields[f"p{p.pk}_bullets"] = forms.CharField(
                label=_("Its points, one a line"), required=False, disabled=disabled,
                initial="\n".join(have.get("bullets") or []), widget=forms.Textarea(attrs={**attrs, "rows": 3}))
        if p.translation_state(language) == "outdated":
            fields[f"p{p.pk}_confirmed"] = forms.BooleanField(
                label=_("The translation still fits the changed paragraph"), required=False, disabled=disabled)
    return type("ParagraphTranslationForm", (forms.Form,), fields)(data)


def translation_texts(form: forms.Form, paragraphs: list) -> dict[int, dict]:
    """What ``services.report_translate`` takes, from a valid ``translation_form``."""
    data = form.cleaned_data
    return {p.pk: {"text": data.get(f"p{p.pk}", ""),
                   "bullets": (data.get(f"p{p.pk}_bullets") or "").splitlines(),
                   "confirmed": bool(data.get(f"p{p.pk}_confirmed"))} for p in paragraphs}
