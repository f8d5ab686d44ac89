"""Settings shared by every profile; each value that differs per deployment comes from the environment."""

from pathlib import Path

import dj_database_url

from routeplus.conf.env import env_bool, env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parents[3]
PROJECT_DIR = SRC_DIR.parent
VAR_DIR = Path(env_str("ROUTEPLUS_VAR_DIR", str(PROJECT_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "routeplus.ui",
    "routeplus.accounts",
    "routeplus.participants",
    "routeplus.trajectories",
    "routeplus.audit",
    "routeplus.casefile",
    "routeplus.monitor",
    "routeplus.intake",
    "routeplus.alerts",
    "routeplus.guide",
    "routeplus.finance",
    "routeplus.ops",
    "routeplus.privacy",
    "routeplus.demo",
    "routeplus.benchmark",
    "routeplus.api",
    "django_otp_webauthn",
]

MIDDLEWARE = [
    # Outermost: turns "database unreachable" anywhere below into a plain 503 page without touching the database.
    "routeplus.ops.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "routeplus.accounts.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "routeplus.accounts.middleware.SessionLimitsMiddleware",
    "routeplus.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "routeplus.ui.middleware.NoStoreMiddleware",
    # Innermost: sees only requests that passed login, two factors and the route's rule; one log entry each.
    "routeplus.ui.middleware.AccessLogMiddleware",
    # Lockout after repeated failed logins (django-axes); the client address comes from routeplus.ui.net.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "routeplus.conf.urls"

# The REST API (routeplus.api): its own authentication, one page size, problem documents for every error.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "routeplus.api.auth.TokenAuthentication",
        "routeplus.api.auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["routeplus.api.auth.TokenScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "routeplus.api.pagination.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "routeplus.api.problems.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "routeplus API",
    "DESCRIPTION": "Case files and monitor of Route Arbeid+ for partner systems. Guide: docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "TrajectoryStatusEnum": "routeplus.trajectories.models.Status",
        "GoalStatusEnum": "routeplus.casefile.models.GoalStatus",
        "PlacementStatusEnum": "routeplus.casefile.models.PlacementStatus",
        "ProvisionStatusEnum": "routeplus.casefile.models.ProvisionStatus",
    },
}
WSGI_APPLICATION = "routeplus.conf.wsgi.application"
# Form widgets rendered with Django's Jinja2 widget templates (routeplus.ui.renderers).
FORM_RENDERER = "routeplus.ui.renderers.WidgetRenderer"

_CONTEXT_PROCESSORS = [
    "django.template.context_processors.csp",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "routeplus.ui.context_processors.navigation",
]
TEMPLATES = [
    # The pages: Jinja2 templates in each app's jinja2/ folder (routeplus.ui.jinja; docs/development.md).
    {
        "BACKEND": "routeplus.ui.jinja.PageTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "routeplus.ui.jinja.environment", "context_processors": _CONTEXT_PROCESSORS},
    },
    # What other packages render with Django templates: the admin, the REST framework; and one widget (ui/widgets).
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request", *_CONTEXT_PROCESSORS]},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'routeplus.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that needs no round trip to the server (conf/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "routeplus.conf.postgresql"
    # Fail fast when the server is unreachable, so a request answers 503 within seconds instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 3)
    # A vanished host (no RST) would otherwise hang a request on its already-open connection: give up when sent
    # data stays unacknowledged this long. Long queries are unaffected (their request was acknowledged).
    DATABASES["default"]["OPTIONS"]["tcp_user_timeout"] = env_int("DB_TCP_USER_TIMEOUT_MS", 4000)
    if env_bool("DB_PREPARED_STATEMENTS", True):
        # A statement run twice on a connection is prepared, and after PostgreSQL's five trial plans it keeps a
        # generic plan: the pages' joins took longer to plan than to run (case file: 9 of 12 ms in the server).
        # Needs server-side parameters; off for a transaction-mode pooler without prepared-statement support.
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 2
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the access log be written while a long read runs; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["routeplus.accounts.backends.LockoutBackend", "routeplus.accounts.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "routeplus" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("vendor/utrecht", PROJECT_DIR / "node_modules" / "@utrecht" / "component-library-css" / "dist"),
    ("vendor/utrecht-tokens", PROJECT_DIR / "node_modules" / "@utrecht" / "design-tokens" / "dist"),
    ("vendor/htmx", PROJECT_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "routeplus.ops.staticfiles.StaticStorage"},
}

# Django 6.1 mailers: SMTP by default; EMAIL_BACKEND=console or locmem for development and tests.
_MAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def mailers(kind: str) -> dict[str, dict[str, object]]:
    if kind not in _MAIL_BACKENDS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"EMAIL_BACKEND must be one of {', '.join(_MAIL_BACKENDS)}, not {kind!r}.")
    options: dict[str, object] = {}
    if kind == "smtp":
        options = {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER") or None,
            "password": env_str("EMAIL_HOST_PASSWORD") or None,
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        }
    return {"default": {"BACKEND": _MAIL_BACKENDS[kind], "OPTIONS": options}}


MAILERS = mailers(env_str("EMAIL_BACKEND", "smtp"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "routeplus <noreply@localhost>")

# Sessions: short-lived, HTTP-only, same-site; the security issue adds idle/absolute limits per session.
SESSION_ENGINE = "routeplus.accounts.session_store"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 15) * 60
# Off: accounts.sessions.session_touch writes the session when the idle clock moves (every 30 s at most).
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Session limits (security issue): idle and absolute, checked on every request by SessionLimitsMiddleware.
ROUTEPLUS_SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 15) * 60
ROUTEPLUS_SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_TIMEOUT_HOURS", 10) * 3600

