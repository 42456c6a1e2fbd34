"""The served process the tests of its edge share (test_connections, test_proxies,
test_limits)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.serving import EDGE, Served, serve_with_test_routes


@pytest.fixture(scope="session")
def edge() -> Iterator[Served]:
    """The service with the small bounds of ``EDGE``, behind trusted proxies at 127.0.0.1
    (where the tests connect from) and in 10.0.0.0/8."""
    settings = {
        **EDGE.settings(),
        "SERVER__PROXY_HEADERS": "true",
        "SERVER__FORWARDED_ALLOW_IPS": "127.0.0.1,10.0.0.0/8",
    }
    with serve_with_test_routes(None, **settings) as served:
        served.wait_until_live()
        yield served
