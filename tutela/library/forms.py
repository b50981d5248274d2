from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tutela.consultations.models import Audience
from tutela.initiatives.models import Pillar
from tutela.partners.models import Organisation

from .models import Resource, SessionPlan


class ResourceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Resource.Kind.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    min_age = forms.IntegerField(label=_("Children from age"), required=False, min_value=0, max_value=17)
    max_age = forms.IntegerField(label=_("Children to age"), required=False, min_value=0, max_value=17)
    pillar = forms.ModelChoiceField(label=_("Pillar"), queryset=Pillar.objects.all(), required=False)
    format = forms.ChoiceField(label=_("Format"), choices=Resource.Format.choices)
    licence = forms.ChoiceField(label=_("Licence"), choices=Resource.Licence.choices)
    countries = forms.MultipleChoiceField(label=_("Distributed in"), choices=list(countries), required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea, required=False)
    producers = forms.ModelMultipleChoiceField(label=_("Produced by"), queryset=Organisation.objects.all(), required=False)
    translators = forms.ModelMultipleChoiceField(label=_("Translated by"), queryset=Organisation.objects.all(),
                                                 required=False)


class LanguageVersionForm(forms.Form):
    version_label = forms.CharField(label=_("Version"), max_length=100, required=False,
                                    help_text=_("Name a new version (e.g. “2015 revision”), or leave empty to add a "
                                                "language to the latest one."))
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    title = forms.CharField(label=_("Title in this language"), max_length=300, required=False)
    file = forms.FileField(label=_("File (PDF, DOCX, PPTX, XLSX or ODT)"), required=False)
    link = forms.CharField(label=_("Or a link (video, online course)"), max_length=500, required=False)


class SessionUseForm(forms.Form):
    """An educational session followed a plan and used materials (empty: the plan's own)."""

    plan: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Session plan"), queryset=SessionPlan.objects.none())
    materials: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Materials used"), queryset=Resource.objects.none(), required=False,
                                               help_text=_("Leave empty for the plan's own materials."))

    def __init__(self, *args, plans, resources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
        self.fields["materials"].queryset = resources


class FeedbackForm(forms.Form):
    """Feedback from one age band, as counts per rating: no names, no individual answers."""

    min_age = forms.IntegerField(label=_("From age"), min_value=0, max_value=17)
    max_age = forms.IntegerField(label=_("To age"), min_value=0, max_value=17)
    rating_1 = forms.IntegerField(label=_("How many rated it 1 (poor)"), min_value=0, max_value=1_000_000, initial=0)
    rating_2 = forms.IntegerField(label=_("How many rated it 2"), min_value=0, max_value=1_000_000, initial=0)
    rating_3 = forms.IntegerField(label=_("How many rated it 3"), min_value=0, max_value=1_000_000, initial=0)
    rating_4 = forms.IntegerField(label=_("How many rated it 4"), min_value=0, max_value=1_000_000, initial=0)
    rating_5 = forms.IntegerField(label=_("How many rated it 5 (very good)"), min_value=0, max_value=1_000_000, initial=0)
