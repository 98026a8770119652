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


class ListEntryInputSerializer(StrictSerializer):
    guard = StrictCharField(max_length=32, required=False, allow_blank=True, default="",
                            help_text="Empty or omitted: every guard.")
    action = serializers.ChoiceField(choices=("allow", "block"))
    kind = serializers.ChoiceField(choices=("phrase", "regex", "fingerprint"))
    value = StrictCharField(max_length=512, trim_whitespace=False)
    note = StrictCharField(max_length=200, required=False, allow_blank=True, default="")


class ListEntryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    guard = serializers.CharField()
    action = serializers.CharField()
    kind = serializers.CharField()
    value = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class GuardPolicyInputSerializer(StrictSerializer):
    mode = serializers.ChoiceField(choices=("enforce", "monitor", "off"), required=False)
    failure_policy = serializers.ChoiceField(choices=("fail_open", "fail_closed"), required=False)


class GuardPolicyOutputSerializer(serializers.Serializer):
    guard = serializers.CharField()
    enabled = serializers.BooleanField()
    mode = serializers.CharField()
    failure_policy = serializers.CharField()


class RevisionOutputSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    target = serializers.CharField()
    guard = serializers.CharField()
    action = serializers.CharField()
    via = serializers.CharField()
    actor = serializers.CharField(source="actor_label")
    reverts = serializers.IntegerField(allow_null=True)
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
