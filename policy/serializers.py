"""Input and output shapes of the policy API (strict, like the guard API's)."""

from __future__ import annotations

from rest_framework import serializers

from guards.serializers import StrictCharField, StrictSerializer


class FeedbackRequestSerializer(StrictSerializer):
    request_id = StrictCharField(max_length=128, help_text="The request id a guard call answered with.")
    label = serializers.ChoiceField(choices=("false_positive", "false_negative", "correct"))
    note = StrictCharField(max_length=2000, required=False, allow_blank=True, default="", trim_whitespace=False)
    service_type = StrictCharField(max_length=64, required=False, allow_null=True, default=None,
                                   help_text="Only this guard's call of a scan (default: every guard of the request).")


class FeedbackResponseSerializer(serializers.Serializer):
    request_id = serializers.CharField()
    label = serializers.CharField()
    guards = serializers.ListField(child=serializers.CharField())
    fingerprints = serializers.IntegerField(help_text="Finding fingerprints stored with the feedback.")
