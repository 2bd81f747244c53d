"""Settings for the session-auth API: one module, every value from the environment.

Variables are named after Django's own settings (``SECRET_KEY``, ``DEBUG``, ``SESSION_ENGINE``, ...)
plus ``DATABASE_URL`` and ``REDIS_URL``. docs/configuration.md lists every one of them.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

import environ

from api_project import settings_stores
from api_project.settings_stores import fail

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()


# --- Core -------------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings

DEBUG = env.bool("DEBUG", default=False)


def _development_secret_key() -> str:
    """Return the per-checkout key kept in the git-ignored ``.secret_key`` file, making it once."""
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _weak_secret_key(key: str) -> bool:
    """Return whether ``check --deploy`` calls the key insecure (security.W009)."""
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        fail("SECRET_KEY is not set: export SECRET_KEY=<50+ random characters>, or DEBUG=1 for development.")
    SECRET_KEY = _development_secret_key()
elif _weak_secret_key(SECRET_KEY) and not DEBUG:
    fail(
        "SECRET_KEY is too weak (under 50 characters, under 5 distinct ones, or django-insecure-...): "
        "export SECRET_KEY=<50+ random characters>, or DEBUG=1 for development."
    )
# Old keys, while rotating: signatures and sessions made with them stay valid (comma-separated).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
ROOT_URLCONF = "api_project.urls"
WSGI_APPLICATION = "api_project.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts",
    "sessions_api",
]

# The least middleware the API needs, in an order that matters (docs/architecture.md, the request's path).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "api_project.middleware.allowed_hosts_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # only when an origin is allowed: see CORS below
    "sessions_api.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.AuthenticationMiddleware",
    "api_project.middleware.AdminMessageMiddleware",  # Django's, for the admin's pages only
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "api_project" / "templates"],
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

# --- Database ---------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases

DATABASES = {"default": settings_stores.database(env, base_dir=BASE_DIR)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASE_STATEMENT_TIMEOUT_MS = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=5000)
    DATABASE_REPLY_TIMEOUT = env.float(
        "DATABASE_REPLY_TIMEOUT", default=DATABASE_STATEMENT_TIMEOUT_MS / 1000 + 1
    )
    # Behind a pooler in transaction mode (PgBouncer pool_mode=transaction) no session state outlives a
    # transaction: the statement timeout cannot travel in the startup packet (PgBouncer refuses
    # `options`), so the role carries it and each new connection checks it does (api_project/db/base.py),
    # and Django's server-side cursors (DECLARE ... WITH HOLD) are off (docs/deployment.md, PgBouncer).
    DATABASE_TRANSACTION_POOLING = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
    settings_stores.configure_postgresql(
        env,
        DATABASES["default"],
        statement_timeout_ms=DATABASE_STATEMENT_TIMEOUT_MS,
        transaction_pooling=DATABASE_TRANSACTION_POOLING,
    )

# --- Cache (Redis) ----------------------------------------------------------------------------
# https://github.com/jazzband/django-redis#configure-as-cache-backend

REDIS_URL = env.str("REDIS_URL", default="")
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.5)
# The topology (api_project/redis_topology.py): one Redis, Sentinel, or Cluster.
REDIS_CLUSTER = env.bool("REDIS_CLUSTER", default=False)
REDIS_SENTINELS = env.list("REDIS_SENTINELS", default=[])
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="")
# Replicas that must hold a write the guarantees rest on before it is acknowledged (redis_replicas.py).
REDIS_MIN_REPLICAS = settings_stores.replicas(env.int("REDIS_MIN_REPLICAS", default=0))
_location, _topology_options = settings_stores.redis_location(
    url=REDIS_URL,
    cluster=REDIS_CLUSTER,
    sentinels=REDIS_SENTINELS,
    master=REDIS_SENTINEL_MASTER,
    key_prefix=env.str("CACHE_KEY_PREFIX", default="sessauth"),
)
REDIS_URL = _location  # under Sentinel, the master's name: "Redis is configured" wherever code asks
if REDIS_URL:
    CACHES = {
        "default": settings_stores.redis_cache(
            location=REDIS_URL,
            key_prefix=env.str("CACHE_KEY_PREFIX", default="sessauth"),
            timeout=REDIS_TIMEOUT_SECONDS,
            topology_options=_topology_options,
        )
    }
    # Seconds a copy of a registry entry or a user may stay in Redis (sessions_api/snapshots.py): every
    # write drops it at once; this only bounds what a bulk update of users typed in a shell could leave.
    AUTH_CACHE_TIMEOUT = env.int("AUTH_CACHE_TIMEOUT", default=300)
else:
    AUTH_CACHE_TIMEOUT = 0  # never in process memory: without Redis every auth check reads the database
    # Process-local: used for nothing that must be shared between workers (see throttling.py).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Sessions ---------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/http/sessions/

SESSION_ENGINES = {
    "db": "sessions_api.backends.db",
    "cache": "sessions_api.backends.cache",
    "cached_db": "sessions_api.backends.cached_db",
    "file": "sessions_api.backends.file",
    "signed_cookies": "sessions_api.backends.signed_cookies",
}
_engine = env.str("SESSION_ENGINE", default="db")
if _engine in SESSION_ENGINES:
    SESSION_ENGINE = SESSION_ENGINES[_engine]
elif "." in _engine:
    SESSION_ENGINE = _engine
else:
    fail(f"SESSION_ENGINE={_engine!r} is unknown: use one of {', '.join(SESSION_ENGINES)} or a dotted path.")
SESSION_ENGINE_NAME = next((k for k, v in SESSION_ENGINES.items() if v == SESSION_ENGINE), SESSION_ENGINE)
if SESSION_ENGINE_NAME in ("cache", "cached_db") and not REDIS_URL:
    fail(f"SESSION_ENGINE={SESSION_ENGINE_NAME} needs a cache: set REDIS_URL=redis://host:6379/0.")

SESSION_FILE_PATH = env.str("SESSION_FILE_PATH", default=str(BASE_DIR / "var" / "sessions"))
if SESSION_ENGINE_NAME == "file":
    Path(SESSION_FILE_PATH).mkdir(parents=True, exist_ok=True)
SESSION_SERIALIZER = "django.contrib.sessions.serializers.JSONSerializer"
SESSION_COOKIE_NAME = env.str("SESSION_COOKIE_NAME", default="sessionid")
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 3600)  # the idle timeout
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = env.str("SESSION_COOKIE_SAMESITE", default="Lax")
SESSION_COOKIE_PATH = "/"
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=False)
if SESSION_COOKIE_NAME.startswith("__Host-") and not SESSION_COOKIE_SECURE:
    fail("SESSION_COOKIE_NAME starts with __Host-, which browsers accept only with SESSION_COOKIE_SECURE=1.")

# Lifetimes beyond Django's own (seconds): the absolute lifetime of a signed-in session from login,
# the longest expiry an anonymous session may ask for, and how often activity renews the idle timeout.
SESSION_ABSOLUTE_AGE = env.int("SESSION_ABSOLUTE_AGE", default=30 * 24 * 3600)
SESSION_MAX_AGE = env.int("SESSION_MAX_AGE", default=30 * 24 * 3600)
SESSION_ACTIVITY_INTERVAL = env.int("SESSION_ACTIVITY_INTERVAL", default=60)
# Step-up: how recent a session's last password proof must be for the operations that can lock its
# owner out (revoking sessions); 0 switches step-up off.
REAUTH_MAX_AGE = env.int("REAUTH_MAX_AGE", default=300)
if REAUTH_MAX_AGE < 0:
    fail(f"REAUTH_MAX_AGE={REAUTH_MAX_AGE} is negative: give seconds, or 0 to switch step-up off.")
# A login is from a new device when its user has not logged in with its browser and OS for this many days.
NEW_DEVICE_WINDOW = env.int("NEW_DEVICE_WINDOW", default=90)
if NEW_DEVICE_WINDOW < 1:
    fail(f"NEW_DEVICE_WINDOW={NEW_DEVICE_WINDOW}: give a number of days, 1 or more.")

# Limits of the data endpoints; the signed_cookies engine has lower ones so its cookie stays < 4 KB.
SESSION_DATA_MAX_VALUE_BYTES = env.int("SESSION_DATA_MAX_VALUE_BYTES", default=16 * 1024)
SESSION_DATA_MAX_BYTES = env.int("SESSION_DATA_MAX_BYTES", default=64 * 1024)
SESSION_DATA_MAX_KEYS = env.int("SESSION_DATA_MAX_KEYS", default=256)
SIGNED_COOKIES_DATA_MAX_BYTES = env.int("SIGNED_COOKIES_DATA_MAX_BYTES", default=2048)
SIGNED_COOKIES_DATA_MAX_KEYS = env.int("SIGNED_COOKIES_DATA_MAX_KEYS", default=32)

# --- Security ---------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/security/ and `manage.py check --deploy`

CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SAMESITE = env.str("CSRF_COOKIE_SAMESITE", default="Lax")
CSRF_COOKIE_HTTPONLY = False  # single-page apps read it to send X-CSRFToken
CSRF_HEADER_NAME = "HTTP_X_CSRFTOKEN"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "api_project.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)

# https://github.com/adamchainz/django-cors-headers#configuration
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = ["accept", "content-type", "x-csrftoken", "x-session-token", "x-requested-with"]
CORS_EXPOSE_HEADERS = ["x-session-token", "retry-after"]
if not CORS_ALLOWED_ORIGINS:
    # With no origin allowed the middleware would only add "Vary: Origin", at a cost (docs/performance.md).
    MIDDLEWARE.remove("corsheaders.middleware.CorsMiddleware")

# --- Accounts ---------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/auth/passwords/

# Argon2 first; existing PBKDF2 hashes still verify and are upgraded at the next login.
PASSWORD_HASHERS = env.list(
    "PASSWORD_HASHERS",
    default=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ],
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["accounts.backends.ModelBackend"]
REGISTRATION_OPEN = env.bool("REGISTRATION_OPEN", default=True)
PASSWORD_MAX_LENGTH = 4096  # longer ones are refused before any hashing

# Failed password checks (API login, admin login, password change) allowed per username and per client
# address (IPv6: per /64) within the window (seconds).
LOGIN_FAILURES_PER_USERNAME = env.int("LOGIN_FAILURES_PER_USERNAME", default=10)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=100)
LOGIN_FAILURE_WINDOW = env.int("LOGIN_FAILURE_WINDOW", default=15 * 60)
# Registrations (each costs a password hash) allowed per client address within the window (seconds).
REGISTRATIONS_PER_ADDRESS = env.int("REGISTRATIONS_PER_ADDRESS", default=20)
REGISTRATION_WINDOW = env.int("REGISTRATION_WINDOW", default=3600)
# Django's admin (its login form goes through the same throttle); 0 serves no admin at all.
ADMIN_ENABLED = env.bool("ADMIN_ENABLED", default=True)
# How many X-Forwarded-For hops (reverse proxies) to believe; 0 means REMOTE_ADDR is the client.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# What the session registry keeps of the client's address: all of it, its network (IPv4 /24, IPv6 /48),
# or nothing. The login throttle counts by the address itself either way.
SESSION_RECORD_IP = env.str("SESSION_RECORD_IP", default="full")
if SESSION_RECORD_IP not in ("full", "truncated", "off"):
    fail(f"SESSION_RECORD_IP={SESSION_RECORD_IP!r} is unknown: use full, truncated or off.")

# --- E-mail (for an operator's receivers, e.g. new-device alerts; the service itself sends none) -----
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=5)  # a receiver sends inside the login's request
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")

# --- REST framework and the OpenAPI schema ---------------------------------------------------
# https://www.django-rest-framework.org/api-guide/settings/
# https://drf-spectacular.readthedocs.io/en/latest/settings.html

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["api_project.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api_project.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api_project.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": NUM_PROXIES,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Session-auth API",
    "DESCRIPTION": (BASE_DIR / "api_project" / "schema_description.md").read_text(),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "sessionCookie": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE_NAME},
            "sessionToken": {"type": "apiKey", "in": "header", "name": "X-Session-Token"},
            "csrfToken": {"type": "apiKey", "in": "header", "name": "X-CSRFToken"},
        }
    },
    "AUTHENTICATION_WHITELIST": [],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api_project.schema.postprocess_no_nul_in_strings",
        "api_project.schema.postprocess_links",
    ],
}

# --- Static files -----------------------------------------------------------------------------
# https://whitenoise.readthedocs.io/

STATIC_URL = "static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# The image sets WhiteNoise's CompressedManifestStaticFilesStorage (hashed names cached for a year,
# gzip made once at build time). It needs collectstatic before start, so it is not the default:
# `make run` and the tests serve the apps' files straight from the finders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True  # serve straight from the apps when collectstatic was not run

# --- Logging: one JSON line per audit event ---------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/logging/

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "api_project.logging.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": sys.stdout, "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": "WARNING"},  # the service's own warnings (store errors)
    "loggers": {
        "audit": {
            "handlers": ["stdout"],
            "level": env.str("AUDIT_LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
        "django": {
            "handlers": ["stdout"],
            "level": env.str("DJANGO_LOG_LEVEL", default="WARNING"),
            "propagate": False,
        },
        # Django logs every 4xx at WARNING: a signed-out visitor's 401, each refused login (which the
        # audit log already records). Errors of the service itself, 5xx, stay on.
        "django.request": {"level": env.str("DJANGO_REQUEST_LOG_LEVEL", default="ERROR")},
    },
}

# Swagger UI sends the CSRF token read from the cookie when each request leaves, not the one printed
# into the page: login rotates the token, and a stale one would make the next logout fail with 403.
CSRF_COOKIE_NAME = env.str("CSRF_COOKIE_NAME", default="csrftoken")
SPECTACULAR_SETTINGS["SWAGGER_UI_SETTINGS"] = """{
  deepLinking: true,
  requestInterceptor: (request) => {
    if (!["GET", "HEAD", "OPTIONS", undefined].includes(request.method)) {
      const match = document.cookie.match(/(?:^|;\\s*)COOKIE=([^;]+)/);
      if (match) { request.headers["X-CSRFToken"] = decodeURIComponent(match[1]); }
    }
    return request;
  },
}""".replace("COOKIE", CSRF_COOKIE_NAME)
