from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from .api import api

handler400 = "tutela.core.views.bad_request"
handler403 = "tutela.core.views.permission_denied"
handler404 = "tutela.core.views.page_not_found"
handler500 = "tutela.core.views.server_error"

# The API comes first: it is the hottest prefix, and Django tries patterns in order. It and the
# admin have no language prefix; every page does: /fr/…, /ar/…, and English without one
# (docs/i18n.md), so a shared link keeps its language and no cookie is needed.
urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", include("tutela.core.urls")),
    path("accounts/", include("tutela.accounts.urls")),
    path("partners/", include("tutela.partners.urls")),
    path("initiative/", include("tutela.initiatives.urls")),
    path("activities/", include("tutela.activities.urls")),
    path("figures/", include("tutela.figures.urls")),
    path("outreach/", include("tutela.outreach.urls")),
    path("consultations/", include("tutela.consultations.urls")),
    path("coordination/", include("tutela.coordination.urls")),
    path("reports/", include("tutela.reports.urls")),
    path("exchange/", include("tutela.exchange.urls")),
    path("strategies/", include("tutela.strategies.urls")),
    path("bulletins/", include("tutela.bulletins.urls")),
    path("library/", include("tutela.library.urls")),
    path("hub/", include("tutela.hub.urls")),
    path("", include("tutela.home.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
