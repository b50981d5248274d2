from ninja import Router, Schema

from tutela.core import access
from tutela.core.api import ERRORS, SIGNED_IN, SignedInApiRequest

from . import services
from .models import User

router = Router(tags=["accounts"])


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    organisation_id: int | None
    organisation: str | None

    @staticmethod
    def resolve_role(user: User) -> str:
        return access.role_of(user)

    @staticmethod
    def resolve_organisation(user: User) -> str | None:
        return str(user.organisation) if user.organisation_id else None


@router.get("/me", response={200: MeOut, **ERRORS}, auth=SIGNED_IN, summary="The signed-in user")
def me(request: SignedInApiRequest):
    return request.auth


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    key: str


@router.post("/tokens", response={200: TokenOut, **ERRORS}, auth=SIGNED_IN, summary="Create a personal API token")
def token_create(request: SignedInApiRequest, payload: TokenIn):
    """The secret ``key`` is returned once; only its hash is kept."""
    token, key = services.api_token_create(actor=request.auth, name=payload.name)
    return {"id": token.pk, "name": token.name, "prefix": token.prefix, "key": key}
