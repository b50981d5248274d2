from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ImportJob


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportJob.Kind.choices)
    file = forms.FileField(
        label=_("File (CSV UTF-8 or XLSX)"),
        help_text=_("First row: the column names below. Nothing is imported yet: the file is checked first (dry run)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )


class ApplyForm(forms.Form):
    mode = forms.ChoiceField(choices=[(ImportJob.Mode.ALL, ""), (ImportJob.Mode.VALID, ""), (ImportJob.Mode.CHECK, "")])
    confirm_skip = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean() or {}
        if data.get("mode") == ImportJob.Mode.VALID and not data.get("confirm_skip"):
            raise forms.ValidationError(_("Tick the box to confirm that the bad rows will be left out."))
        return data
