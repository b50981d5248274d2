"""Forms for rounds, ratings, evidence and actions. They read input; the services decide."""

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .models import Action, EvidenceKind, Framework, StrategyStage

LEVEL_CHOICES = [("", _("Not rated yet"))] + [(str(n), str(n)) for n in range(5)]


class AssessmentForm(forms.Form):
    country = CountryField().formfield(label=_("Country"))
    framework = forms.ModelChoiceField(Framework.objects.all(), label=_("Framework version"))
    held_on = forms.DateField(label=_("Date of the round"), widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.CharField(label=_("National team"), max_length=300, required=False,
                           help_text=_("Ministries and agencies taking part, e.g. the regulator and the police."))
    strategy_stage = forms.ChoiceField(label=_("National strategy stage"), choices=StrategyStage.choices)

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if countries is not None:  # a national focal point opens rounds for their own country only
            field = cast(forms.ChoiceField, self.fields["country"])
            field.choices = [(c, n) for c, n in cast(list[tuple[str, str]], field.choices) if c in countries]
            field.initial = countries[0] if countries else None


class AssessmentDetailsForm(forms.Form):
    team = forms.CharField(label=_("National team"), max_length=300, required=False)
    strategy_stage = forms.ChoiceField(label=_("National strategy stage"), choices=StrategyStage.choices)


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Level"), choices=LEVEL_CHOICES, coerce=int, empty_value=None, required=False)
    target_level = forms.TypedChoiceField(label=_("Target"), choices=LEVEL_CHOICES[1:], coerce=int)
    comments = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    title = forms.CharField(label=_("Title"), max_length=300)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = forms.FileField(label=_("Or a document"), required=False,
                           help_text=_("PDF, Word, OpenDocument, Excel or PowerPoint; 10 MB at most."))
    is_public = forms.BooleanField(label=_("Show on the country page"), required=False)


class PublishForm(forms.Form):
    summary = forms.CharField(label=_("Summary for the public"), widget=forms.Textarea(attrs={"rows": 6}),
                              help_text=_("Pillar-level findings only: answers, comments and evidence stay private."))


class ActionForm(forms.Form):
    criterion: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label=_("Gap it closes"))
    title = forms.CharField(label=_("Action"), max_length=300)
    owner: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label=_("Owner organisation"))
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    activities: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Activities serving it"))
    projects: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Projects and programmes serving it"))
    agreements: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Agreements serving it"))
    partners: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Partners supporting it"))

    def __init__(self, *args: Any, criteria: QuerySet, organisations: QuerySet, activities: QuerySet,
                 projects: QuerySet, agreements: QuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (("criterion", criteria), ("owner", organisations), ("partners", organisations),
                               ("activities", activities), ("projects", projects), ("agreements", agreements)):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = queryset
        for name in ("projects", "agreements"):
            self.fields[name].help_text = _("Only those naming this country among the countries they serve.")


class FrameworkImportForm(forms.Form):
    file = forms.FileField(label=_("Framework file (JSON)"),
                           help_text=_("{\"code\", \"version\", \"name\", \"description\", \"sources\", \"criteria\": [...]}; see docs/strategies.md."))
