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
                  "author", "period_start", "period_end", "include_ongoing", "structure", "includes", "opening_template"]
        widgets = {
            "meeting_date": forms.DateInput(attrs={"type": "date"}),
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
            "opening_template": forms.Textarea(attrs={"rows": 5}),
        }


class ParagraphForm(forms.Form):
    text = forms.CharField(label=_("Paragraph text"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
