"""Shared output serializers of the accounts API (inputs live next to their views)."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import APIKey


class APIKeyOutputSerializer(serializers.ModelSerializer):
    """A key as its tenant sees it: never the hash, never the secret."""

    created_by = serializers.EmailField(source="created_by.email", default=None, read_only=True)
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = APIKey
        fields = [
            "prefix", "name", "scopes", "created_at", "created_by", "expires_at",
            "revoked_at", "last_used_at", "is_active",
        ]
        read_only_fields = fields

    def get_is_active(self, key: APIKey) -> bool:
        return not key.is_revoked and not key.is_expired
