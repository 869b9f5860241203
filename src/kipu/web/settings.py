"""Django settings. Everything a deployment changes comes from the environment:
DATABASE_URL, SECRET_KEY, KIPU_DEBUG, KIPU_ALLOWED_HOSTS, KIPU_DATA_DIR."""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from kipu.web.database import data_dir, default_url, parse_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir()

DEBUG = os.environ.get("KIPU_DEBUG", "1") == "1"
# A fixed key is only acceptable for local development; production must set SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY", "kipu-development-only-not-secret" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when KIPU_DEBUG=0")
ALLOWED_HOSTS = os.environ.get("KIPU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link is valid for one day
KIPU_INVITATION_DAYS = int(os.environ.get("KIPU_INVITATION_DAYS", "7"))
# Login throttling: this many failures per username and address within the window lock out.
KIPU_LOGIN_MAX_FAILURES = 5
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
    if os.environ.get("KIPU_BEHIND_PROXY") == "1":
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
