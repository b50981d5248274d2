"""Forms for activities: the list filters, the activity form and its row formsets.

Forms only parse and explain input; the services decide and write.
"""

from html import escape
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tutela.core import access
from tutela.core.access import Actor
from tutela.core.choices import CHILD_MAX_AGE, FigureKind, StakeholderGroup
from tutela.initiatives.models import Deliverable, Person, Pillar
from tutela.partners.forms import OrganisationPicker
from tutela.partners.models import Organisation

from .models import Activity, ActivityPartner, Occasion, Outcome, Participation, Project
from .selectors import ActivityFilters

COUNTRY_ERRORS = {"invalid_choice": _("“%(value)s” is not a known ISO 3166 country code (e.g. ET, OM, ID).")}
PILLAR_ERRORS = {
    "invalid_choice": _("Pillar %(value)s does not exist: choose among the five GCA pillars."),
    "invalid_pk_value": _("Pillar “%(pk)s” does not exist: choose among the five GCA pillars."),
    "required": _("Choose at least one of the five pillars."),
}
COUNT_ERRORS = {
    "invalid": _("Enter a whole number (0, 1, 2…), not text or decimals."),
    "min_value": _("A count cannot be negative."),
}
AGE_ERRORS = {"invalid": _("Enter an age in whole years."), "min_value": _("An age cannot be negative.")}


_COUNTRY_NAMES: dict[str, list[tuple[str, str]]] = {}


def _country_choices(blank_label: Any) -> list[tuple[str, Any]]:
    # Country names translated once per language (django-countries translates each name on every use).
    language = get_language() or ""
    if language not in _COUNTRY_NAMES:
        _COUNTRY_NAMES[language] = [(code, str(name)) for code, name in countries]
    return [("", blank_label), *_COUNTRY_NAMES[language]]


class QuickSelect(forms.Select):
    """A ``<select>`` with the markup of ``forms.Select``, written in Python rather than through a
    template include per option: the list filters hold ~500 options, which cost ~80 ms to render
    through templates on every list page (bench/core_RESULTS.md)."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = {str(v) for v in self.format_value(value)}
        options = []
        for key, label in self.choices:
            text = "" if key is None else str(key)
            selected = " selected" if text in chosen else ""
            options.append(f'<option value="{escape(text)}"{selected}>{escape(str(label))}</option>')
        return mark_safe(f"<select{flatatt(final)}>\n" + "\n".join(options) + "\n</select>")


class _Menu(BaseChoiceIterator):
    """A model choice field's options, queried when iterated."""

    def __init__(self, field: forms.ModelChoiceField, key: str) -> None:
        self.field, self.key = field, key

    def __iter__(self):
        yield "", self.field.empty_label
        for obj in list(self.field.queryset):
            yield getattr(obj, self.key), self.field.label_from_instance(obj)


