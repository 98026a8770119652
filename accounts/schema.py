"""OpenAPI security schemes for the accounts authenticators (loaded in AppConfig.ready)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class APIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.APIKeyAuthentication"
    name = ["ApiKeyBearer", "ApiKeyHeader"]
    priority = 1

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        # Either header works: two requirement objects (OR), not one listing both (AND).
        return [{name: []} for name in self.name]

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return [
            {"type": "http", "scheme": "bearer", "bearerFormat": "aig_<prefix>_<secret>",
             "description": "Tenant API key: `Authorization: Bearer aig_…`."},
            {"type": "apiKey", "in": "header", "name": "X-API-Key", "description": "Tenant API key."},
        ]


class ClerkSessionScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.ClerkJWTAuthentication"
    name = "ClerkSession"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "Clerk session token of a signed-in organisation owner or admin."}
