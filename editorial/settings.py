"""One settings module, configured by environment variables.

With nothing set it runs on SQLite in the checkout with DEBUG on (the embedded default).
`DATABASE_URL=postgres://…` puts it on PostgreSQL. With DEBUG off it refuses to start
without a real SECRET_KEY.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value not in ("true", "false", "1", "0"):
        raise ImproperlyConfigured(f"{name}={value!r}: use true or false")
    return value in ("true", "1")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r}: use a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def weak_secret(secret: str) -> bool:
    """What Django's security.W009 check flags: short, repetitive or generated for dev."""
    return (
        secret == DEVELOPMENT_SECRET_KEY
        or len(secret) < 50
        or len(set(secret)) < 5
        or secret.startswith("django-insecure-")
    )


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "") or DEVELOPMENT_SECRET_KEY
if not DEBUG and weak_secret(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing, the development key, or weak. With DEBUG off, set SECRET_KEY "
        "to a random string of at least 50 characters (5 or more different ones), e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "Clinical Answers")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_fsm",  # its admin templates (transition buttons)
    "simple_history",
    "django_tasks",
    "django_tasks_db",  # the notification queue's table and its worker, manage.py db_worker
    "editorial",
    # references before articles: Article's citation history needs the Citation model loaded.
    "references",
    "articles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses anonymous public pages only, never a page carrying a CSRF token (BREACH).
    "editorial.middleware.PublicPageCompressionMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "editorial.accounts.middleware.WorkingPageHeadersMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "editorial.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it swaps the sign-in page for the "locked out" page after too many failures.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "editorial.urls"
WSGI_APPLICATION = "editorial.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "editorial.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the working pages' queries run in milliseconds, and a planner
    # estimate past jit_above_cost once made PostgreSQL spend 2.7 s compiling a 100 ms query
    # (docs/performance.md). A `?options=` in DATABASE_URL still wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
CSRF_FAILURE_VIEW = "articles.views.kept.csrf_failure"  # shows the posted text back
LOGIN_REDIRECT_URL = "/"  # the adapter sends each person to their work (editorial/accounts)
LOGOUT_REDIRECT_URL = "/"

# Accounts: django-allauth signs people in (by username or email), resets passwords by
# email and asks for the second factor; there is no public sign-up, people are invited.
# django-axes counts failed sign-ins in the database (shared by every worker and machine)
# and refuses the next attempt without checking the password once the limit is reached.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "editorial.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "editorial.accounts.forms.SignInForm",
    "reauthenticate": "editorial.accounts.forms.ConfirmPasswordForm",
    "reset_password": "editorial.accounts.forms.RequestResetForm",
    "reset_password_from_key": "editorial.accounts.forms.ChoosePasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = False
# A signed-in person sent to sign in (a page their account cannot open) sees the sign-in
# page with a notice rather than a redirect back, which would loop.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no email to an address typed into "reset"
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins are django-axes's job (in the database, across workers); successful
    # ones need no limit.
    "login_failed": None,
    "login": None,
    # Reset emails: per address asking, and per account asked for.
    "reset_password": "20/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "editorial.accounts.forms.CodeForm",
    "activate_totp": "editorial.accounts.forms.ActivateAppForm",
}
MFA_TOTP_ISSUER = SITE_NAME
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # passkeys on http://127.0.0.1 in development
MFA_PASSKEY_LOGIN_ENABLED = False
# allauth refuses a second factor to an account with an unverified address, against someone
# signing up with another person's email; there is no sign-up here (accounts are made by
# editors, and an invited person gets in only through the emailed link).
MFA_ALLOW_UNVERIFIED_EMAIL = True  # a passkey is a second factor here, not a password
# Board members and editors must have a second factor before they may act (see
# editorial/accounts/middleware.py). Off in development so the demo users can sign in.
MFA_REQUIRED = env_bool("MFA_REQUIRED", not DEBUG)

AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("SIGN_IN_LOCKOUT_MINUTES", 15))
# An account, or an address, reaching the limit is locked. By address only when DEBUG is off
# by default: in development every demo user signs in from 127.0.0.1, and ten typos would
# lock them all out.
SIGN_IN_LOCKOUT_BY_ADDRESS = env_bool("SIGN_IN_LOCKOUT_BY_ADDRESS", not DEBUG)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"] if SIGN_IN_LOCKOUT_BY_ADDRESS else ["username"]
# axes warns when addresses are not counted; that is the development choice made above.
SILENCED_SYSTEM_CHECKS = [] if SIGN_IN_LOCKOUT_BY_ADDRESS else ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "login"  # allauth's sign-in form
AXES_USERNAME_CALLABLE = "editorial.accounts.throttling.attempted_account"
AXES_CLIENT_IP_CALLABLE = "editorial.accounts.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "editorial.accounts.throttling.locked_out"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# A 500,000-character body (the workflow's limit) in a non-Latin script is several MB once
# form-encoded; Django's 2.5 MB default would refuse it before the workflow could say why.
DATA_UPLOAD_MAX_MEMORY_SIZE = 8 * 1024 * 1024
# How long a workflow action waits for another one's row lock before saying "try again".
WORKFLOW_LOCK_TIMEOUT_SECONDS = 3

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "editorial@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Notifications: queued in the database inside the workflow's transaction, sent after the
# commit by `manage.py db_worker` (articles/notifications.py, articles/tasks.py). With
# NOTIFICATIONS_SEND_ON_COMMIT this process sends them itself right after the commit
# (the tests do; a server should run the worker instead, so a slow mail server never
# holds up a page).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
NOTIFICATIONS_SEND_ON_COMMIT = env_bool("NOTIFICATIONS_SEND_ON_COMMIT", False)

# Polite identification for the bibliographic services (Crossref, NCBI E-utilities).
REFERENCE_LOOKUP_CONTACT_EMAIL = os.environ.get(
    "REFERENCE_LOOKUP_CONTACT_EMAIL", "editorial@localhost"
)
REFERENCE_LOOKUP_TIMEOUT = float(os.environ.get("REFERENCE_LOOKUP_TIMEOUT", "10"))
NCBI_API_KEY = os.environ.get("NCBI_API_KEY", "")

# Seconds each process may serve a public page to anonymous readers without asking the
# database (0: off). On in production by default: the pages already tell CDNs they may keep
# them for minutes (s-maxage), so 5 s at the origin adds no new staleness. Off in
# development and tests, where a change must show at once. See docs/performance.md.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 0 if DEBUG else 5)

# What readers are told (issue 13): how long a correction stays noted at the top of its page;
# how many "Report a problem" reports one address may send an hour; how many proxies in
# front of the app append to X-Forwarded-For (0: use the connection's address).
CORRECTION_NOTICE_DAYS = env_int("CORRECTION_NOTICE_DAYS", 30)
READER_REPORTS_PER_HOUR = env_int("READER_REPORTS_PER_HOUR", 5)
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Told when check_references finds a new status (the references app never imports articles).
REFERENCE_STATUS_CHANGED = "articles.workflow.evidence_found"

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script or style anywhere, the admin included: everything comes from our own
# static files. Scripts that must be inline carry the request's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features the site never uses are switched off; passkeys need WebAuthn on our origin.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), "
    "publickey-credentials-create=(self), publickey-credentials-get=(self)"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # one line per sign-in otherwise
    },
}
