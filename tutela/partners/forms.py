"""Forms for organisations, agreements and commitments.

Plain ``Form``s built from the model fields, not ``ModelForm``s: a ModelForm writes the
cleaned values onto the instance before the service runs, which would make the audit trail's
"before" snapshot show the new values. The services do the writing and the checking.
"""

from typing import Any, cast

from django import forms
from django.forms.models import ModelChoiceIterator, fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from tutela.core.text import query_id

from . import selectors
from .models import Agreement, Commitment, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")




class OrganisationPicker(forms.Select):
    """The menu of a ``ModelChoiceField`` of organisations, with a search box beside it.

    The menu holds the chosen organisation and the first names that match the box (20; all of
    them would be thousands); typing in the box asks ``partners:organisation_autocomplete`` (htmx)
    for the matching organisations the user may read, on every request. Without JavaScript the
    box is sent with its form (``<field>_q``) and the menu comes back narrowed to it. What may be
    chosen is still the field's queryset (``access``): the picker only helps to find it.
    """

    template_name = "partners/organisation_picker.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        self.search = str(data.get(f"{name}_q", ""))[:100]
        return super().value_from_datadict(data, files, name)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)  # not Select's: it lists every choice
        choices = cast(ModelChoiceIterator, self.choices)  # the picker's field is a ModelChoiceField
        queryset = choices.queryset
        # The chosen id comes from the address: bounded like every id filter (an id beyond the
        # database's range is no choice, never a 500).
        wanted = [pk for v in self.format_value(value) if (pk := query_id(v)) is not None]
        chosen = list(queryset.filter(pk__in=wanted)) if wanted else []
        search = getattr(self, "search", "")
        found = [o for o in selectors.organisations_matching(queryset, search) if o.pk not in wanted]
        context.update(
            empty_label=choices.field.empty_label, chosen=chosen, organisations=found, search=search,
        )
        return context


class ModelFieldsForm(forms.Form):
    """A plain form whose fields come from a model (labels, help texts, choices, validators)."""

    model: type
    field_names: list[str] = []
    widgets: dict[str, Any] = {}

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = model_to_dict(instance, fields=self.field_names)
        super().__init__(*args, **kwargs)
        self.instance = instance
        generated = fields_for_model(self.model, fields=self.field_names, widgets=self.widgets)
        for name in self.field_names:
            if name not in self.fields and generated.get(name) is not None:
                self.fields[name] = generated[name]
        self.order_fields(self.field_names)


class OrganisationForm(ModelFieldsForm):
    model = Organisation
    field_names = ["name", "acronym", "named_with_the", "kind", "country", "parent", "website", "is_itu_member_state",
                   "is_itu_sector_member"]

    def __init__(self, *args: Any, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if parents is not None:
            if self.instance is not None:
                parents = parents.exclude(pk=self.instance.pk)
            cast(forms.ModelChoiceField, self.fields["parent"]).queryset = parents.order_by("name_key")
        self.fields["name"].help_text = _(
            "Names are compared without case or accents, so “Ministère de l'Éducation” and “ministere de l'education” are the same organisation."
        )


class MergeForm(forms.Form):
    duplicate = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Duplicate to merge into this organisation"),
        help_text=_("Everything that points at the duplicate moves here; the duplicate is then deleted."),
        widget=OrganisationPicker,
    )

    def __init__(self, *args: Any, keep: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["duplicate"]).queryset = Organisation.objects.exclude(pk=keep.pk).order_by("name_key")


class AgreementForm(ModelFieldsForm):
    model = Agreement
    field_names = [
        "kind", "title", "parties", "signed_on", "signed_at", "in_force_from", "in_force_to", "framework",
        "countries", "objectives", "source_url", "date_is_approximate",
    ]
    widgets = {"signed_on": DATE, "in_force_from": DATE, "in_force_to": DATE}

    def __init__(self, *args: Any, parties: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["parties"]).queryset = (parties if parties is not None else Organisation.objects.all()).order_by("name_key")
        self.fields["parties"].help_text = _("At least two. Hold Ctrl (or ⌘) to choose several.")
        self.fields["countries"].help_text = _(
            "The countries the agreement serves, if it names them; it then shows on each country's page. "
            "Hold Ctrl (or ⌘) to choose several.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("in_force_from"), data.get("in_force_to")
        if start and end and end < start:
            self.add_error("in_force_to", _("The end date is before the start date."))
        return data


class CommitmentForm(ModelFieldsForm):
    model = Commitment
    field_names = ["text", "responsible", "cadence", "follow_up_status", "last_done_on", "next_due_on", "order"]
    widgets = {"last_done_on": DATE, "next_due_on": DATE, "text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = agreement.parties.order_by("name_key")
        self.fields["responsible"].help_text = _("Parties to the agreement who carry this commitment.")
