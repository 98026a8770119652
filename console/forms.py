"""The operator console's own forms."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from accounts.models import Tenant
from guards.analyzers.registry import GUARDS


class TryGuardForm(forms.Form):
    """A tenant, a guard, a text and the guard's other payload fields as JSON."""

    tenant = forms.ModelChoiceField(queryset=Tenant.objects.order_by("slug"))
    guard = forms.ChoiceField(choices=[(g, g) for g in GUARDS])
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "cols": 90}), required=False, strip=False)
    extra = forms.CharField(
        label="Other payload fields", required=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 90}),
        help_text='A JSON object, e.g. {"output_text": "…", "sources": [{"text": "…"}]} or {"content_type": "code"}.',
    )

    def clean_extra(self) -> dict[str, Any]:
        raw = self.cleaned_data.get("extra") or ""
        if not raw.strip():
            return {}
        try:
            value = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc}.") from exc
        if not isinstance(value, dict):
            raise forms.ValidationError("Must be a JSON object.")
        return value

    def payload(self) -> dict[str, Any]:
        """The ``payload`` of the ``/process`` call: the text over the other fields."""
        extra = dict(self.cleaned_data["extra"])
        text = self.cleaned_data["text"]
        if text or "text" not in extra:
            extra["text"] = text
        return extra
