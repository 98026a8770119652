"""One guard as a standalone HTTP service (``/process``, ``/health``), like the seeds' topology.

Run with ``GUARD_SERVICE_NAME=securityguard GUARD_SERVICE_TOKEN=... gunicorn
guards.standalone.wsgi:application`` on the guard's port (8001-8006). The gateway sends
the tenant's settings and a scoped context with each call, so the service needs no
database; Redis (``REDIS_URL``) backs contextguard's session memory and token budgets.
"""
