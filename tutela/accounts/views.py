from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tutela.core import access
from tutela.core.pagination import keyset_page
from tutela.core.requests import SignedInRequest
from tutela.core.views import form_view

from . import services
from .forms import InviteForm, OrganisationForm, RoleForm, SignInForm
from .models import ApiToken, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def tokens(request: SignedInRequest) -> HttpResponse:
    new_key = None
    errors: dict = {}
    if request.method == "POST":
        try:
            _token, new_key = services.api_token_create(actor=request.user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            errors = exc.message_dict
    context = {
        "tokens": ApiToken.objects.filter(user=request.user),
        "new_key": new_key,
        "errors": errors,
    }
    return render(request, "accounts/tokens.html", context, status=422 if errors else 200)


@require_POST
@login_required
def token_revoke(request: SignedInRequest, pk: int) -> HttpResponse:
    # Another user's token answers 404: its existence is not the caller's business.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token “%(name)s” revoked. Clients using it are refused from now on.") % {"name": token.name})
    return redirect("accounts:tokens")


# --- Users: the secretariat invites, changes roles and organisations, deactivates -------------

def _managed(request: SignedInRequest, pk: int) -> User:
    access.require_secretariat(request.user)
    return get_object_or_404(User.objects.select_related("organisation"), pk=pk)


@login_required
def user_list(request: SignedInRequest) -> HttpResponse:
    access.require_secretariat(request.user)
    qs = User.objects.select_related("organisation")
    page = keyset_page(qs, ordering=["email", "id"], cursor=request.GET.get("after"), size=50)
    return render(request, "accounts/user_list.html", {"page": page})


@login_required
def user_invite(request: SignedInRequest) -> HttpResponse:
    access.require_secretariat(request.user)
    return form_view(
        request, InviteForm(request.POST or None),
        save=lambda data: services.user_invite(actor=request.user, **data),
        template="accounts/user_form.html", context={"heading": _("Invite a user"), "managed": None},
        message=lambda user: _("Invitation sent to %(email)s: the link in it lets them choose a password.") % {
            "email": user.email},
        success_url=lambda user: reverse("accounts:user_detail", args=[user.pk]),
    )


@login_required
def user_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    managed = _managed(request, pk)
    return render(request, "accounts/user_detail.html", {"managed": managed, "is_self": managed.pk == request.user.pk})


@login_required
def user_role(request: SignedInRequest, pk: int) -> HttpResponse:
    managed = _managed(request, pk)
    form = RoleForm(request.POST or None, initial={"role": managed.role})
    return form_view(
        request, form,
        save=lambda data: services.user_role_change(actor=request.user, user=managed, role=data["role"],
                                                    organisation=data["organisation"],
                                                    country=data["country"] or None),
        template="accounts/user_form.html", context={"heading": _("Change the role"), "managed": managed},
        message=_("Role changed."), success_url=reverse("accounts:user_detail", args=[managed.pk]),
    )


@login_required
def user_organisation(request: SignedInRequest, pk: int) -> HttpResponse:
    managed = _managed(request, pk)
    form = OrganisationForm(request.POST or None, initial={"organisation": managed.organisation_id})
    return form_view(
        request, form,
        save=lambda data: services.user_organisation_change(actor=request.user, user=managed,
                                                            organisation=data["organisation"]),
        template="accounts/user_form.html", context={"heading": _("Change the organisation"), "managed": managed},
        message=_("Organisation changed."), success_url=reverse("accounts:user_detail", args=[managed.pk]),
    )


@require_POST
@login_required
def user_active(request: SignedInRequest, pk: int) -> HttpResponse:
    """``active=0`` deactivates (the account can no longer sign in or use its tokens), ``active=1`` reactivates."""
    managed = _managed(request, pk)
    try:
        if request.POST.get("active") == "1":
            services.user_reactivate(actor=request.user, user=managed)
            messages.success(request, _("The account is active again."))
        else:
            services.user_deactivate(actor=request.user, user=managed)
            messages.success(request, _("The account is deactivated: it can no longer sign in or use its API tokens."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:user_detail", pk=managed.pk)
