from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.guards.fake_service import FakeService, start_fake_service


@pytest.fixture
def fake_service(settings) -> Iterator[FakeService]:  # type: ignore[no-untyped-def]
    settings.GUARD_SERVICE_TOKEN = "service-token-for-tests"
    service = start_fake_service()
    yield service
    service.server.shutdown()
    service.server.server_close()
