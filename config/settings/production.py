"""Production: every secret and host from the environment; refuses to start without them."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, degrading, env


def required(name: str) -> str:
    """Read a required environment variable, or stop with one line naming it."""
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable; production needs it.")
    return value


DEBUG = False
SECRET_KEY = required("SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in required("ALLOWED_HOSTS").split(",") if host.strip()]
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS", default=[f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS]
)

# allauth counts login attempts, sign-ups and reset mails in the cache (rate limits): every
# web process must see the same counts, so an in-process cache will not do.
CACHES = {"default": degrading(env.cache_url_config(required("CACHE_URL")))}
if CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
    raise ImproperlyConfigured(
        "Set CACHE_URL to a cache every web process shares (e.g. redis:// or dbcache://)."
    )

if env("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))

MIDDLEWARE = [
    MIDDLEWARE[0],  # SecurityMiddleware first, then static files straight from WhiteNoise
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Cookies travel over HTTPS only, and a script injected into a page cannot read the session
# (HttpOnly is Django's default, written out so it is reviewed).
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
