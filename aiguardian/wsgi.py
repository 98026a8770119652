"""WSGI entry point used by gunicorn (``aiguardian.wsgi:application``).

With ``GUARDS_WARM_UP`` (on in production) each worker loads the in-process guards'
models before it takes traffic, so no customer request pays for loading them; what is
loaded then is frozen out of the garbage collector's full passes (``serving.freeze_startup_heap``).
"""

import logging
import os

from django.core.wsgi import get_wsgi_application

from aiguardian.serving import freeze_startup_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiguardian.settings")

application = get_wsgi_application()


def _warm_up() -> None:
    from django.conf import settings

    if not settings.GUARDS_WARM_UP:
        return
    from guards.analyzers.registry import GUARD_NAMES
    from guards.services.backends.inprocess import load_analyzer

    for guard in GUARD_NAMES:
        try:
            load_analyzer(guard).warm_up()
        except Exception:  # a guard that cannot load answers 503 later; serve the rest
            logging.getLogger(__name__).exception("warm-up of %s failed", guard)


_warm_up()
freeze_startup_heap()