# Two factors for everyone (django-otp): TOTP apps plus single-use recovery codes.
ROUTEPLUS_TOTP_ISSUER = env_str("TOTP_ISSUER", "routeplus")
OTP_TOTP_ISSUER = ROUTEPLUS_TOTP_ISSUER

# Security keys and passkeys (WebAuthn, django-otp-webauthn) as a second factor beside TOTP, never instead of
# the password. The relying party ID is the site's domain (credentials are bound to it: changing it later means
# every user enrols their keys again); by default the first named host of ALLOWED_HOSTS, origins https on it.


def _webauthn_rp_id(hosts: list[str]) -> str:
    for host in hosts:
        name = host.lstrip(".")
        if name and name != "*" and not name.startswith("[") and not name.replace(".", "").isdigit():
            return name
    return "localhost"


ROUTEPLUS_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID") or _webauthn_rp_id(ALLOWED_HOSTS)
OTP_WEBAUTHN_RP_ID = ROUTEPLUS_WEBAUTHN_RP_ID
OTP_WEBAUTHN_RP_NAME = env_str("WEBAUTHN_RP_NAME", "routeplus")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "WEBAUTHN_ORIGINS",
    f"https://{ROUTEPLUS_WEBAUTHN_RP_ID}"
    + (",http://localhost:8000" if ROUTEPLUS_WEBAUTHN_RP_ID == "localhost" else ""),
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a key is the second step only; its login backend is not installed
OTP_WEBAUTHN_TIMEOUT_SECONDS = 120

# Lockout (django-axes): per client address and per account; the address is taken behind exactly
# TRUSTED_PROXY_COUNT proxies, so a client-written X-Forwarded-For cannot rotate it.
from datetime import timedelta  # noqa: E402

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_USERNAME_FORM_FIELD = "username"  # the login form's field (axes would default to USERNAME_FIELD, "email")
AXES_CLIENT_IP_CALLABLE = "routeplus.ui.net.client_ip"
AXES_LOCKOUT_CALLABLE = "routeplus.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # axes would write the typed user name to the application log
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Staff single sign-on (OpenID Connect, mozilla-django-oidc); on when OIDC_RP_CLIENT_ID is set.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_RP_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env_str("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("OIDC_OP_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("OIDC_OP_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("OIDC_OP_USER_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("OIDC_OP_JWKS_ENDPOINT")
OIDC_RP_SCOPES = "openid email profile"
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 5)
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
ROUTEPLUS_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
ROUTEPLUS_OIDC_MFA_ACR_VALUES = env_list("OIDC_MFA_ACR_VALUES")
if ROUTEPLUS_OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("routeplus.accounts.oidc.StaffOIDCBackend")

# Content Security Policy (Django's built-in): scripts only from our origin or with this response's nonce.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Number of reverse proxies in front of the app; the client address is taken that many hops from the right.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Background work (Django Tasks) is queued in the database and run by `routeplus db_worker` (deploy/).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Operations (routeplus.ops): /readyz fails when the worker's last heartbeat is older than this;
# uploads and backups live under these directories.
ROUTEPLUS_WORKER_HEARTBEAT_MAX_AGE = env_int("WORKER_HEARTBEAT_MAX_AGE", 300)
ROUTEPLUS_BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

ROUTEPLUS_CASELOAD_PAGE_SIZE = 50
# Signals per page of the worklist, most urgent first; each row links to the signal's page with its actions.
ROUTEPLUS_WORKLIST_PAGE_SIZE = 25
# The address people use to reach routeplus; links in e-mails (the daily signal digest) start with it.
ROUTEPLUS_BASE_URL = env_str("BASE_URL", "http://localhost:8000")
# Monitor publication mode: numbers from 1 up to (not including) this threshold are shown as "<N".
ROUTEPLUS_MONITOR_SUPPRESSION_THRESHOLD = env_int("MONITOR_SUPPRESSION_THRESHOLD", 5)

# Privacy: the research export's keyed-hash key (held by the municipality) and its smallest cell; retention
# periods in years after a participant's last trajectory ends (identity, case_content, decisions).
ROUTEPLUS_RESEARCH_KEY = env_str("RESEARCH_EXPORT_KEY")
ROUTEPLUS_RESEARCH_MIN_CELL = env_int("RESEARCH_MIN_CELL", 5)
ROUTEPLUS_RETENTION_YEARS = {
    "identity": env_int("RETENTION_IDENTITY_YEARS", 2),
    "case_content": env_int("RETENTION_CASE_CONTENT_YEARS", 2),
    "decisions": env_int("RETENTION_DECISIONS_YEARS", 7),
}
ROUTEPLUS_DEMO_ALLOWED = True
# The benchmark's floor pages (routeplus.benchmark) are mounted only when this is on; `routeplus bench` sets it.
ROUTEPLUS_BENCHMARK = env_bool("ROUTEPLUS_BENCHMARK", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
