"""Settings come from environment variables with safe defaults.

The embedded default needs nothing but this checkout: a SQLite file and a data directory under
./var/. Scale-out changes only settings: DATABASE_URL for PostgreSQL (and, later, object
storage), never code.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from hogo.web.filemodes import PRIVATE_UMASK

# Everything hogo creates (database, keys, objects, spool, mail, exports) is private to the
# account running it: files 0600, directories 0700. Set here, before anything below writes,
# so it covers every way in: `hogo` and hogo.wsgi load these settings before they write any
# file, and so do pytest and django-admin.
os.umask(PRIVATE_UMASK)

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HOGO_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Use HOGO_SECRET_KEY, else a key generated once and kept in the data directory."""
    if key := os.environ.get("HOGO_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Created 0600 in one step: never readable by others, not even for a moment.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it just now
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("HOGO_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("HOGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("HOGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # its Swagger UI from our own static files, not a CDN the CSP would refuse
    "django_tasks",
    "django_tasks_db",
    "hogo.web",
    "hogo.accounts",
    "hogo.audit",
    "hogo.alerts",
    "hogo.jobs",
    "hogo.registry",
    "hogo.footage",
    "hogo.copies",
    "hogo.processing",
    "hogo.media",
    "hogo.incidents",
    "hogo.provision",
    "hogo.requests",
    "hogo.complaints",
    "hogo.notice",
    "hogo.holdings",
    "hogo.oversight",
    "hogo.accountability",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hogo.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hogo.web.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hogo.web.middleware.JapaneseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hogo.web.middleware.AdminGateMiddleware",
    "hogo.web.middleware.ServiceRefusalMiddleware",
]

ROOT_URLCONF = "hogo.urls"
WSGI_APPLICATION = "hogo.wsgi.application"

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
                "hogo.web.menu.menu_context",
            ],
        },
    },
]

