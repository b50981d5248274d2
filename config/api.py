"""The API: one NinjaAPI at /api/v1/ that assembles each app's router."""

from ninja import NinjaAPI

from tutela.accounts.api import router as accounts_router
from tutela.core.api import PUBLIC, install_error_handlers

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
)
install_error_handlers(api)
api.add_router("/", accounts_router)
