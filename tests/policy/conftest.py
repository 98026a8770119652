from tests.guards.conftest import fake_service  # noqa: F401 - the scriptable guard service
