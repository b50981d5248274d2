"""Filters for the figures list (figures are written through the API and the services)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tutela.core.choices import FigureKind

from .models import Figure, Indicator
from .selectors import FigureFilters


class FigureFilterForm(forms.Form):
    indicator = forms.ModelChoiceField(Indicator.objects.all(), to_field_name="code", required=False,
                                       empty_label=_("All indicators"), label=_("Indicator"),
                                       error_messages={"invalid_choice": _("Unknown indicator.")})
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *FigureKind.choices])
    measure = forms.ChoiceField(label=_("Target or actual"), required=False,
                                choices=[("", _("Both")), *Figure.Measure.choices])
    country = forms.ChoiceField(label=_("Country"), required=False,
                                error_messages={"invalid_choice": _("“%(value)s” is not a known ISO 3166 country code.")})
    year = forms.IntegerField(label=_("Year (as of)"), required=False, min_value=1900, max_value=2100,
                              widget=forms.NumberInput(attrs={"style": "width:6rem"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *countries]

    def filters(self) -> FigureFilters:
        data = getattr(self, "cleaned_data", {})
        return FigureFilters(indicator=data.get("indicator"), kind=data.get("kind") or "",
                             measure=data.get("measure") or "", country=data.get("country") or "",
                             year=data.get("year"))
