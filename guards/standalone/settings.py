"""Light settings of a guard service: the gateway's environment handling, none of its apps.

Start-up stops with one clear line when ``GUARD_SERVICE_NAME`` is not a guard or
``GUARD_SERVICE_TOKEN`` is missing: a service that accepted anyone's calls would let
any process on the network read the tenant settings it is sent.
"""

from __future__ import annotations

from aiguardian import config
from aiguardian.settings import *  # noqa: F403 - same environment, secrets and logging as the gateway
from aiguardian.settings import GUARD_SERVICE_NAME, GUARD_SERVICE_TOKEN
from guards.analyzers.registry import GUARDS

if GUARD_SERVICE_NAME not in GUARDS:
    config.fail(f"GUARD_SERVICE_NAME: must be one of {', '.join(GUARDS)} (got {GUARD_SERVICE_NAME!r})")
if not GUARD_SERVICE_TOKEN:
    config.fail("GUARD_SERVICE_TOKEN: required to run a guard service (the gateway sends it with every call)")

INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"]
MIDDLEWARE = [
    "aiguardian.middleware.RequestIdMiddleware",
    "aiguardian.middleware.ChunkedBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
AUTH_USER_MODEL = "auth.User"
ROOT_URLCONF = "guards.standalone.urls"
WSGI_APPLICATION = "guards.standalone.wsgi.application"
DATABASES: dict = {}  # the service never touches a database
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["aiguardian.input_rules.CheckedJSONParser"],
    "EXCEPTION_HANDLER": "aiguardian.api.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
ALLOWED_HOSTS = ["*"]  # reached by the gateway on a private network, by service name
# Plain HTTP on that network (TLS ends at the public ALB): the gateway's HTTPS redirect would
# turn every call into a 301.
SECURE_SSL_REDIRECT = False
