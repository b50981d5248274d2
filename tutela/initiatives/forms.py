"""Forms for the initiative, deliverables, people and appointments (plain forms; services write)."""

from typing import Any, cast

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from tutela.partners.forms import DATE, ModelFieldsForm
from tutela.partners.models import Organisation

from .models import Appointment, Deliverable, Initiative, Person, Pillar


class InitiativeForm(ModelFieldsForm):
    model = Initiative
    field_names = ["name", "short_name", "phase", "launched_on", "launch_place", "description", "lead_organisation"]
    widgets = {"launched_on": DATE}


class MandateVersionForm(forms.Form):
    """A (revised) version of the initiative's mandate and the day it is in force from."""

    citation = forms.CharField(
        label=_("Mandate, as a report cites it"), max_length=300,
        help_text=_("e.g. Plenipotentiary Resolution 179 (Rev. Busan, 2014)"))
    in_force_from = forms.DateField(
        label=_("In force from"), widget=DATE,
        help_text=_("The day it was adopted or revised. Reports whose meeting is on or after this day cite it; "
                    "earlier reports keep the version before it."),
        error_messages={"required": _("Say from which day this version is in force.")})
    adopted_by = forms.CharField(label=_("Adopted or revised by"), max_length=200, required=False,
                                 help_text=_("e.g. Plenipotentiary Conference, Busan"))


class DeliverableForm(ModelFieldsForm):
    model = Deliverable
    field_names = [
        "initiative", "title", "description", "pillars", "status", "target_date", "lead_organisation",
        "contributing_organisations",
    ]
    widgets = {"target_date": DATE, "pillars": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = (organisations if organisations is not None else Organisation.objects.all()).order_by("name_key")
        cast(forms.ModelChoiceField, self.fields["lead_organisation"]).queryset = orgs
        cast(forms.ModelChoiceField, self.fields["contributing_organisations"]).queryset = orgs
        cast(forms.ModelChoiceField, self.fields["pillars"]).queryset = Pillar.objects.order_by("number")
        self.fields["pillars"].help_text = _("At least one of the five Global Cybersecurity Agenda pillars.")
        initiatives = Initiative.objects.order_by("name")
        cast(forms.ModelChoiceField, self.fields["initiative"]).queryset = initiatives
        if not self.initial.get("initiative") and len(initiatives) == 1:
            self.initial["initiative"] = initiatives[0].pk


class PersonForm(ModelFieldsForm):
    model = Person
    field_names = [
        "honorific", "full_name", "position", "organisation", "country", "is_public_figure",
        "consent_to_be_named", "consent_recorded_on", "email",
    ]
    widgets = {"consent_recorded_on": DATE}

    def __init__(self, *args: Any, organisations: Any = None, require_organisation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is None:
            self.fields = {
                "adult": forms.BooleanField(
                    label=_("This person is an adult (18 or over)"), required=True,
                    help_text=_("Children are never recorded by name: count them on the activity, by age band."),
                    error_messages={"required": _("Only adults are recorded by name. Count children on the activity, by age band.")},
                ),
                **self.fields,
            }
        if organisations is not None:
            cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations.order_by("name_key")
        self.fields["organisation"].required = require_organisation
        self.fields["consent_to_be_named"].help_text = _(
            "Without consent (or being a public figure) the public sees this person only as “a representative”."
        )


class AppointmentForm(forms.Form):
    """An appointment on an initiative or an organisation (other subjects come with their apps)."""

    role = forms.ChoiceField(label=_("Role"), choices=Appointment.Role.choices)
    subject = forms.ChoiceField(label=_("On"), help_text=_("The initiative or organisation the appointment is on."))
    starts_on = forms.DateField(label=_("From"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("To"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, organisations: Any, initiatives: Any, instance: Appointment | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "role": instance.role, "starts_on": instance.starts_on, "ends_on": instance.ends_on, "note": instance.note,
                "subject": f"{instance.subject_type.app_label}.{instance.subject_type.model}:{instance.subject_id}",
            }
        super().__init__(*args, **kwargs)
        self.instance = instance
        self._subjects: dict[str, Any] = {}
        choices: list = []
        groups = [(_("Initiatives"), list(initiatives)), (_("Organisations"), list(organisations.order_by("name_key")))]
        for label, objects in groups:
            options = []
            for obj in objects:
                ct = ContentType.objects.get_for_model(obj)
                key = f"{ct.app_label}.{ct.model}:{obj.pk}"
                self._subjects[key] = obj
                options.append((key, str(obj)))
            if options:
                choices.append((label, options))
        cast(forms.ChoiceField, self.fields["subject"]).choices = choices
        if instance is not None:
            # Whom and what an appointment is on do not change; end it and make a new one instead.
            del self.fields["subject"]

    def clean_subject(self) -> Any:
        return self._subjects.get(self.cleaned_data.get("subject", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The appointment ends before it starts."))
        return data
