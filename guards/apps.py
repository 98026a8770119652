from django.apps import AppConfig


class GuardsConfig(AppConfig):
    name = "guards"
    verbose_name = "Guards"

    def ready(self) -> None:
        from accounts.signals import tenant_created
        from guards.receivers import on_tenant_created

        tenant_created.connect(on_tenant_created, dispatch_uid="guards.tenant_guard_configs")
