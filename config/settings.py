"""Tutela settings: one file, driven by the environment.

The embedded default (no environment at all) is a development instance on SQLite under
``var/``. ``TUTELA_ENV=production`` turns on every deployment safeguard and refuses to start
without the secrets it needs.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TUTELA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TUTELA_ENV = os.environ.get("TUTELA_ENV", "development")
PRODUCTION = TUTELA_ENV == "production"
DEBUG = env_bool("DEBUG", False)


SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE = 5


def _weak_secret_key(key: str) -> str | None:
    """Why ``key`` is too weak to sign sessions and tokens in production, or None. The same
    thresholds as Django's security.W009 (which only warns): 50 characters, 5 distinct ones,
    and not one of Django's generated insecure keys."""
    if key.startswith("django-insecure-"):
        return "it is a development key (it starts with 'django-insecure-')"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters; at least {SECRET_KEY_MIN_LENGTH} are needed"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE:
        return f"it has {len(set(key))} distinct characters; at least {SECRET_KEY_MIN_UNIQUE} are needed"
    return None


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if PRODUCTION:
        if not key:
            raise ImproperlyConfigured("SECRET_KEY must be set when TUTELA_ENV=production.")
        weakness = _weak_secret_key(key)
        if weakness:
            raise ImproperlyConfigured(
                f"SECRET_KEY is too weak for TUTELA_ENV=production: {weakness}. Generate one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
            )
        return key
    if key:
        return key
    # The embedded default generates its key once and keeps it, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_countries",
    "django_tasks_db",
    "axes",
    "ninja",
    "tutela.core",
    "tutela.partners",
    "tutela.accounts",
    "tutela.initiatives",
    "tutela.activities",
    "tutela.figures",
    "tutela.outreach",
    "tutela.consultations",
    "tutela.coordination",
    "tutela.exchange",
    "tutela.bulletins",
    "tutela.reports",
    "tutela.strategies",
    "tutela.library",
    "tutela.hub",
    "tutela.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tutela.core.routers.ReplicaReadsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tutela.core.middleware.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tutela.core.middleware.ControlCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tutela.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "tutela.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60, conn_health_checks=True
    )
}
# Optional hot-standby replica for the anonymous public's read-only pages (tutela.core.routers,
# docs/operations.md). In tests it is a mirror of the test database.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["tutela.core.routers.ReplicaRouter"]
# DATABASE_TRANSACTION_POOLING=1: the URLs point at a pooler in transaction mode (PgBouncer
# pool_mode=transaction). A server-side cursor would outlive the transaction that holds it
# there, so they are turned off (Django's documented setting for this case).
TRANSACTION_POOLING = env_bool("DATABASE_TRANSACTION_POOLING", False)
for _db in DATABASES.values():
    if _db["ENGINE"] == "django.db.backends.postgresql" and TRANSACTION_POOLING:
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of failing
        # half-way with "database is locked"; the busy timeout is how long they queue.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:workspace"
LOGOUT_REDIRECT_URL = "home:index"
SESSION_COOKIE_AGE = 60 * 60 * 12

# Login throttling: five failures for one e-mail address from one IP lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "tutela.accounts.services.login_attempt_username"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("zh-hans", _("Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date style per language (docs/i18n.md): DATE_FORMAT, DATETIME_FORMAT… per language.
FORMAT_MODULE_PATH = ["tutela.core.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production WhiteNoise serves straight from the finders: no collectstatic needed. It also looks at each
# file when asked for it: otherwise it keeps the size a file had when the server started, and a stylesheet edited
# while `make run` serves is sent with the old length, so the browser waits for bytes that never come and the page
# never finishes loading.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG or not PRODUCTION

# Request size limits: bodies above these are refused with 413 before any parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
TUTELA_MAX_UPLOAD_BYTES = int(os.environ.get("TUTELA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- The initiative's name and logo on the home page (tutela.home) --------------------------
# Empty name: the first initiative recorded (initiatives app), else "Tutela". The logo is a path
# under the static files (e.g. "img/logo.svg") or under MEDIA_URL; never another site's address.
INITIATIVE_NAME = os.environ.get("TUTELA_INITIATIVE_NAME", "")
INITIATIVE_LOGO = os.environ.get("TUTELA_INITIATIVE_LOGO", "")

# --- Mail (Django 6.1 MAILERS) --------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tutela <no-reply@tutela.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("SMTP_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ["SMTP_HOST"],
                "port": int(os.environ.get("SMTP_PORT", "25")),
                "username": os.environ.get("SMTP_USER", ""),
                "password": os.environ.get("SMTP_PASSWORD", ""),
                "use_tls": env_bool("SMTP_TLS", False),
                "timeout": 10,
            },
        }
    }
elif PRODUCTION:
    raise ImproperlyConfigured("SMTP_HOST must be set when TUTELA_ENV=production.")
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# --- Background tasks -----------------------------------------------------------------------
# "The background in background task is always optional": without TUTELA_TASKS=db (set by
# `make run` and production) tasks run inline, so tests and a bare runserver need no worker.
TASKS_MODE = os.environ.get("TUTELA_TASKS", "db" if PRODUCTION else "immediate")
if TASKS_MODE not in {"db", "immediate"}:
    raise ImproperlyConfigured("TUTELA_TASKS must be 'db' or 'immediate'.")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_MODE == "db"
        else "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
WORKER_HEARTBEAT_SECONDS = 10

# --- Cache ----------------------------------------------------------------------------------
# Per-process memory: enough for the public home page. Nothing that must be consistent across
# processes (sessions, tokens, permissions) is cached.
# Rate limits (tutela.core.ratelimit) must be counted across every web process of a deployment
# (gunicorn -w 2): they live in a database cache, in every mode, so development and tests run the
# same code as production. Its table is created by core's migration 0002 (createcachetable).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tutela"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tutela_ratelimit",
                  "OPTIONS": {"MAX_ENTRIES": 100_000}},
}

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy, enforced in every mode (development shows violations early): scripts
# and styles only from our own static files (no inline <script>, <style> or style=""), nothing
# framed, no plugins. Pages carry no nonce because the anonymous page cache stores rendered
# bytes (a nonce would be reused). Violations are logged by /csp-report (docs/decisions.md).
SECURE_CSP: dict[str, list[str]] = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "report-uri": ["/csp-report"],
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "tutela.core.views.csrf_failure"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when TUTELA_ENV=production.")

# --- Logging --------------------------------------------------------------------------------
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "tutela.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s", "datefmt": "%H:%M:%S"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
API_PAGE_SIZE_MAX = 500
