"""Signals other apps listen to; accounts imports nothing from them.

``tenant_created`` is sent synchronously, inside the transaction that created the
tenant, so receivers' writes (guard configuration, billing plan) commit or roll back
with it. Keyword arguments: ``tenant`` (the saved :class:`~accounts.models.Tenant`) and
``plan`` (a plan code, or ``None`` for the default plan).
"""

from __future__ import annotations

from django.dispatch import Signal

tenant_created = Signal()
