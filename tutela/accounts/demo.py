"""Demo accounts: one per role. The password is the same for all and printed by `make run`."""

from .models import User
from .services import user_create

DEMO_PASSWORD = "tutela-demo"
DEMO_USERS = [
    # email, full name, role, organisation key, superuser
    ("admin@tutela.test", "Site Administrator", User.Role.SECRETARIAT, "itu", True),
    ("secretariat@tutela.test", "Sam Secretariat", User.Role.SECRETARIAT, "itu", False),
    ("focal.acopea@tutela.test", "Abebe Focal (ACOPEA)", User.Role.FOCAL_POINT, "acopea", False),
    ("focal.trendmicro@tutela.test", "Tomoko Focal (Trend Micro)", User.Role.FOCAL_POINT, "trendmicro", False),
    ("stakeholder@tutela.test", "Stella Stakeholder", User.Role.STAKEHOLDER, None, False),
]


def load(context: dict) -> None:
    orgs = context.get("organisations", {})
    users = context.setdefault("users", {})
    for email, name, role, org_key, superuser in DEMO_USERS:
        user = user_create(
            actor=None, email=email, password=DEMO_PASSWORD, role=role, full_name=name,
            organisation=orgs.get(org_key) if org_key else None,
            is_superuser=superuser, is_staff=superuser,
        )
        users[email] = user
    context["actor"] = users["secretariat@tutela.test"]
