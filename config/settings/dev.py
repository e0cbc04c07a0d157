"""Development: SQLite in var/, e-mails as files in var/mail/, DEBUG on."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

if env("EMAIL_URL", default=""):
    vars().update(env.email("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

for folder in (VAR_DIR, VAR_DIR / "mail", VAR_DIR / "media"):
    folder.mkdir(parents=True, exist_ok=True)
SEED_DEMO_ALLOWED = True
# A fixed secret for the feedback API, known to the tests and the README's example.
FEEDBACK_WEBHOOK_SECRET = env(
    "FEEDBACK_WEBHOOK_SECRET", default="whsec_bWVldC10aGUtcGFyZW50cy1kZXYtd2ViaG9vay1rZXk="
)

# Page edits are logged at INFO for the audit trail in production; in development they are noise.
LOGGING["loggers"]["wagtail"] = {"level": "WARNING"}  # noqa: F405
