"""WSGI entry point: `gunicorn config.wsgi`. Defaults to the production settings."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

try:
    application = get_wsgi_application()
except ImproperlyConfigured as error:
    sys.stderr.write(f"Meet the Parents cannot start: {error}\n")
    sys.exit(1)
