"""The API: one NinjaAPI at /api/v1/ that assembles each app's router."""

from django.conf import settings
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI

from tutela.accounts.api import router as accounts_router
from tutela.activities.api import router as activities_router
from tutela.bulletins.api import router as bulletins_router
from tutela.consultations.api import router as consultations_router
from tutela.coordination.api import router as coordination_router
from tutela.core.api import PUBLIC, JsonParser, install_error_handlers, install_guard
from tutela.exchange.api import router as exchange_router
from tutela.figures.api import router as figures_router
from tutela.initiatives.api import router as initiatives_router
from tutela.library.api import router as library_router
from tutela.outreach.api import router as outreach_router
from tutela.partners.api import router as partners_router
from tutela.reports.api import router as reports_router
from tutela.strategies.api import router as strategies_router

api = NinjaAPI(
    title="Tutela API",
    version="1",
    description=(
        "Read what is published without signing in; sign in (session) or send a personal token "
        "(`Authorization: Bearer tut_…`, created under *API tokens*) to see and change more. "
        "Errors always have the shape `{\"error\": {\"code\", \"message\", \"fields\"}}`. "
        "Lists use keyset pagination: pass the `next` cursor back as `after`."
    ),
    urls_namespace="api",
    auth=PUBLIC,
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Swagger UI (served from ninja's static files, no inline script) draws its icons as data:
    # SVG images; that one page allows data: images, everything else is the site-wide policy.
    docs_decorator=csp_override({**settings.SECURE_CSP, "img-src": [CSP.SELF, "data:"]}),
    parser=JsonParser(),
)
install_error_handlers(api)
install_guard(api)
api.add_router("/", accounts_router)
api.add_router("/", partners_router)
api.add_router("/", initiatives_router)
api.add_router("/", activities_router)
api.add_router("/", figures_router)
api.add_router("/outreach", outreach_router)
api.add_router("/consultations", consultations_router)
api.add_router("/coordination", coordination_router)
api.add_router("/bulletins", bulletins_router)
api.add_router("/reports", reports_router)
api.add_router("/exchange", exchange_router)
api.add_router("/strategies", strategies_router)
api.add_router("/library", library_router)
