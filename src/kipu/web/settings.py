"""Django settings. Everything a deployment changes comes from the environment:
DATABASE_URL, SECRET_KEY, KIPU_DEBUG, KIPU_ALLOWED_HOSTS, KIPU_DATA_DIR.

Production-safe by default: development mode (DEBUG, a fixed key, mail on the console, no
HTTPS) needs KIPU_DEBUG=1, which `make demo`, `kipu serve` and the test suite set."""

from __future__ import annotations

import os
import secrets
import stat
import time
from importlib.util import find_spec
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from kipu.web.database import data_dir, default_url, parse_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = os.environ.get("KIPU_DEBUG", "0") == "1"
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _stored_secret_key(path: Path) -> str:
    """The key kept in the data directory, made (random, mode 0600) by the first process that
    needs it. Without SECRET_KEY a production install then still has a key nobody else knows,
    and keeps it across restarts and between the workers that share the data directory."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            for _ in range(50):  # another process may be writing it this very moment
                key = path.read_text(encoding="ascii").strip()
                if key:
                    _keep_private(path)
                    return key
                time.sleep(0.02)
            raise ImproperlyConfigured(f"{path} is empty: delete it or set SECRET_KEY") from None
        key = secrets.token_urlsafe(50)
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(key + "\n")
        return key
    except OSError as error:
        raise ImproperlyConfigured(
            f"SECRET_KEY is not set and the key file {path} cannot be used ({error}): set "
            "SECRET_KEY in the environment, or make KIPU_DATA_DIR writable"
        ) from error


def _keep_private(path: Path) -> None:
    """Take back the group and world permissions a copied or restored key file may have."""
    try:
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            path.chmod(0o600)
    except OSError:  # not ours to change: the operator chose
        pass


if os.environ.get("SECRET_KEY"):
    SECRET_KEY = os.environ["SECRET_KEY"]
elif DEBUG:
    # A fixed, public key: acceptable for local development only.
    SECRET_KEY = "kipu-development-only-not-secret"
else:
    SECRET_KEY = _stored_secret_key(SECRET_KEY_FILE)

ALLOWED_HOSTS = os.environ.get("KIPU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "kipu.web.locations",
    "kipu.web.platforms",
    "kipu.web.plans",
    "kipu.web.submissions",
    "kipu.web.stats",
    "kipu.web.reports",
    "kipu.web.site",
    "kipu.web.accounts",
    "kipu.web.audit",
    "kipu.web.portal",
    "kipu.web.console",
    "kipu.web.reference",
    "kipu.web.api",
    "kipu.web.surveys",
]

# kipu.web.security: the CSP and private-cache middleware come before WhiteNoise so static
# files go through them too; NUL rejection comes last (the 400 page needs the language) but
# runs before any view or query.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kipu.web.security.ContentSecurityPolicyMiddleware",
    "kipu.web.security.PrivateCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kipu.web.security.RejectNulMiddleware",
]

ROOT_URLCONF = "kipu.web.urls"
WSGI_APPLICATION = "kipu.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kipu.web.accounts.navigation.menu_context",
            ],
        },
    },
]

DATABASES = {"default": parse_database_url(os.environ.get("DATABASE_URL") or default_url())}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The Spanish catalogue (compiled .mo committed; tools/update-translations.sh regenerates it) and
# Kipu's own number/date formats: Spanish groups thousands with a non-breaking space, as the
# situation report does (kipu.core.phrasing).
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["kipu.web.formats"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp, kipu.web.security): scripts and styles come from this
# site's static files only: no inline <script>, no on…= handlers, no style attributes in pages.
# img-src allows data: (the report's logo); a situation report's HTML and SVG charts, whole
# documents with their own <style>, also get style-src 'unsafe-inline' (never script-src).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Accounts, passwords, mail and session security (kipu.web.accounts) ---

# Argon2 when argon2-cffi is installed; PBKDF2 stays listed so existing hashes keep working.
PASSWORD_HASHERS = [
    *(["django.contrib.auth.hashers.Argon2PasswordHasher"] if find_spec("argon2") else []),
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A refused form (expired session, cookies blocked) gets the site's styled, translated page.
CSRF_FAILURE_VIEW = "kipu.web.site.errors.csrf_failure"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link is valid for one day
KIPU_INVITATION_DAYS = int(os.environ.get("KIPU_INVITATION_DAYS", "7"))
# Login throttling: this many failures per username and address within the window lock that
# username out from that address; this many failures from one address, whatever the usernames
# (password spraying), lock the address out. Everyone behind one NAT shares an address.
KIPU_LOGIN_MAX_FAILURES = 5
KIPU_LOGIN_MAX_FAILURES_PER_ADDRESS = int(
    os.environ.get("KIPU_LOGIN_MAX_FAILURES_PER_ADDRESS", "20")
)
KIPU_LOGIN_WINDOW_SECONDS = 15 * 60
KIPU_LOGIN_LOCKOUT_SECONDS = 15 * 60
# Password-reset mails per hour: per e-mail, and per client address (whatever the e-mails).
KIPU_RESET_PER_EMAIL = 3
KIPU_RESET_PER_IP = 10
KIPU_RESET_WINDOW_SECONDS = 60 * 60

DEFAULT_FROM_EMAIL = os.environ.get("KIPU_FROM_EMAIL", "kipu@localhost")
if DEBUG and not os.environ.get("EMAIL_HOST"):
    # Development: mail goes to the console, or to files when KIPU_EMAIL_DIR is set.
    if os.environ.get("KIPU_EMAIL_DIR"):
        EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        EMAIL_FILE_PATH = os.environ["KIPU_EMAIL_DIR"]
    else:
        EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"

# Behind a TLS-terminating proxy (KIPU_BEHIND_PROXY=1) every request comes from the proxy's
# address: sign-in throttling per address then reads the client's from the last
# X-Forwarded-For entry, the one the proxy adds (kipu.web.security.client_address).
KIPU_BEHIND_PROXY = os.environ.get("KIPU_BEHIND_PROXY") == "1"

SESSION_COOKIE_AGE = 60 * 60 * 12
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("KIPU_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = int(os.environ.get("KIPU_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("KIPU_HSTS_SUBDOMAINS", "1") == "1"
    SECURE_HSTS_PRELOAD = os.environ.get("KIPU_HSTS_PRELOAD", "1") == "1"
    # Hashed, compressed static files, served by WhiteNoise after `kipu manage collectstatic`.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    if KIPU_BEHIND_PROXY:
        # Only behind a TLS-terminating proxy that sets this header; trusting it otherwise
        # would let a client claim HTTPS.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- API (kipu.web.api) ---
# Requests per window: "N/sec", "N/min", "N/hour" or "N/day"; per token when authenticated,
# else per client address. Counters live in the default cache.
KIPU_API_RATE = {
    "authenticated": os.environ.get("KIPU_API_RATE_AUTHENTICATED", "600/min"),
    "anonymous": os.environ.get("KIPU_API_RATE_ANONYMOUS", "120/min"),
}

# --- Partner portal uploads (kipu.web.portal) ---
# A bigger 5W upload is refused with a message and changes nothing. Django streams uploads
# above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) to temporary files, so memory stays bounded.
KIPU_MAX_UPLOAD_MB = int(os.environ.get("KIPU_MAX_UPLOAD_MB", "50"))
# A file that passed "Check only" is kept this long for its user to submit without picking it
# again (kipu.web.portal.services.check_and_keep).
KIPU_CHECKED_FILE_HOURS = int(os.environ.get("KIPU_CHECKED_FILE_HOURS", "24"))

# --- Background jobs (kipu.web.jobs; README, Background jobs) ---
# Django's Tasks API (the django-tasks backport) is the one way work leaves the request. The
# embedded default keeps the queue in the database (no other server; `kipu worker` runs it);
# KIPU_TASKS_BACKEND=rq keeps it in Redis at REDIS_URL, for workers on several machines. Both
# keep live progress in the "jobs" cache (files under KIPU_DATA_DIR, or the same Redis): an
# import's rows are stored in one transaction, which the progress must not wait for.
KIPU_TASKS_BACKEND = os.environ.get("KIPU_TASKS_BACKEND", "database")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
KIPU_JOBS_QUEUE = os.environ.get("KIPU_JOBS_QUEUE", "kipu")  # one queue per installation
if KIPU_TASKS_BACKEND not in ("database", "rq"):
    raise ImproperlyConfigured(
        f"KIPU_TASKS_BACKEND must be database or rq, not {KIPU_TASKS_BACKEND!r}"
    )
# django_rq (which imports redis and rq: a seventh of a second at every start) only where the
# RQ backend needs it; its queue functions work without the app, for tests that switch to it.
RQ_APPS = ["django_rq"] if KIPU_TASKS_BACKEND == "rq" else []
INSTALLED_APPS += ["django_tasks", "django_tasks_db", *RQ_APPS, "kipu.web.jobs"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks_rq.RQBackend"
        if KIPU_TASKS_BACKEND == "rq"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": [KIPU_JOBS_QUEUE],
    }
}
RQ_QUEUES = {KIPU_JOBS_QUEUE: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60 * 60}}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "jobs": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if KIPU_TASKS_BACKEND == "rq"
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "jobs"),
    },
}
# Uploads above this many bytes are stored by a job (the request answers at once); smaller
# ones stay immediate. Finished jobs and their files are deleted after KIPU_JOB_RETENTION_DAYS.
KIPU_JOB_THRESHOLD_BYTES = int(os.environ.get("KIPU_JOB_THRESHOLD_BYTES", str(2 * 1024 * 1024)))
KIPU_JOB_RETENTION_DAYS = int(os.environ.get("KIPU_JOB_RETENTION_DAYS", "30"))
# A job whose worker stopped (killed, crashed, machine lost) is tried again this many times
# in all; a worker elsewhere counts it lost after this many seconds without a heartbeat.
KIPU_JOB_ATTEMPTS = int(os.environ.get("KIPU_JOB_ATTEMPTS", "2"))
KIPU_JOB_LOST_AFTER_SECONDS = int(os.environ.get("KIPU_JOB_LOST_AFTER_SECONDS", "120"))
# The workers' daily schedule (reminders due that day, clean-up of old jobs) starts at this
# hour, UTC: 12 is 07:00 in Lima and Bogotá, 08:00 in Caracas.
KIPU_SCHEDULE_HOUR = int(os.environ.get("KIPU_SCHEDULE_HOUR", "12"))
