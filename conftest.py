"""Root fixtures: the five personas and the permission ladder every app's tests reuse."""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# there unless told this is fine. Test-only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
PASSWORD = "correct horse battery staple"


def pytest_collection_modifyitems(config, items):
    # A transactional test ends by flushing every table, which would also wipe the reference
    # data that migrations create (the five pillars). Serialized rollback restores it.
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            item.add_marker(pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}), append=False)
    if CHROMIUM:
        return
    skip = pytest.mark.skip(reason="Chromium not found: apt-get install -y chromium")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
        ],
    }


@pytest.fixture
def org_a(db):
    from tutela.partners.services import organisation_create

    return organisation_create(actor=None, name="African Child Online Protection Education and Awareness Centre",
                               acronym="ACOPEA", kind="civil_society", country="ET")


@pytest.fixture
def org_b(db):
    from tutela.partners.services import organisation_create

    return organisation_create(actor=None, name="Trend Micro", acronym="TM", kind="private_sector", country="JP")


@pytest.fixture
def secretariat_org(db):
    from tutela.partners.services import organisation_create

    return organisation_create(actor=None, name="International Telecommunication Union", acronym="ITU", kind="un_agency")


def _user(email, role, organisation=None, **extra):
    from tutela.accounts.services import user_create

    return user_create(actor=None, email=email, password=PASSWORD, role=role, organisation=organisation,
                       full_name=email.split("@")[0].title(), **extra)


@pytest.fixture
def secretariat(secretariat_org):
    return _user("secretariat@example.org", "secretariat", secretariat_org)


@pytest.fixture
def focal_point(org_a):
    """The focal point of organisation A."""
    return _user("focal.a@example.org", "focal_point", org_a)


@pytest.fixture
def other_focal_point(org_b):
    """The focal point of organisation B."""
    return _user("focal.b@example.org", "focal_point", org_b)


@pytest.fixture
def stakeholder(db):
    return _user("stakeholder@example.org", "stakeholder")


@pytest.fixture
def personas(secretariat, focal_point, other_focal_point, stakeholder):
    return {
        "secretariat": secretariat,
        "focal_point": focal_point,
        "other_focal_point": other_focal_point,
        "stakeholder": stakeholder,
        "anonymous": None,
    }


@pytest.fixture
def ladder(client, personas):
    """Check a URL against every persona: ``ladder("get", url, {"anonymous": 302, ...})``.

    Every persona named must answer with its status; personas left out are not requested.
    Returns the responses by persona for further assertions.
    """

    def check(method, url, expected, data=None, **kwargs):
        responses = {}
        for name, status in expected.items():
            client.logout()
            if personas[name] is not None:
                client.force_login(personas[name])
            response = getattr(client, method)(url, data=data, **kwargs) if data is not None else getattr(client, method)(url, **kwargs)
            assert response.status_code == status, f"{name}: {method.upper()} {url} -> {response.status_code}, expected {status}"
            responses[name] = response
        client.logout()
        return responses

    return check


@pytest.fixture
def output_path(request):
    """A file path under test-results/<test name>/ for screenshots and exports."""
    from pathlib import Path

    folder = Path(__file__).parent / "test-results" / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    return lambda name: str(folder / name)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Put back the reference data migrations create (the five pillars) when a transactional
    test (a browser flow) flushed the tables before this test ran."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if (marker and marker.kwargs.get("transaction")) or "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif marker or "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from tests.reference_data import restore

    restore()


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Each test starts, and leaves the next one, in the default language: a request to a prefixed page
    (``/zh-hans/…``) activates its language in the test's thread, and it would stay active for every
    later test of the process (a demo loaded afterwards then met its own messages in Chinese)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (the home page and menus are cached per process)."""
    from django.core.cache import cache

    cache.clear()
    yield


class SmtpSink:
    """What a real SMTP peer (aiosmtpd) received: one envelope per message."""

    def __init__(self):
        self.messages = []
        self.refuse = None  # a callable(envelope) -> reply, e.g. "421 try later", to fail on purpose

    async def handle_DATA(self, server, session, envelope):
        if self.refuse is not None:
            reply = self.refuse(envelope)
            if reply:
                return reply
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_peer(settings):
    """A real SMTP server on a free local port, and MAILERS pointed at it."""
    import socket

    from aiosmtpd.controller import Controller

    # aiosmtpd 1.4.6 cannot bind port 0 (its readiness probe dials the port): find a free one first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}
    sink.port = port
    yield sink
    controller.stop()


@pytest.fixture
def database_tasks(settings):
    """Tasks go to the database queue, as with ``make run``: nothing runs until a worker does.

    Setting ``TASKS`` resets Django's task backends (its ``setting_changed`` handler), in this thread
    and in a live server's request threads, and restoring it afterwards resets them again. Never patch
    the backends by hand as well: a patch undone in the wrong order leaves every later test's tasks queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.TASKS_MODE = "db"


@pytest.fixture
def as_user(client):
    """Call the API (``/api/v1`` + path) as ``user`` (None: anonymous), with a JSON body when given."""
    from tutela.accounts.services import api_token_create

    def call(user, method, path, payload=None):
        headers = {}
        if user is not None:
            _token, key = api_token_create(actor=user, name="test")
            headers["Authorization"] = f"Bearer {key}"
        kwargs = {"headers": headers}
        if payload is not None:
            kwargs.update(data=payload, content_type="application/json")
        return getattr(client, method)("/api/v1" + path, **kwargs)

    return call
