"""Settings for Actieplanmonitor.

One file, every value read from the environment once, with a typed default.
The defaults are the safe production ones; ``make run`` exports development values.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- Environment -----------------------------------------------------------------------
DEBUG: bool = env_bool("DEBUG", False)
SECRET_KEY: str = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105
ALLOWED_HOSTS: list[str] = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env_list("CSRF_TRUSTED_ORIGINS", [])
DATABASE_URL: str = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'actieplanmonitor.sqlite3'}")
REDIS_URL: str = env_str("REDIS_URL", "")
PORT: int = env_int("PORT", 8000)
# HTTPS hardening; on by default, ``make run`` switches it off for http://127.0.0.1.
SECURE: bool = env_bool("SECURE", not DEBUG)
DEMO_PASSWORD: str = env_str("DEMO_PASSWORD", "demo")
EMAIL_BACKEND_PATH: str = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_URL_HOST: str = env_str("EMAIL_HOST", "localhost")
EMAIL_URL_PORT: int = env_int("EMAIL_PORT", 25)
MAILERS = {
    "default": {
        "BACKEND": EMAIL_BACKEND_PATH,
        **(
            {"OPTIONS": {"host": EMAIL_URL_HOST, "port": EMAIL_URL_PORT}}
            if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL: str = env_str("DEFAULT_FROM_EMAIL", "actieplanmonitor@localhost")
# The application's own address, for the links in mails (no trailing slash).
SITE_URL: str = env_str("SITE_URL", f"http://127.0.0.1:{PORT}")
# When beat sends the day's reminders, escalations and digests (Europe/Brussels, HH:MM).
REMINDERS_AT: dt.time = dt.time.fromisoformat(env_str("REMINDERS_AT", "07:00"))

# --- Applications ----------------------------------------------------------------------
INSTALLED_APPS = [
    "actionplan.apps.ProductAdminConfig",  # django.contrib.admin with the product's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "simple_history",
    "actionplan",
    "notifications",
    "fiches",
    "indicators",
    "planning",
    "exchange",
    "consultation",
    "evaluations",
    "worklist",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the user's own choice decides, not the browser's.
    "actionplan.middleware.InterfaceLanguageMiddleware",
    "actionplan.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "actionplan.urls"
WSGI_APPLICATION = "actionplan.wsgi.application"
AUTH_USER_MODEL = "actionplan.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actionplan.context_processors.navigation",
            ],
            # |day, |moment and |person: dates and people read the same on every page.
            "builtins": ["actionplan.templatetags.display"],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Celery worker and web server share the file: wait instead of failing on a lock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "actionplan:overview"
LOGOUT_REDIRECT_URL = "login"

# --- Logins ----------------------------------------------------------------------------
# django-axes counts failed logins (page, admin and API token) per user name *and* client
# address: after LOGIN_FAILURE_LIMIT failures that pair is locked for LOGIN_LOCKOUT_MINUTES
# (429 with a Dutch message). Another address, or another user at the same address, can
# still sign in, so nobody can lock a colleague out from afar. Attempts live in the
# database (admin: Axes, for AJH); actionplan/logins.py answers the lockout.
LOGIN_FAILURE_LIMIT: int = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_MINUTES: int = env_int("LOGIN_LOCKOUT_MINUTES", 15)
# Reverse proxies in front of the application that append to X-Forwarded-For (the same
# proxy that sets X-Forwarded-Proto, see SECURE_PROXY_SSL_HEADER). 0: the client address is
# REMOTE_ADDR and X-Forwarded-For is ignored, so a client cannot pick its own address.
# Behind one proxy set 1: otherwise every client has the proxy's address.
TRUSTED_PROXIES: int = env_int("TRUSTED_PROXIES", 0)
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out pair
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = dt.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# A lockout lasts LOGIN_LOCKOUT_MINUTES from the failure that caused it: trying again while
# locked does not extend it. A successful login forgets earlier failures.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The lockout warning in the log names the user name and address (passwords are always
# masked); axes would mask both by default.
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "actionplan.logins.lockout_response"
# One rule for the client address, shared with the API throttle (NUM_PROXIES below).
AXES_CLIENT_IP_CALLABLE = "actionplan.logins.client_ip"
# actionplan/admin.py registers the attempts and logs, readable by AJH.
AXES_ENABLE_ADMIN = False
# API tokens (django-rest-knox): stored as a hash, valid API_TOKEN_HOURS, revocable by their
# owner (/accounts/api-sleutels/, POST /api/v1/auth/logout/ and logout-all/).
API_TOKEN_HOURS: int = env_int("API_TOKEN_HOURS", 8)
# POST /api/v1/auth/token/ per client address, on top of the lockout per user and address.
API_TOKEN_RATE: str = env_str("API_TOKEN_RATE", "10/min")
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",  # the header clients already send
    "AUTO_REFRESH": False,
}

# --- Internationalisation --------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("Engels"))]
LOCALE_PATHS = [BASE_DIR / "locale"]  # locale/en: `make messages`, compiled by `make install`
# A visitor's choice of language (the switch on the login page); a signed-in user's choice
# is User.language. Read by actionplan.middleware.InterfaceLanguageMiddleware.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_HTTPONLY = True
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Stakeholder input: the largest PDF accepted, per file (consultation/services.py).
CONSULTATION_UPLOAD_MAX_BYTES: int = env_int("CONSULTATION_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Security --------------------------------------------------------------------------
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31_536_000 if SECURE else 0
# Both bind the whole parent domain (every sibling site must then speak HTTPS, and preload
# cannot be undone quickly): only when the deployment asks for them.
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE and env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = SECURE and env_bool("HSTS_PRELOAD", False)
# check --deploy warns about the two above; they are a choice of the deployment, not an
# oversight (see HSTS_INCLUDE_SUBDOMAINS and HSTS_PRELOAD in the README).
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- REST API --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous call then gets 401 with WWW-Authenticate, not 403.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["actionplan.filters.FilterBackend"],
    # JSON with a nesting limit, forms and multipart with Dutch refusals (actionplan/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "actionplan.parsers.JSONParser",
        "actionplan.parsers.FormParser",
        "actionplan.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "actionplan.schema.AutoSchema",
    "EXCEPTION_HANDLER": "actionplan.api_errors.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_THROTTLE_RATES": {"auth-token": API_TOKEN_RATE},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Actieplanmonitor API",
    "DESCRIPTION": "Vlaams actieplan ter bestrijding van gendergerelateerd geweld 2025-2029",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "RoundStatusEnum": "fiches.models.RoundStatus",
        "ReportStatusEnum": "evaluations.models.ReportStatus",
        "FicheStateEnum": "fiches.models.FicheState",
        "PlanVersionStateEnum": "planning.models.VersionState",
        "ChangeRequestStateEnum": "planning.models.RequestState",
        "ChangeKindEnum": "planning.models.ChangeKind",
        "ConsultationKindEnum": "consultation.models.ConsultationKind",
        "ConsultationStateEnum": "consultation.models.ConsultationState",
        "FollowUpStateEnum": "consultation.models.FollowUpState",
        "EvaluationKindEnum": "consultation.models.EvaluationKind",
    },
}

# --- Cache -----------------------------------------------------------------------------
# Holds rendered dashboard panels under a key made from the data they show
# (evaluations/dashboard.py), so a change shows on the next view: shared through Redis when
# configured, else per process.
DASHBOARD_CACHE_SECONDS: int = env_int("DASHBOARD_CACHE_SECONDS", 600)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "apm",
            # An unreachable cache must not hold a page up: give up fast, compute instead.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "actieplanmonitor",
        }
    }

# --- Celery ----------------------------------------------------------------------------
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        # Above the longest hard time limit, so that a late-acked job is not redelivered
        # while it still runs.
        "visibility_timeout": 3600,  # > REPORT_TIME_LIMIT and CELERY_TASK_TIME_LIMIT
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 512_000  # KiB
CELERY_TASK_SOFT_TIME_LIMIT = 600
CELERY_TASK_TIME_LIMIT = 900
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Report jobs: a 200-action report takes well under a minute; the hard limit leaves room.
REPORT_SOFT_TIME_LIMIT: int = env_int("REPORT_SOFT_TIME_LIMIT", 540)
REPORT_TIME_LIMIT: int = env_int("REPORT_TIME_LIMIT", 600)
REPORT_QUEUE_TIMEOUT: int = env_int("REPORT_QUEUE_TIMEOUT", 3600)
# A running report writes a sign of life every REPORT_HEARTBEAT_TIMEOUT / 5 seconds; one
# silent for longer is dead: the beat task below marks it failed (and queues it again
# once), so a killed worker's report is failed within timeout + 30 s, under two minutes.
REPORT_HEARTBEAT_TIMEOUT: int = env_int("REPORT_HEARTBEAT_TIMEOUT", 75)
CELERY_BEAT_SCHEDULE = {
    # Reads never write: dead report jobs are marked failed here (pages show them so already).
    "mark-stale-reports": {"task": "evaluations.tasks.mark_stale_reports", "schedule": 30.0},
    # Mails of notifications that could not be queued at once (broker down) or failed.
    "deliver-mail": {"task": "notifications.tasks.deliver_mail", "schedule": 60.0},
    # Once a day: what is due (idempotent, so a second run that day sends nothing).
    "send-reminders": {
        "task": "fiches.tasks.send_reminders",
        "schedule": crontab(hour=REMINDERS_AT.hour, minute=REMINDERS_AT.minute),
    },
}
CELERY_TIMEZONE = TIME_ZONE
# Jobs are published while the request waits (actionplan/jobs.py): a broker that does not
# answer within this many seconds makes the request answer 503, and /healthz say so.
BROKER_TIMEOUT: float = env_float("BROKER_TIMEOUT", 0.5)

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint announces every page it lays out; the report row shows progress instead.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
