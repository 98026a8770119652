from django.apps import AppConfig


class GuardsConfig(AppConfig):
    name = "guards"
    verbose_name = "Guards"

    def ready(self) -> None:
        from accounts.services.api_keys import api_key_scope_names_register
        from accounts.signals import tenant_created
        from guards.analyzers.registry import GUARDS
        from guards.receivers import on_tenant_created
        from policy.services.apply import PERMISSION_SCOPES

        tenant_created.connect(on_tenant_created, dispatch_uid="guards.tenant_guard_configs")
        api_key_scope_names_register([*GUARDS, *PERMISSION_SCOPES])
