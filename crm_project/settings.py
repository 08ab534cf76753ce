"""One settings module, read from the environment.

Without any environment the CRM runs embedded: SQLite, a local-memory cache
and Celery on kombu's filesystem transport (worker and beat in one process).
With DATABASE_URL=postgres://... and REDIS_URL=redis://... it runs on
PostgreSQL, Redis, a Celery worker and Celery beat.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("CRM_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="insecure-embedded-default-change-me-in-production-" + "x" * 20,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "core.admin_site.CrmAdminConfig",  # django.contrib.admin, hardened against hostile query strings
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "guardian",
    "mptt",
    "anymail",
    "axes",
    "core",
    "ops",
    "auditlog",
    "companies",
    "partners",
    "contacts",
    "events",
    "orders",
    "communications",
    "receivables",
    "erp_sync",
    "search",
    "team",
    "webhooks",
    "imports",
    "home",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]
# Development tools (simulators, mail sink, `seed_demo`, `generate_data`; no product app imports them).
# Installed unless CRM_DEVTOOLS=false, which the production image sets (it leaves the package out).
if env.bool("CRM_DEVTOOLS", default=True):
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.StripNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.audit.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "companies.middleware.ActiveCompanyMiddleware",
    "crm_project.language.CompanyLanguageMiddleware",  # the company's language until the member chooses
    "events.middleware.MeetingBlockMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Audit trail (django-auditlog, see core/audit.py): entries carry the request id of the logs.
AUDITLOG_CID_GETTER = "core.request_id.get_request_id"

ROOT_URLCONF = "crm_project.urls"
# Form widgets render through TEMPLATES, so templates/django/forms/ can replace Django's own (select.html).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "crm_project.wsgi.application"

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
                "django.template.context_processors.i18n",
                "companies.context_processors.active_company",
                "crm_project.navigation.navigation",  # the sidebar and user menu (issue 18)
            ],
        },
    },
]

# Database: embedded SQLite unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# With persistent connections (CONN_MAX_AGE > 0, e.g. 60 under gunicorn), a reused connection is checked
# before its first query in a request, so a restarted database does not turn the next request into a 500.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=False))
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the embedded worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "init_command", "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;"
    )
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",  # Django's, reusing its Redis clients
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="crm"),
        }
    }
    # Sessions are read from Redis on every page and written through to the database, so a Redis
    # restart logs nobody out.
    SESSION_ENGINE = "core.sessions"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_USER_MODEL = "companies.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row

# Internationalisation: English, Hungarian, Bulgarian.
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("hu", _("Hungarian")), ("bg", _("Bulgarian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# A member's language is their company's until they choose one (crm_project/language.py).
LANGUAGE_FOLLOWS_COMPANY = env.bool("LANGUAGE_FOLLOWS_COMPANY", default=True)
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Budapest")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
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
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# E-mail: console by default; any SMTP server or anymail ESP by setting.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# The Resend backend moved from core to ops (issue 16): an .env written before the move keeps sending.
EMAIL_BACKEND = {"core.mail.ResendEmailBackend": "ops.mail.ResendEmailBackend"}.get(
    EMAIL_BACKEND, EMAIL_BACKEND
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# A send must end well within the outbox lease (ops/outbox.py, 2 minutes).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="crm@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ANYMAIL = {
    # "user:password" for the basic auth the ESP's webhooks must send; without it webhooks are refused.
    "WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET", default=""),
    # EMAIL_BACKEND=ops.mail.ResendEmailBackend (sends idempotency keys); the URL may point at the
    # local sink, `python -m devtools.mailsink` (docs/adr/0002-exactly-once-mail.md).
    "RESEND_API_KEY": env.str("ANYMAIL_RESEND_API_KEY", default=""),
    "RESEND_API_URL": env.str("ANYMAIL_RESEND_API_URL", default="https://api.resend.com/"),
    "REQUESTS_TIMEOUT": EMAIL_TIMEOUT,
}
# Which ESPs' tracking webhooks are exposed under /anymail/<esp>/tracking/ (anymail names).
ANYMAIL_TRACKING_ESPS = env.list("ANYMAIL_TRACKING_ESPS", default=["postmark"])

# Celery: filesystem transport when there is no Redis, so periodic jobs
# really run on a bare machine (`celery worker -B`, one process).
CELERY_BROKER_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any countdown (retries back off to at most an hour). A dead worker's unacked
        # tasks return after it, found by a worker's sweep every interval x throttle seconds; the
        # chaos test shortens all three so they return within seconds.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=6 * 3600),
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    # kombu's filesystem transport does not create its folders.
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "ops.beat:SlotScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Two queues, each with its own worker (./run, docker-compose.yml, docs/deployment.md), so mass mail
# never delays interactive work: "celery" (the default) for pushes to the ERP, reminders,
# notifications, calendar sync, the heartbeat and the outbox sweeps; "bulk" for mass mail (GDPR
# notices, dunning letters, rate-limited per worker) and the long batch jobs that make it (the ERP
# import, the daily dunning run). A worker started without -Q consumes only "celery".
CELERY_TASK_DEFAULT_QUEUE = "celery"
BULK_QUEUE = "bulk"
BULK_MAIL_RATE_LIMIT = env.str("BULK_MAIL_RATE_LIMIT", default="10/s")  # per bulk worker; "" = none
CELERY_TASK_ROUTES = {
    "contacts.tasks.send_gdpr_notice": {"queue": BULK_QUEUE},
    "receivables.tasks.send_dunning_letter": {"queue": BULK_QUEUE},
    "erp_sync.tasks.send_gdpr_notices": {"queue": BULK_QUEUE},
    "erp_sync.tasks.import_from_erp": {"queue": BULK_QUEUE},
    "receivables.tasks.run_daily_dunning": {"queue": BULK_QUEUE},
}
CELERY_TASK_ANNOTATIONS = {
    "contacts.tasks.send_gdpr_notice": {"rate_limit": BULK_MAIL_RATE_LIMIT or None},
    "receivables.tasks.send_dunning_letter": {"rate_limit": BULK_MAIL_RATE_LIMIT or None},
}

# Security. Production (DEBUG off) gets secure cookies and HSTS; the embedded
# demo on http://127.0.0.1 sets SECURE_COOKIES=false through ./run.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_COOKIES)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_COOKIES else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env.list("SILENCED_SYSTEM_CHECKS", default=[])
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # models.W040 "SQLite does not support indexes with non-key columns": the covering indexes
    # (Index(include=...)) are for PostgreSQL; SQLite, the embedded default of ./run, builds them
    # without the extra columns, by design. Every other check, and W040 on any other engine, stays.
    SILENCED_SYSTEM_CHECKS.append("models.W040")

LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Login throttling (django-axes): 5 failures lock the username and, separately, the address for 15
# minutes; the lockout page is the same whether the user exists or not. Behind a reverse proxy set
# TRUST_X_FORWARDED_FOR=true, or every user shares the proxy's address.
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=False)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.request_id.client_ip"

# CRM rules
CRM_PAGE_SIZE = env.int("CRM_PAGE_SIZE", default=25)
FORMAT_MODULE_PATH = ["crm_project.formats"]

# Company-information service (Bisnode, SOAP). The demo run starts the local simulator on 8099.
BISNODE_WSDL = env.str("BISNODE_WSDL", default=str(BASE_DIR / "partners" / "bisnode" / "service.wsdl"))
BISNODE_ENDPOINT = env.str("BISNODE_ENDPOINT", default="http://127.0.0.1:8099/soap")
BISNODE_TIMEOUT = env.float("BISNODE_TIMEOUT", default=4.0)
BISNODE_CACHE_SECONDS = env.int("BISNODE_CACHE_SECONDS", default=86400)

# Sales roles (permission group names). Members who have a meeting that ended this many working days
# ago and is still open can do nothing else until they close it; their partners need a next event.
SALES_ROLES = env.list("SALES_ROLES", default=["Sales"])
MEETING_CLOSE_GRACE_WORKING_DAYS = env.int("MEETING_CLOSE_GRACE_WORKING_DAYS", default=2)
# Every partner needs a next event: after this many days on the list it goes to the supervisor
# ("supervisor") or to nobody ("pool").
NEXT_EVENT_TAKEAWAY_DAYS = env.int("NEXT_EVENT_TAKEAWAY_DAYS", default=30)
NEXT_EVENT_TAKEAWAY_TO = env.str("NEXT_EVENT_TAKEAWAY_TO", default="supervisor")
# Reminders that were due more than this many minutes ago when delivered are marked late.
REMINDER_LATE_AFTER_MINUTES = env.int("REMINDER_LATE_AFTER_MINUTES", default=5)
CRM_BASE_URL = env.str("CRM_BASE_URL", default="http://127.0.0.1:8000")

# Google Calendar (OAuth 2.0 web flow). Empty client id: the connect button explains it is not set up.
GOOGLE_OAUTH_CLIENT_ID = env.str("GOOGLE_OAUTH_CLIENT_ID", default="")
GOOGLE_OAUTH_CLIENT_SECRET = env.str("GOOGLE_OAUTH_CLIENT_SECRET", default="")
GOOGLE_CALENDAR_API_ENDPOINT = env.str("GOOGLE_CALENDAR_API_ENDPOINT", default="")
GOOGLE_OAUTH_AUTH_URI = env.str("GOOGLE_OAUTH_AUTH_URI", default="https://accounts.google.com/o/oauth2/auth")
GOOGLE_OAUTH_TOKEN_URI = env.str("GOOGLE_OAUTH_TOKEN_URI", default="https://oauth2.googleapis.com/token")
GOOGLE_OAUTH_REVOKE_URI = env.str("GOOGLE_OAUTH_REVOKE_URI", default="https://oauth2.googleapis.com/revoke")
# Encrypts stored OAuth tokens (Fernet). Set it explicitly in production: when empty it is derived from
# SECRET_KEY, and changing SECRET_KEY would then make stored tokens unreadable.
CRM_ENCRYPTION_KEY = env.str("CRM_ENCRYPTION_KEY", default="")

# Attachments: size limit and allowed types (file name extensions).
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
ATTACHMENT_ALLOWED_EXTENSIONS = set(
    env.list(
        "ATTACHMENT_ALLOWED_EXTENSIONS",
        default=[
            "pdf",
            "doc",
            "docx",
            "xls",
            "xlsx",
            "ppt",
            "pptx",
            "odt",
            "ods",
            "txt",
            "csv",
            "rtf",
            "png",
            "jpg",
            "jpeg",
            "gif",
            "webp",
            "zip",
            "eml",
            "msg",
            "xml",
            "html",
            "svg",
        ],
    )
)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)

# ERP synchronisation. The demo run starts the local simulator on 8098 with this key.
ERP_CONNECTOR = env.str("ERP_CONNECTOR", default="http")
ERP_API_URL = env.str("ERP_API_URL", default="http://127.0.0.1:8098")
ERP_API_KEY = env.str("ERP_API_KEY", default="demo-erp-key")
ERP_SQL_DSN = env.str("ERP_SQL_DSN", default="")  # for ERP_CONNECTOR=sql: postgresql://user@host/erp
ERP_PAGE_SIZE = env.int("ERP_PAGE_SIZE", default=500)
ERP_TIMEOUT = env.float("ERP_TIMEOUT", default=30)
# The import's lease lock: short, renewed every ERP_LOCK_RENEW_SECONDS by the running import (a heartbeat
# thread and every page), so a killed import's lock runs out within ERP_LOCK_SECONDS and the next run
# takes over. A run whose pages make no progress for ERP_LOCK_STALL_SECONDS stops renewing (a hung
# run does not hold the lock forever).
ERP_LOCK_SECONDS = env.int("ERP_LOCK_SECONDS", default=90)
ERP_LOCK_RENEW_SECONDS = env.float("ERP_LOCK_RENEW_SECONDS", default=ERP_LOCK_SECONDS / 3)
ERP_LOCK_STALL_SECONDS = env.int("ERP_LOCK_STALL_SECONDS", default=15 * 60)

# REST API (/api/v1/, docs/api.md): personal tokens (Bearer) or the browser's session with CSRF, never
# anonymous; the pages' functions and visibility; cursor pages; one error shape; per-token rate limit
# on the shared cache.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=256 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "api.permissions.IsCompanyMember",
        "api.permissions.TokenScope",
        "api.permissions.HasFunction",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.str("API_RATE_LIMIT", default="600/minute")},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.ApiCursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRM API",
    "DESCRIPTION": "Partners, contacts, threads, communications, tasks, events, notifications, orders, "
    "products and invoices of one company, with the rules of the pages. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
