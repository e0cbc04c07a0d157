"""Tests: fast hashing, in-memory cache and mail, tasks run immediately."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///:memory:")}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
SEED_DEMO_ALLOWED = True
# A fixed secret for the feedback API, known to the tests and the README's example.
FEEDBACK_WEBHOOK_SECRET = "whsec_bWVldC10aGUtcGFyZW50cy1kZXYtd2ViaG9vay1rZXk="
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
