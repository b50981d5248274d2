from django import forms
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
                  "document_date", "author", "period_start", "period_end", "include_ongoing", "structure", "includes", "opening_template"]
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}),
            "document_date": forms.DateInput(attrs={"type": "date"}),
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
            "opening_template": forms.Textarea(attrs={"rows": 5}),
        }

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
