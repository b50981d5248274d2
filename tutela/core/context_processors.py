from functools import cache

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

from . import access


def _nav_items() -> tuple[tuple[str, str, str, int], ...]:
    return _nav_items_in(get_language())


@cache
def _nav_items_in(language: str) -> tuple[tuple[str, str, str, int], ...]:
    """Navigation entries declared by apps as ``nav = [(label, url_name, audience, order)]``.

    ``audience`` is "public" (everyone, in the header), "explore" (everyone, on the home page
    and the workspace but not in the header), "staff" (secretariat and focal points, on the
    workspace), "secretariat", or "account" (anyone signed in, on the workspace). Each app
    declares its own entries on its AppConfig, so adding an app never edits base.html.
    Kept once per language: the addresses carry the language prefix (/fr/…).
    """
    items = []
    for config in apps.get_app_configs():
        for label, url_name, audience, order in getattr(config, "nav", []):
            try:
                items.append((label, reverse(url_name), audience, order))
            except NoReverseMatch:
                continue
    return tuple(sorted(items, key=lambda item: item[3]))


def navigation(request):
    user = getattr(request, "user", None)
    role = access.role_of(user)
    staff = role in {"secretariat", "focal_point"}
    public_nav = [(label, url) for label, url, audience, _ in _nav_items() if audience == "public"]
    explore_nav = [(label, url) for label, url, audience, _ in _nav_items() if audience in ("public", "explore")]
    allowed = {"staff"} if staff else set()
    if role == "secretariat":
        allowed.add("secretariat")
    staff_nav = [(label, url) for label, url, audience, _ in _nav_items() if audience in allowed]
    signed_in = bool(user is not None and user.is_authenticated)
    account_nav = [(label, url) for label, url, audience, _ in _nav_items() if audience == "account" and signed_in]
    return {"role": role, "is_secretariat": role == "secretariat", "public_nav": public_nav,
            "explore_nav": explore_nav, "staff_nav": staff_nav, "account_nav": account_nav}
