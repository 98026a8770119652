"""Django settings: every value from the environment, with an embedded default.

With nothing set, the gateway runs on SQLite (``db.sqlite3`` in the project), the
local-memory cache and in-process guards. ``DJANGO_ENV=production`` turns on the
start-up checks in :mod:`aiguardian.config`. When ``AWS_SECRETS_ENABLED=true`` the
AWS Secrets Manager secret is overlaid on the environment before anything is read.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import environ

from aiguardian import config
from aiguardian.secrets import apply_aws_secrets

BASE_DIR = Path(__file__).resolve().parent.parent

# Secrets first: everything below may come from them.
try:
    apply_aws_secrets()
except Exception as exc:  # noqa: BLE001 - turn any failure into one clear line
    config.fail(str(exc))

env = environ.Env()

DJANGO_ENV = env.str("DJANGO_ENV", default="development").lower()
IS_PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=config.INSECURE_DEFAULT_SECRET_KEY)
# Previous keys still validate sessions and signed values after a rotation (rotate_secrets).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "aiguardian.api.csrf_failure"  # JSON on /api/ paths

if IS_PRODUCTION:
    config.check_production(secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS, debug=DEBUG)

SERVICE_NAME = "codeguardians-gateway"
GUARD_SERVICE_NAME = env.str("GUARD_SERVICE_NAME", default="")  # set when running as a guard service
# /health/ready's own deadline: a dependency that has not answered by then (frozen) is not ready.
HEALTH_READY_TIMEOUT = env.float("HEALTH_READY_TIMEOUT", default=1.5)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_prometheus",
    "aiguardian",
    "accounts",
    "billing",
    "guards",
    "policy",
    "console",
]

MIDDLEWARE = [
    "aiguardian.metrics_middleware.BeforeMiddleware",
    "aiguardian.middleware.RequestIdMiddleware",
    "aiguardian.middleware.ChunkedBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aiguardian.middleware.CommonMiddleware",  # Django's, health probes exempt from the host check
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "aiguardian.middleware.MessageMiddleware",  # Django's, the storage built on first use
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "aiguardian.metrics_middleware.AfterMiddleware",
]

ROOT_URLCONF = "aiguardian.urls"
WSGI_APPLICATION = "aiguardian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "aiguardian" / "templates"],
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

# --- Database -------------------------------------------------------------------------
DATABASE_URL = config.normalise_database_url(env.str("DATABASE_URL", default=""))
if DATABASE_URL.startswith("sqlite://"):
    # sqlite:///relative/path or sqlite:////absolute/path: the embedded default, at that file.
    DATABASES = {"default": {"ENGINE": "django_prometheus.db.backends.sqlite3",
                             "NAME": config.sqlite_path_of(DATABASE_URL, base_dir=BASE_DIR)}}
elif DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
else:
    DATABASES = {
        "default": {
            "ENGINE": "django_prometheus.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The console dashboard's covering index (INCLUDE columns) is PostgreSQL's; the embedded
# SQLite (make run) keeps its key columns only, which is all a demo needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"] if "sqlite" in DATABASES["default"]["ENGINE"] else []
# Where `manage.py demo_setup` (make run) keeps the one demo API key between runs.
DEMO_KEY_FILE = env.str("DEMO_KEY_FILE", default=str(BASE_DIR / ".demo-api-key"))

# --- Cache ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="aig")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Fails fast while Redis is down and probes it in the background (aiguardian/redis_outage.py).
                "CONNECTION_POOL_CLASS": "aiguardian.redis_outage.FailFastConnectionPool",
                # redis-py picks the hiredis parser by itself when hiredis is installed.
                "CONNECTION_POOL_KWARGS": {
                    "max_connections": env.int("REDIS_MAX_CONNECTIONS", default=50),
                    "retry_on_timeout": True,
                    "health_check_interval": 30,
                },
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=2.0),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=2.0),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "aiguardian",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# --- Auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- i18n / static --------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Development serves straight from the apps' static folders; no collectstatic needed. The
# (empty) folder still has to exist, or WhiteNoise warns about it on every start.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
if not IS_PRODUCTION:
    with contextlib.suppress(OSError):
        Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if IS_PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)  # the ALB terminates TLS
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Load balancers and container runtimes probe over plain HTTP (aiguardian.middleware.CommonMiddleware).
SECURE_REDIRECT_EXEMPT = [r"^health/(live|ready)$"]
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
# JSON bodies may nest objects/arrays at most this deep (400 beyond; aiguardian/input_rules.py).
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)

# --- CORS -------------------------------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list("ALLOWED_ORIGINS", default=[])
CORS_ALLOW_HEADERS = (
    "accept", "authorization", "content-type", "user-agent", "x-api-key", "x-request-id",
)
CORS_EXPOSE_HEADERS = ("x-request-id", "retry-after")

# --- DRF / OpenAPI ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["aiguardian.input_rules.CheckedJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "aiguardian.negotiation.JSONContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "aiguardian.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AIGuardian API",
    "DESCRIPTION": "Multi-tenant AI-safety gateway: guard processing, discovery and key management.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two choice sets share the field name "mode": a guard's configured mode and a request's dry run.
    "ENUM_NAME_OVERRIDES": {"GuardModeEnum": ["enforce", "monitor", "off"], "RequestModeEnum": ["enforce", "monitor"]},
    # Guard payload/result schemas come from each guard's declaration (guards/openapi.py).
    "POSTPROCESSING_HOOKS": ["guards.openapi.name_guard_variants", "drf_spectacular.hooks.postprocess_schema_enums",
                             "guards.openapi.add_guard_components", "aiguardian.openapi.document_common_errors"],
}

# --- Metrics ------------------------------------------------------------------------------------
PROMETHEUS_METRIC_NAMESPACE = "aiguardian"
# Before any app registers a metric: every process that runs Django needs the directory.
config.ensure_metrics_dir(env.str("PROMETHEUS_MULTIPROC_DIR", default=""))

# --- Logging ----------------------------------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if IS_PRODUCTION else "text")
LOGGING = config.logging_config(level=LOG_LEVEL, fmt=LOG_FORMAT)

# --- Guards -----------------------------------------------------------------------------------
GUARD_MAX_REQUEST_BYTES = env.int("GUARD_MAX_REQUEST_BYTES", default=1024 * 1024)  # 413 above this
# Shared secret the gateway sends to guard services (header X-Guard-Service-Token); a guard
# service refuses to start without it.
GUARD_SERVICE_TOKEN = env.str("GUARD_SERVICE_TOKEN", default="")
GUARD_BREAKER_FAILURES = env.int("GUARD_BREAKER_FAILURES", default=5)  # failures in the window -> open
GUARD_BREAKER_WINDOW_SECONDS = env.int("GUARD_BREAKER_WINDOW_SECONDS", default=30)
GUARD_BREAKER_COOLDOWN_SECONDS = env.float("GUARD_BREAKER_COOLDOWN_SECONDS", default=15.0)  # open -> half-open
GUARD_CONFIG_CACHE_SECONDS = env.int("GUARD_CONFIG_CACHE_SECONDS", default=300)
GUARD_HEALTH_CACHE_SECONDS = env.int("GUARD_HEALTH_CACHE_SECONDS", default=10)
GUARD_SCAN_MAX_WORKERS = env.int("GUARD_SCAN_MAX_WORKERS", default=6)
# Input budget: characters of text an analyzer reads per call (per-guard values override the
# default; tokenguard counts whole texts cheaply), and what happens beyond it: "truncate"
# (analyse the start, add an input_truncated finding, decision at least flag) or "reject" (413).
GUARD_MAX_ANALYSED_CHARS = env.int("GUARD_MAX_ANALYSED_CHARS", default=200_000)
try:
    GUARD_MAX_ANALYSED_CHARS_BY_GUARD = {
        k: int(v) for k, v in env.dict("GUARD_MAX_ANALYSED_CHARS_BY_GUARD", default={"tokenguard": "1048576"}).items()
    }
except ValueError:
    config.fail("GUARD_MAX_ANALYSED_CHARS_BY_GUARD: expected guard=characters pairs, e.g. tokenguard=1048576")
# Texts longer than this are analysed in a forked child the worker kills at the request's
# deadline (even inside C code); shorter ones inline, stopped in-thread. 0: never fork.
# tokenguard's counting is linear native code: never forked by default.
GUARD_ISOLATE_ABOVE_CHARS = env.int("GUARD_ISOLATE_ABOVE_CHARS", default=20_000)
try:
    GUARD_ISOLATE_ABOVE_CHARS_BY_GUARD = {
        k: int(v) for k, v in env.dict("GUARD_ISOLATE_ABOVE_CHARS_BY_GUARD", default={"tokenguard": "0"}).items()
    }
except ValueError:
    config.fail("GUARD_ISOLATE_ABOVE_CHARS_BY_GUARD: expected guard=characters pairs, e.g. tokenguard=0")
GUARD_OVERSIZE_POLICY = env.str("GUARD_OVERSIZE_POLICY", default="truncate")
if GUARD_OVERSIZE_POLICY not in ("truncate", "reject"):
    config.fail(f"GUARD_OVERSIZE_POLICY: must be truncate or reject, not {GUARD_OVERSIZE_POLICY!r}")
GUARD_AUDIT_ASYNC = env.bool("GUARD_AUDIT_ASYNC", default=True)  # spool audit rows; a thread stores them
GUARD_AUDIT_RETENTION_DAYS = env.int("GUARD_AUDIT_RETENTION_DAYS", default=90)
# Where each worker spools audit entries before they reach PostgreSQL (one sub-directory per
# database, so two deployments sharing a disk never replay into each other's database).
GUARD_SPOOL_DIR = env.str("GUARD_SPOOL_DIR", default=str(Path(tempfile.gettempdir()) / "aiguardian-spool"))

# --- Tenant policy (modes, lists, feedback, history) -------------------------------------------
# Key of the finding fingerprints' HMAC. Changing it changes every fingerprint (allowlisted
# fingerprints stop matching), so it defaults to a value derived from SECRET_KEY once.
POLICY_FINGERPRINT_KEY = env.str("POLICY_FINGERPRINT_KEY", default="") or f"fingerprint:{SECRET_KEY}"
POLICY_MAX_LIST_ENTRIES = env.int("POLICY_MAX_LIST_ENTRIES", default=500)  # per tenant
POLICY_REGEX_MAX_LENGTH = env.int("POLICY_REGEX_MAX_LENGTH", default=256)  # characters of a tenant regex
POLICY_REGEX_MAX_MEMORY = env.int("POLICY_REGEX_MAX_MEMORY", default=1 << 20)  # bytes RE2 may use per regex
POLICY_SCAN_MAX_CHARS = env.int("POLICY_SCAN_MAX_CHARS", default=200_000)  # text the blocklist reads
POLICY_AUDIT_MAX_FINDINGS = env.int("POLICY_AUDIT_MAX_FINDINGS", default=100)  # fingerprints kept per row

# --- Billing ------------------------------------------------------------------------------------
BILLING_DEFAULT_PLAN = env.str("BILLING_DEFAULT_PLAN", default="free")
STRIPE_API_KEY = env.str("STRIPE_API_KEY", default="")
# Calls to Stripe (checkout, portal, meter events, plan sync). Off, or no key: those
# endpoints answer 503 billing_not_configured and the rest of the gateway is unaffected.
STRIPE_ENABLED = env.bool("STRIPE_ENABLED", default=True)
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")  # a local fake in tests
STRIPE_TIMEOUT = env.float("STRIPE_TIMEOUT", default=10.0)  # seconds per HTTP attempt
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
STRIPE_METER_EVENT_NAME = env.str("STRIPE_METER_EVENT_NAME", default="aiguardian_guard_requests")
BILLING_GRACE_DAYS = env.int("BILLING_GRACE_DAYS", default=7)  # past_due keeps the paid limits this long
BILLING_RETURN_URL = env.str("BILLING_RETURN_URL", default="")  # the app's billing page (Checkout/Portal return)
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)  # seconds, both ways
# Redis down: admit on per-worker windows and PostgreSQL figures (true), or answer 503 (false).
THROTTLE_FAIL_OPEN = env.bool("THROTTLE_FAIL_OPEN", default=True)

# --- Accounts ------------------------------------------------------------------------------------
# HMAC peppers for API keys (comma-separated; the first hashes new keys, the others still
# verify during a rotation). Kept apart from SECRET_KEY and never in the database.
_DEV_API_KEY_PEPPER = "aiguardian-development-api-key-pepper-not-for-production"
API_KEY_PEPPERS = [p.strip() for p in env.list("API_KEY_PEPPERS", default=[]) if p.strip()]
# A standalone guard service never sees API keys, so it does not need the pepper.
if IS_PRODUCTION and not GUARD_SERVICE_NAME and (not API_KEY_PEPPERS or any(len(p) < 32 or p == _DEV_API_KEY_PEPPER for p in API_KEY_PEPPERS)):
    config.fail("API_KEY_PEPPERS: required in production (comma-separated random values, each at least 32 characters)")
API_KEY_PEPPERS = API_KEY_PEPPERS or [_DEV_API_KEY_PEPPER]
API_KEY_CACHE_TTL = env.int("API_KEY_CACHE_TTL", default=300)  # seconds; writes invalidate at once
API_KEY_NEGATIVE_CACHE_TTL = env.int("API_KEY_NEGATIVE_CACHE_TTL", default=60)  # unknown prefixes
API_KEY_LAST_USED_INTERVAL = env.int("API_KEY_LAST_USED_INTERVAL", default=60)  # at most one write a minute
CLERK_WEBHOOK_SECRET = env.str("CLERK_WEBHOOK_SECRET", default="")  # whsec_…; empty: webhooks answer 503
CLERK_JWKS_URL = env.str("CLERK_JWKS_URL", default="")  # empty: Clerk sign-in is off
CLERK_ISSUER = env.str("CLERK_ISSUER", default="")
CLERK_AUTHORIZED_PARTIES = env.list("CLERK_AUTHORIZED_PARTIES", default=[])
CLERK_JWKS_CACHE_SECONDS = env.int("CLERK_JWKS_CACHE_SECONDS", default=300)
CLERK_JWKS_TIMEOUT = env.float("CLERK_JWKS_TIMEOUT", default=5.0)
CLERK_JWT_LEEWAY = env.int("CLERK_JWT_LEEWAY", default=5)  # seconds of clock skew
if IS_PRODUCTION and CLERK_JWKS_URL and not CLERK_ISSUER:
    config.fail("CLERK_ISSUER: required in production when CLERK_JWKS_URL is set")
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "accounts.authentication.APIKeyAuthentication",
    "accounts.authentication.ClerkJWTAuthentication",
]

# --- Serving ---------------------------------------------------------------------------------
# Load every in-process guard's models when a worker starts (slower boot, no slow first request).
GUARDS_WARM_UP = env.bool("GUARDS_WARM_UP", default=IS_PRODUCTION)

# --- Retention -----------------------------------------------------------------------------------
# Processed webhook payloads (Clerk's carry e-mail addresses) are kept this long (prune_webhook_events).
WEBHOOK_EVENT_RETENTION_DAYS = env.int("WEBHOOK_EVENT_RETENTION_DAYS", default=30)
