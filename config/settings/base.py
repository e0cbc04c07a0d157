"""Settings shared by every environment. Deployment differences come from the environment."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.cache import degrading

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
SITE_BASE_URL = env("SITE_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "community",
    "projects",
    "insights",
    "feedback",
    "complaints",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "config.middleware.MissingRequestFieldMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.PortalCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "community.middleware.StaffTwoFactorMiddleware",
    "community.middleware.MemberOnboardingMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
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
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "projects.context_processors.site_navigation",
                "community.context_processors.member_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# PostgreSQL plans a query each time it runs unless it is prepared. With server-side binding,
# psycopg prepares a query on a connection after its fifth run, which halves what the
# queries run on every request (the user, a topic page's) cost the database. Switch it off
# behind a pooler that cannot keep prepared statements (PgBouncer in transaction mode).
if DATABASES["default"]["ENGINE"].endswith("postgresql") and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
# A database that does not answer must cost a request seconds, not gunicorn's whole timeout:
# give up connecting after DATABASE_CONNECT_TIMEOUT, on a host that stops acknowledging what
# was sent after as long (tcp_user_timeout), and have the server cancel any statement running
# longer than DATABASE_STATEMENT_TIMEOUT (0: no limit). Both errors are OperationalErrors,
# which config.middleware answers with the 503 page. The task worker has its own statement
# limit (DATABASE_STATEMENT_TIMEOUT_WORKER, set by its command); keep gunicorn's --timeout
# above the web one.
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DATABASE_STATEMENT_TIMEOUT = env.int("DATABASE_STATEMENT_TIMEOUT", default=30)
DATABASE_STATEMENT_TIMEOUT_WORKER = env.int("DATABASE_STATEMENT_TIMEOUT_WORKER", default=300)
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
    _options.setdefault("tcp_user_timeout", DATABASE_CONNECT_TIMEOUT * 1000)
    _options["options"] = " ".join(
        (_options.get("options", ""), f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}")
    ).strip()
# SQLite, the embedded default, serves a web process and a task worker at once: readers never
# wait for the writer (WAL), a writer waits up to 20 s for the other instead of failing, and
# every transaction takes the write lock when it starts, so one that reads and then writes never
# fails halfway when the other process wrote in between (Django's deferred default would).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis through config.cache: when it is down or hangs, reads are misses and writes are
# dropped within a fraction of a second, so pages are built from the database, not a 500.
CACHES = {"default": degrading(env.cache("CACHE_URL", default="locmemcache://"))}
# Sessions are read from the cache on every request and kept in the database as well, so a
# cache restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_USER_MODEL = "community.User"
# Django's and allauth's backends, loading the user with their request state (the module).
AUTHENTICATION_BACKENDS = [
    "community.auth_backends.MemberModelBackend",
    "community.auth_backends.MemberAuthenticationBackend",
]
# Django's rules; the first two with messages our catalogue translates (see the module).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "community.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "community.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "member_dashboard"  # parents land on "Mijn Meet the Parents"

# allauth: e-mail is the login; the address must be verified before taking part.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Meet the Parents] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_BASE_URL.startswith("https") else "http"
ACCOUNT_ADAPTER = "community.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "community.forms.accounts.LoginForm",
    "signup": "community.forms.accounts.SignupForm",
    "add_email": "community.forms.accounts.AddEmailForm",
    "change_password": "community.forms.accounts.ChangePasswordForm",
    "reset_password": "community.forms.accounts.ResetPasswordForm",
    "reset_password_from_key": "community.forms.accounts.ResetPasswordKeyForm",
}
# Confirming the address in the browser that signed up logs the parent in and takes them
# straight to choosing a pseudonym.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# One address per account; a new one replaces the old only once it is verified.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# allauth's defaults, written out so they are visible and reviewed. They are counted in
# Django's cache, so production requires a CACHE_URL that every web process shares.
# "ip": per client address, "key": per e-mail address, "user": per signed-in account.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Wrong passwords: 10 a minute from one address, 5 per 5 minutes for one account.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    # At most one verification mail per address every 3 minutes.
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}

# Staff pages hold parents' personal data: staff must use two-factor authentication there.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "community.adapter.MFAAdapter"
MFA_TOTP_ISSUER = "Meet the Parents"
# Accept the code of the previous or next 30 seconds too: phone clocks drift, and a code
# typed at the turn of a period should not fail.
MFA_TOTP_TOLERANCE = 1
DJANGO_ADMIN_PATH_PREFIX = "/django-admin/"
STAFF_PATH_PREFIXES = ("/admin/", DJANGO_ADMIN_PATH_PREFIX)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
# One date format for people in each language: "30 november 2026" (config/formats).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Export files (insights.ExportJob): research data, so never under MEDIA_ROOT or the web
# root; served only by the download view to the person who asked.
EXPORTS_ROOT = env.path("EXPORTS_ROOT", default=str(VAR_DIR / "exports"))
# Files sent with a complaint: personal data, outside the web root, served only to complaints
# staff (complaints.models.handling).
COMPLAINTS_FILES_ROOT = env.path("COMPLAINTS_FILES_ROOT", default=str(VAR_DIR / "complaints"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Meet the Parents <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task RUNNING for longer (seconds) lost its worker (killed, out of memory): the workers queue
# it again (community/worker.py). Longer than any task and DATABASE_STATEMENT_TIMEOUT_WORKER.
TASKS_RUNNING_TIMEOUT = env.int("TASKS_RUNNING_TIMEOUT", default=10 * 60)

SEED_DEMO_ALLOWED = False

WAGTAIL_SITE_NAME = "Meet the Parents"
WAGTAILADMIN_BASE_URL = SITE_BASE_URL
WAGTAIL_I18N_ENABLED = False
# One login for everyone, through allauth (with its two-factor step); no second form in the admin.
WAGTAILADMIN_LOGIN_URL = "account_login"
# A page restricted to logged-in visitors sends them to the same login.
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No Gravatar: it would send a hash of every staff e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# On PostgreSQL, Dutch stemming: "slapen" finds "slaapt" and "kinderen" finds "kind" (most
# posts are Dutch). SQLite's full-text search ignores it. After changing it, run update_index.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "dutch"}
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx"]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Content security policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF, "https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "frame-ancestors": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# The Wagtail admin relies on inline scripts and styles; it is a staff-only area.
CSP_RELAXED_PATH_PREFIXES = ("/admin/", "/django-admin/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
    },
}

# --- feedback: the helpline and e-mail channels (feedback.webhooks, feedback.services) ---
# The secret the contact centre and the e-mail desk sign their API calls with (Standard
# Webhooks: "whsec_" and the base64 of 24 to 64 random bytes). During a rotation, give the new
# and the old one, space-separated. Production has no default: without it the API answers 503.
FEEDBACK_WEBHOOK_SECRET = env("FEEDBACK_WEBHOOK_SECRET", default="")
# The satisfaction mail after an e-mail answer goes this many days after the answer, and the
# one reminder this many days after the mail.
FEEDBACK_EMAIL_DELAY_DAYS = env.int("FEEDBACK_EMAIL_DELAY_DAYS", default=3)
FEEDBACK_EMAIL_REMINDER_DAYS = env.int("FEEDBACK_EMAIL_REMINDER_DAYS", default=4)
# No survey mail to an address that got one (any channel) in this many days.
FEEDBACK_EMAIL_THROTTLE_DAYS = env.int("FEEDBACK_EMAIL_THROTTLE_DAYS", default=7)

# Complaints (complaints app): personal data of a closed complaint is kept this many years,
# then anonymised by the daily task; the statistics stay.
COMPLAINTS_RETENTION_YEARS = env.int("COMPLAINTS_RETENTION_YEARS", default=5)
