"""WSGI entry point (gunicorn api_project.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "api_project.settings")
application = get_wsgi_application()

# What is loaded by now lives as long as the worker: freezing it keeps the cyclic garbage collector from
# walking Django's hundred thousand objects again on each full collection (docs/performance.md).
gc.freeze()
