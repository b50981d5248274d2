"""The figures list filters and the form that records or changes one figure (through the services)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.choices import FigureKind, StakeholderGroup
from tutela.partners.models import Organisation

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
                              widget=forms.NumberInput(attrs={"class": "w-6"}))
    level = forms.ChoiceField(label=_("Breakdowns"), required=False,
                              choices=[("", _("Figures and their breakdowns")), ("top", _("Without breakdowns (what totals add up)"))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("All countries")), *countries]

    def filters(self) -> FigureFilters:
        data = getattr(self, "cleaned_data", {})
        return FigureFilters(indicator=data.get("indicator"), kind=data.get("kind") or "",
                             measure=data.get("measure") or "", country=data.get("country") or "",
                             year=data.get("year"), top_level=data.get("level") == "top")


class FigureForm(forms.Form):
    """Types and choices only: the honest-number rules (kind, method for estimates, source, child age
    bands, ranges) are checked by ``services.figure_create/update`` and shown on their fields."""

    indicator = forms.ModelChoiceField(Indicator.objects.all(), label=_("Indicator"), to_field_name="code",
                                       empty_label=_("Choose an indicator"),
                                       error_messages={"required": _("Choose what the figure measures.")})
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2, required=False,
                               widget=forms.NumberInput(attrs={"step": "any", "class": "w-10"}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, widget=forms.RadioSelect, choices=FigureKind.choices,
                             help_text=_("Counted: every unit was counted. Estimated or modelled: say how in the method."))
    measure = forms.ChoiceField(label=_("Target or actual"), widget=forms.RadioSelect, choices=Figure.Measure.choices,
                                initial=Figure.Measure.ACTUAL)
    low = forms.DecimalField(label=_("Range: low"), max_digits=14, decimal_places=2, required=False,
                             help_text=_("Optional, for estimates: the lowest plausible value."),
                             widget=forms.NumberInput(attrs={"step": "any", "class": "w-10"}))
    high = forms.DecimalField(label=_("Range: high"), max_digits=14, decimal_places=2, required=False,
                              widget=forms.NumberInput(attrs={"step": "any", "class": "w-10"}))
    method = forms.CharField(label=_("Method"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("How the number was counted, estimated or modelled (required unless counted)."))
    assumptions = forms.CharField(label=_("Assumptions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    source = forms.CharField(label=_("Source"), max_length=300, required=False,
                             help_text=_("The document, page or record the number comes from."))
    source_url = forms.URLField(label=_("Source address"), max_length=500, required=False, assume_scheme="https")
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"required": _("Give the date the figure is valid on.")})
    period_start = forms.DateField(label=_("Period from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period to"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    group = forms.ChoiceField(label=_("Breakdown: group"), required=False,
                              choices=[("", _("All groups")), *StakeholderGroup.choices],
                              help_text=_("Children only with an age band within 0–17."))
    min_age = forms.IntegerField(label=_("From age"), required=False, min_value=0, max_value=120,
                                 widget=forms.NumberInput(attrs={"class": "w-6"}))
    max_age = forms.IntegerField(label=_("To age"), required=False, min_value=0, max_value=120,
                                 widget=forms.NumberInput(attrs={"class": "w-6"}))
    sex = forms.ChoiceField(label=_("Breakdown: sex"), required=False, choices=[("", _("Both")), *Figure.Sex.choices])
    country = forms.ChoiceField(label=_("Country"), required=False)
    owner_organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Reported by"), required=False,
                                                empty_label=_("Nobody (the secretariat)"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    SERVICE_FIELDS = ["indicator", "value", "kind", "measure", "low", "high", "method", "assumptions", "source",
                      "source_url", "as_of", "period_start", "period_end", "group", "min_age", "max_age", "sex",
                      "country", "owner_organisation", "note"]

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("No country (international)")), *countries]
        owners = Organisation.objects.order_by("name").only("pk", "name")
        if access.is_secretariat(user):
            cast(forms.ModelChoiceField, self.fields["owner_organisation"]).queryset = owners
        else:
            # A focal point reports for their own organisation, and may only pick it.
            cast(forms.ModelChoiceField, self.fields["owner_organisation"]).queryset = owners.filter(pk__in=access.user_organisation_ids(user))
            self.fields["owner_organisation"].required = True
            cast(forms.ModelChoiceField, self.fields["owner_organisation"]).empty_label = None

    @staticmethod
    def initial_for(figure: Figure) -> dict[str, Any]:
        initial = {name: getattr(figure, name) for name in FigureForm.SERVICE_FIELDS}
        initial["indicator"] = figure.indicator.code
        initial["country"] = str(figure.country)
        initial["owner_organisation"] = figure.owner_organisation_id
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}
        for name in ("kind", "method", "assumptions", "source", "source_url", "group", "sex", "country", "note"):
            data[name] = data[name] or ""
        return data


class IndicatorForm(forms.Form):
    """An indicator the secretariat sets up; the service checks the code is free and keeps a used code."""

    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("What is measured, e.g. Children reached."),
                           error_messages={"required": _("Give the indicator a name, e.g. Children reached.")})
    code = forms.SlugField(label=_("Code"), max_length=60,
                           help_text=_("Short, lower case, with hyphens or underscores, e.g. children-reached. "
                                       "Import files name the indicator by this code."),
                           error_messages={"required": _("Give a code, e.g. children-reached."),
                                           "invalid": _("Use only lower-case letters, digits, hyphens and underscores "
                                                        "in the code, e.g. children-reached.")})
    unit = forms.CharField(label=_("Unit"), max_length=40, help_text=_("e.g. people, children, schools, countries"),
                           error_messages={"required": _("Say what it counts, e.g. people, children, schools.")})
    definition = forms.CharField(label=_("Definition"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("What counts and what does not, so that partners report alike."))

    def __init__(self, *args: Any, instance: Indicator | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in ("name", "code", "unit", "definition")}
        super().__init__(*args, **kwargs)