_database_url = os.environ.get("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "hogo.sqlite3",
            # IMMEDIATE makes every write transaction take the lock at BEGIN, so appends to
            # the audit chain are serialised; WAL lets readers go on meanwhile. secure_delete
            # zeroes what a change frees inside the file (an erased object's wrapped key), and
            # the WAL file is cut back after each erasure (footage.objects.forget_freed_pages).
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                                "PRAGMA secure_delete=ON;",
            },
            # Tests use a file too, not Django's shared in-memory database: that one locks
            # whole tables without waiting, so a browser's parallel requests would fail there
            # while they queue politely on a real installation.
            "TEST": {"NAME": str(DATA_DIR / "test-hogo.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["hogo.accounts.backends.RoleBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed-login throttling: this many wrong passwords lock the account
# for this many minutes, or until an administrator unlocks it.
HOGO_LOCKOUT_THRESHOLD = int(os.environ.get("HOGO_LOCKOUT_THRESHOLD", "10"))
HOGO_LOCKOUT_MINUTES = int(os.environ.get("HOGO_LOCKOUT_MINUTES", "30"))

# Sessions expire after this many idle minutes and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("HOGO_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# One switch for a server reached over HTTPS: HOGO_HTTPS=true (HOGO_SECURE_COOKIES=true, its
# old name, still works). waitress speaks plain HTTP only, so HTTPS always means a reverse
# proxy in front: the switch therefore also trusts the proxy's X-Forwarded-Proto, which the
# proxy must set (overwrite, never pass on the client's) while hogo listens only where the
# proxy can reach it. The health check stays reachable over plain HTTP for the proxy's probe.
HOGO_HTTPS = _env_bool("HOGO_HTTPS", False) or _env_bool("HOGO_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = HOGO_HTTPS
CSRF_COOKIE_SECURE = HOGO_HTTPS
SECURE_SSL_REDIRECT = HOGO_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^api/health$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HOGO_HTTPS else None
SECURE_HSTS_SECONDS = int(os.environ.get("HOGO_HSTS_SECONDS", "31536000")) if HOGO_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("HOGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# Sent on every response by hogo.web.middleware.ContentSecurityPolicyMiddleware: no inline
# script or style anywhere (htmx's own indicator style is switched off in base.html).
HOGO_CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
    "media-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'self'",
    "frame-ancestors 'none'", "form-action 'self'"])

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Every legal date (deadlines, retention, "knew on") is a Japanese calendar date: times are
# stored in UTC and turned into dates in Asia/Tokyo by hogo.clock.
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(mode=0o700, exist_ok=True)
# Django's file storages (collectstatic too) chmod what they write, 0644 by default: private
# like everything else in the data directory (only hogo's own process serves static files).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}

# Where encrypted originals live. The embedded default is a local directory; scale-out sets
# HOGO_STORAGE_BACKEND=s3 with an S3-compatible endpoint. Master keys are files under
# HOGO_KEY_DIR, never in the database.
HOGO_STORAGE = {
    "backend": os.environ.get("HOGO_STORAGE_BACKEND", "local"),
    "root": os.environ.get("HOGO_STORAGE_ROOT", str(DATA_DIR / "objects")),
    "keys_dir": os.environ.get("HOGO_KEY_DIR", str(DATA_DIR / "keys")),
    "bucket": os.environ.get("HOGO_S3_BUCKET") or None,
    "endpoint_url": os.environ.get("HOGO_S3_ENDPOINT_URL") or None,
    "region": os.environ.get("HOGO_S3_REGION") or None,
    "access_key_id": os.environ.get("HOGO_S3_ACCESS_KEY_ID") or None,
    "secret_access_key": os.environ.get("HOGO_S3_SECRET_ACCESS_KEY") or None,
    "prefix": os.environ.get("HOGO_S3_PREFIX") or None,
    # Resumable uploads are staged (encrypted) here before moving into S3; keep it on disk
    # that survives a reboot. The local backend stages inside its own root.
    "spool_dir": os.environ.get("HOGO_SPOOL_DIR") or (
        str(DATA_DIR / "spool") if os.environ.get("HOGO_STORAGE_BACKEND") == "s3" else None),
}

# Unfinished tus uploads a machine token, and all tokens together, may hold; more get 429 with
# Retry-After. An upload that never kept a byte expires after HOGO_UPLOAD_EMPTY_MINUTES (one with
# data after 7 days), so abandoned ones do not hold their places for long.
HOGO_UPLOAD_OPEN_PER_TOKEN = int(os.environ.get("HOGO_UPLOAD_OPEN_PER_TOKEN", "50"))
HOGO_UPLOAD_OPEN_TOTAL = int(os.environ.get("HOGO_UPLOAD_OPEN_TOTAL", "2000"))
HOGO_UPLOAD_EMPTY_MINUTES = int(os.environ.get("HOGO_UPLOAD_EMPTY_MINUTES", "60"))

# A copy longer than about 1.5 pieces is masked in pieces of about this many seconds (cut at
# keyframes), one background job each, so several workers share it (hogo.processing.pieces).
HOGO_MASK_PIECE_SECONDS = float(os.environ.get("HOGO_MASK_PIECE_SECONDS", "60"))

# Versioned policy profiles (one TOML file per organisation kind); checked at start-up.
HOGO_PROFILE_DIR = Path(os.environ.get("HOGO_PROFILE_DIR", BASE_DIR / "rules" / "profiles"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HOGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "hogo.web.views.csrf_failure"

# Mail: incident reports reach the section head and the privacy officer by e-mail too. Without
# HOGO_EMAIL_HOST each message is written to var/mail/ (the demo's "outbox"); with it, SMTP.
DEFAULT_FROM_EMAIL = os.environ.get("HOGO_MAIL_FROM", "hogo@localhost")
if os.environ.get("HOGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["HOGO_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("HOGO_EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("HOGO_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("HOGO_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = _env_bool("HOGO_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")

# The address people open hogo at, e.g. https://hogo.city.example.jp: links in mail are built
# from it (a mail program cannot follow "/incidents/3/"). Unset, links point at the
# development server (http://127.0.0.1:8000); `hogo check` and `hogo serve` say so, and behind
# HTTPS (HOGO_HTTPS) the system check warns (hogo.W001).
HOGO_BASE_URL = (os.environ.get("HOGO_BASE_URL") or "").strip().rstrip("/")
HOGO_BASE_URL_SET = bool(HOGO_BASE_URL)
if not HOGO_BASE_URL_SET:
    HOGO_BASE_URL = "http://127.0.0.1:8000"

# Audit chain anchors
# The daily verification keeps the chain's head (its anchor) in this directory: put it on
# another disk or machine (a mounted share), never beside the database it vouches for. Unset,
# it stays in HOGO_DATA_DIR and `hogo check` / `hogo audit verify` say so.
HOGO_AUDIT_ANCHOR_DIR = os.environ.get("HOGO_AUDIT_ANCHOR_DIR") or None
# Failed log-ins per client address: past this many in a window, that address is refused
# log-in (any name) until the window ends. Failures for unknown names are summarised in one
# audit entry per window (per address, at most this many addresses, the rest as "other").
HOGO_LOGIN_WINDOW_MINUTES = int(os.environ.get("HOGO_LOGIN_WINDOW_MINUTES", "15"))
HOGO_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("HOGO_LOGIN_FAILURES_PER_ADDRESS", "50"))
HOGO_LOGIN_TRACKED_ADDRESSES = int(os.environ.get("HOGO_LOGIN_TRACKED_ADDRESSES", "200"))
