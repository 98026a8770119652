from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import (
            receivers,  # noqa: F401 - connects the cache invalidation receivers
            schema,  # noqa: F401 - registers the OpenAPI security schemes
        )
