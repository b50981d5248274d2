"""Forms for managing accounts (the secretariat's). They collect input; the services decide."""

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from tutela.partners.forms import OrganisationPicker
from tutela.partners.models import Organisation

from .models import User


class SignInForm(AuthenticationForm):
    """Django's sign-in form, its username (the e-mail address) typed as one: a phone shows the keyboard with @."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.widget = forms.EmailInput(attrs={**field.widget.attrs, "autocomplete": "username"})


def _organisations() -> Any:
    return Organisation.objects.order_by("name_key")


def _countries() -> list[tuple[str, str]]:
    return [("", "—"), *((code, str(name)) for code, name in countries)]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), help_text=_("The invitation with a link to choose a password "
                                                                     "is sent here."))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices, initial=User.Role.STAKEHOLDER)
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Organisation"), required=False, widget=OrganisationPicker,
                                          help_text=_("Required for a partner focal point."))
    country = forms.ChoiceField(label=_("Country"), required=False,
                                help_text=_("Required for a national focal point."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = _organisations()
        cast(forms.ChoiceField, self.fields["country"]).choices = _countries()


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Organisation"), required=False, widget=OrganisationPicker,
                                          help_text=_("Leave empty to keep the present one."))
    country = forms.ChoiceField(label=_("Country"), required=False,
                                help_text=_("For a national focal point; leave empty to keep the present one."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = _organisations()
        cast(forms.ChoiceField, self.fields["country"]).choices = _countries()


class OrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(Organisation.objects.none(), label=_("Organisation"), required=False, widget=OrganisationPicker,
                                          help_text=_("Empty: no organisation (not for a partner focal point)."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = _organisations()
