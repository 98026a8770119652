"""WSGI entry point of a guard service: ``gunicorn guards.standalone.wsgi:application``.

The settings module is forced (not defaulted): a service started from a shell where
the gateway's ``DJANGO_SETTINGS_MODULE`` is exported must still be a guard service.
The guard's models load here, once per worker, before the first request, and are then
frozen out of the garbage collector's full passes.
"""

import os

os.environ["DJANGO_SETTINGS_MODULE"] = "guards.standalone.settings"

from django.conf import settings
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()

from aiguardian.serving import freeze_startup_heap  # noqa: E402
from guards.services.backends.inprocess import load_analyzer  # noqa: E402

load_analyzer(settings.GUARD_SERVICE_NAME).warm_up()
freeze_startup_heap()