class ActivityFilterForm(forms.Form):
    """The list filters, read from the query string. Invalid values are reported and ignored."""

    q = forms.CharField(label=_("Title contains"), required=False, max_length=100)
    pillar = forms.ModelChoiceField(Pillar.objects.all(), to_field_name="slug", required=False,
                                    empty_label=_("All pillars"), label=_("Pillar"), widget=QuickSelect,
                                    error_messages={"invalid_choice": _("Unknown pillar.")})
    country = forms.ChoiceField(label=_("Country"), required=False, error_messages=COUNTRY_ERRORS, widget=QuickSelect)
    organisation = forms.ModelChoiceField(Organisation.objects.none(), required=False, label=_("Organisation"),
                                          empty_label=_("All organisations"), widget=OrganisationPicker,
                                          error_messages={"invalid_choice": _("Unknown organisation.")})
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Activity.Kind.choices], widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *Activity.Status.choices], widget=QuickSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100,
                              widget=forms.NumberInput(attrs={"size": 5, "class": "w-6"}))
    occasion = forms.ModelChoiceField(Occasion.objects.none(), required=False, label=_("Occasion"),
                                      empty_label=_("All occasions"), widget=QuickSelect,
                                      error_messages={"invalid_choice": _("Unknown occasion.")})
    group = forms.ChoiceField(label=_("Participants include"), required=False,
                              choices=[("", _("Anyone")), *StakeholderGroup.choices], widget=QuickSelect)

    def __init__(self, *args: Any, user: Actor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = _country_choices(_("All countries"))
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = access.readable(user, Organisation.objects.all()).order_by("name")
        cast(forms.ModelChoiceField, self.fields["occasion"]).queryset = access.readable(user, Occasion.objects.all())
        # Menus read with one ordinary query when the form is rendered (the API never renders it),
        # not through a server-side cursor.
        self.fields["pillar"].widget.choices = _Menu(cast(forms.ModelChoiceField, self.fields["pillar"]), "slug")
        self.fields["occasion"].widget.choices = _Menu(cast(forms.ModelChoiceField, self.fields["occasion"]), "pk")

    def filters(self) -> ActivityFilters:
        """The valid filters (call after ``is_valid``); invalid ones are left out."""
        data = getattr(self, "cleaned_data", {})
        return ActivityFilters(
            q=data.get("q") or "", pillar=data.get("pillar"), country=data.get("country") or "",
            organisation=data.get("organisation"), kind=data.get("kind") or "", status=data.get("status") or "",
            year=data.get("year"), occasion=data.get("occasion"), group=data.get("group") or "",
        )


class DateInput(forms.DateInput):
    input_type = "date"


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *Activity.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices, initial=Activity.Status.PLANNED)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput, required=False,
                              help_text=_("Leave empty for a one-day activity."))
    date_is_approximate = forms.BooleanField(label=_("The dates are approximate"), required=False,
                                             help_text=_("The source gives only the month or period."))
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False, error_messages=COUNTRY_ERRORS)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    online = forms.BooleanField(label=_("Held online"), required=False)
    occasion = forms.ModelChoiceField(Occasion.objects.none(), label=_("Occasion"), required=False,
                                      help_text=_("The host event, e.g. IGF 2013."),
                                      error_messages={"invalid_choice": _("Unknown occasion.")})
    project = forms.ModelChoiceField(Project.objects.none(), label=_("Project"), required=False,
                                     error_messages={"invalid_choice": _("Unknown project.")})
    pillars = forms.ModelMultipleChoiceField(Pillar.objects.all(), label=_("Pillars"),
                                             widget=forms.CheckboxSelectMultiple, error_messages=PILLAR_ERRORS)
    topics = forms.CharField(label=_("Topics"), required=False, max_length=1000,
                             help_text=_("Separate topics with commas, e.g. cyberbullying, sexting."))
    deliverables = forms.ModelMultipleChoiceField(Deliverable.objects.none(), label=_("Deliverables"), required=False,
                                                  help_text=_("The deliverables this activity is evidence for."))
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    objective = forms.CharField(label=_("Objective"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    focus = forms.CharField(label=_("Focus"), max_length=300, required=False,
                            help_text=_("What it focused on, only when the source says so (e.g. issues related to "
                                        "child online safety). Reports say “It focused on …” only from this field."))
    source = forms.CharField(label=_("Source"), max_length=300, required=False,
                             help_text=_("The document or page this record rests on."))

    def __init__(self, *args: Any, user: Actor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = _country_choices("—")
        cast(forms.ModelChoiceField, self.fields["occasion"]).queryset = access.readable(user, Occasion.objects.all())
        cast(forms.ModelChoiceField, self.fields["project"]).queryset = access.readable(user, Project.objects.all()).order_by("name")
        cast(forms.ModelChoiceField, self.fields["deliverables"]).queryset = access.readable(user, Deliverable.objects.all()).order_by("title")

    def clean(self) -> dict:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data

    def service_fields(self) -> dict:
        d = self.cleaned_data
        topics = [t.strip() for t in d["topics"].split(",") if t.strip()]
        return {
            "title": d["title"], "kind": d["kind"], "status": d["status"], "starts_on": d["starts_on"],
            "ends_on": d["ends_on"] or d["starts_on"], "date_is_approximate": d["date_is_approximate"],
            "city": d["city"], "country": d["country"], "venue": d["venue"], "online": d["online"],
            "occasion": d["occasion"], "project": d["project"], "pillars": list(d["pillars"]), "topics": topics,
            "deliverables": list(d["deliverables"]), "summary": d["summary"], "objective": d["objective"],
            "focus": d["focus"], "source": d["source"],
        }

    @staticmethod
    def initial_for(activity: Activity) -> dict:
        return {
            "title": activity.title, "kind": activity.kind, "status": activity.status,
            "starts_on": activity.starts_on, "ends_on": activity.ends_on,
            "date_is_approximate": activity.date_is_approximate, "city": activity.city,
            "country": str(activity.country), "venue": activity.venue, "online": activity.online,
            "occasion": activity.occasion_id, "project": activity.project_id,
            "pillars": [p.pk for p in activity.pillars.all()],
            "topics": ", ".join(t.name for t in activity.topics.all()),
            "deliverables": [d.pk for d in activity.deliverables.all()],
            "summary": activity.summary, "objective": activity.objective, "focus": activity.focus,
            "source": activity.source,
        }


class PartnerRowForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Organisation"), required=False,
                                          widget=OrganisationPicker,
                                          error_messages={"invalid_choice": _("Unknown organisation.")})
    role = forms.ChoiceField(label=_("Role"), choices=ActivityPartner.Role.choices, initial=ActivityPartner.Role.ORGANISER)

    def __init__(self, *args: Any, user: Actor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = access.readable(user, Organisation.objects.all()).order_by("name")

    def has_changed(self) -> bool:
        # A row with only the default role chosen is an empty row.
        return bool(self["organisation"].value())


class ParticipationRowForm(forms.Form):
    group = forms.ChoiceField(label=_("Group"), choices=[("", "—"), *StakeholderGroup.choices], required=False)
    min_age = forms.IntegerField(label=_("From age"), required=False, min_value=0, max_value=120,
                                 error_messages=AGE_ERRORS, widget=forms.NumberInput(attrs={"class": "w-5"}))
    max_age = forms.IntegerField(label=_("To age"), required=False, min_value=0, max_value=120,
                                 error_messages=AGE_ERRORS, widget=forms.NumberInput(attrs={"class": "w-5"}))
    count = forms.IntegerField(label=_("How many"), required=False, min_value=0, error_messages=COUNT_ERRORS,
                               widget=forms.NumberInput(attrs={"class": "w-7"}))
    unit = forms.ChoiceField(label=_("Counted in"), choices=Participation.Unit.choices, required=False,
                             initial=Participation.Unit.PEOPLE,
                             help_text=_("People, or the countries or Member States taking part (e.g. 14 Member States)."))
    kind = forms.ChoiceField(label=_("Counted or estimated"), choices=FigureKind.choices, initial=FigureKind.COUNTED)
    description = forms.CharField(label=_("Description of the group"), required=False, max_length=200)

    def has_changed(self) -> bool:
        return any(self[name].value() not in (None, "") for name in ("group", "min_age", "max_age", "count", "description"))

    def clean(self) -> dict:
        data = super().clean() or {}
        group = data.get("group")
        if not group and self.has_changed():
            self.add_error("group", _("Say which group these people belong to."))
        if group == StakeholderGroup.CHILDREN:
            lo, hi = data.get("min_age"), data.get("max_age")
            if (lo is None or hi is None) and "min_age" not in self.errors and "max_age" not in self.errors:
                self.add_error("min_age", _("Children are counted by age band: give the youngest and oldest age (0–17)."))
            elif hi is not None and hi > CHILD_MAX_AGE:
                self.add_error("max_age", _("A child age band must lie within 0–17; count people aged 18 or more in an adult group."))
        lo, hi = data.get("min_age"), data.get("max_age")
        if lo is not None and hi is not None and hi < lo:
            self.add_error("max_age", _("The age band ends before it starts."))
        return data


class OutcomeRowForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Outcome.Kind.choices, initial=Outcome.Kind.RECOMMENDATION)
    text = forms.CharField(label=_("Statement"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    points = forms.CharField(label=_("Numbered points"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("One point per line; they are numbered in order."))
    made_by = forms.ModelChoiceField(Person.objects.public(), label=_("Made by a person"), required=False,
                                     help_text=_("Only people who may be named publicly."),
                                     error_messages={"invalid_choice": _("Unknown person, or one who may not be named.")})
    made_by_organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("or an organisation"),
                                                  required=False, widget=OrganisationPicker,
                                                  error_messages={"invalid_choice": _("Unknown organisation.")})
    made_by_group = forms.CharField(label=_("or a named group"), required=False, max_length=200,
                                    help_text=_("e.g. the administrations of the Arab region"))
    addressed_to = forms.CharField(label=_("Addressed to"), required=False, max_length=200)

    def __init__(self, *args: Any, user: Actor | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["made_by_organisation"]).queryset = (
            access.readable(user, Organisation.objects.all()).order_by("name"))

    def has_changed(self) -> bool:
        return any(self[name].value() for name in ("text", "points"))

    def clean(self) -> dict:
        data = super().clean() or {}
        if self.has_changed() and not (data.get("text") or "").strip():
            self.add_error("text", _("Write the statement; the points alone are not enough."))
        return data


class _RowFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, user: Actor | None = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict:
        kwargs = super().get_form_kwargs(index)
        if self.form in (PartnerRowForm, OutcomeRowForm):
            kwargs["user"] = self.user
        return kwargs

    def filled(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.has_changed() and f.cleaned_data]


class PartnerFormSet(_RowFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen = set()
        for row in self.filled():
            key = (row["organisation"].pk, row["role"])
            if key in seen:
                raise ValidationError(_("%(org)s is listed twice as %(role)s.")
                                      % {"org": row["organisation"], "role": row["role"]})
            seen.add(key)


# formset_factory is typed as returning a plain BaseFormSet; these keep their formset class (and its ``user``).
PartnerRows = cast(type[PartnerFormSet], forms.formset_factory(PartnerRowForm, formset=PartnerFormSet, extra=2,
                                                               max_num=50, validate_max=True))
ParticipationRows = cast(type[_RowFormSet], forms.formset_factory(ParticipationRowForm, formset=_RowFormSet, extra=2,
                                                                  max_num=50, validate_max=True))
OutcomeRows = cast(type[_RowFormSet], forms.formset_factory(OutcomeRowForm, formset=_RowFormSet, extra=1, max_num=30,
                                                            validate_max=True))

PARTICIPATION_HELP = _(
    "Count people by group. Never write a child's name or anything that identifies a child: "
    "children are recorded only as a number in an age band (e.g. 10–14)."
)


class OccasionForm(forms.Form):
    """Create or change an occasion (the secretariat's)."""

    name = forms.CharField(label=_("Name"), max_length=300, help_text=_("e.g. Internet Governance Forum 2013"))
    short_name = forms.CharField(label=_("Short name"), max_length=60, required=False, help_text=_("e.g. IGF 2013"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Occasion.Kind.choices, initial=Occasion.Kind.CONFERENCE)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput, required=False,
                              help_text=_("Leave empty for a one-day occasion."))
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False, error_messages=COUNTRY_ERRORS)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    theme = forms.CharField(label=_("Theme"), max_length=300, required=False)
    organiser = forms.ModelChoiceField(Organisation.objects.none(), label=_("Organiser"), required=False,
                                       widget=OrganisationPicker,
                                       error_messages={"invalid_choice": _("Unknown organisation.")})
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    is_published = forms.BooleanField(label=_("Published"), required=False, initial=True)

    def __init__(self, *args: Any, user: Actor | None = None, instance: Occasion | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields if name != "organiser"}
            kwargs["initial"].update(country=str(instance.country), organiser=instance.organiser_id)
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = _country_choices("—")
        cast(forms.ModelChoiceField, self.fields["organiser"]).queryset = access.readable(user, Organisation.objects.all())

    def clean(self) -> dict:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        elif starts and not ends:
            data["ends_on"] = starts
        return data


class ProjectForm(forms.Form):
    """Create or change a project. Its stage is chosen at creation; afterwards it moves through the
    stage buttons on its page (PROJECT_LIFECYCLE), never by editing."""

    name = forms.CharField(label=_("Name"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    stage = forms.ChoiceField(label=_("Stage"), choices=Project.Stage.choices, initial=Project.Stage.IDEA,
                              help_text=_("Where the project stands today; afterwards it moves by the stage buttons."))
    partners = forms.ModelMultipleChoiceField(Organisation.objects.none(), label=_("Partners"), required=False,
                                              help_text=_("Hold Ctrl (or ⌘) to choose several."),
                                              error_messages={"invalid_choice": _("Unknown organisation.")})
    countries = forms.MultipleChoiceField(label=_("Countries"), required=False, error_messages=COUNTRY_ERRORS,
                                          help_text=_("Hold Ctrl (or ⌘) to choose several."))
    region = forms.CharField(label=_("Region"), max_length=100, required=False, help_text=_("e.g. Africa"))
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput, required=False)
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput, required=False)
    pillars = forms.ModelMultipleChoiceField(Pillar.objects.all(), label=_("Pillars"), required=False,
                                             widget=forms.CheckboxSelectMultiple, error_messages=PILLAR_ERRORS)

    def __init__(self, *args: Any, user: Actor | None = None, instance: Project | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name, "description": instance.description, "stage": instance.stage,
                "partners": [o.pk for o in instance.partners.all()], "countries": [str(c) for c in instance.countries],
                "region": instance.region, "starts_on": instance.starts_on, "ends_on": instance.ends_on,
                "pillars": [p.pk for p in instance.pillars.all()],
            }
        super().__init__(*args, **kwargs)
        if instance is not None:
            del self.fields["stage"]
        cast(forms.MultipleChoiceField, self.fields["countries"]).choices = _country_choices("—")[1:]
        cast(forms.ModelMultipleChoiceField, self.fields["partners"]).queryset = (
            access.readable(user, Organisation.objects.all()).order_by("name_key"))

    def clean(self) -> dict:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["partners"] = list(data["partners"])
        data["pillars"] = list(data["pillars"])
        return data
