from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tutela.core.requests import SignedInRequest

from . import services
from .models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
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
