"""Fixtures of the live tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.live.support import make_token
from tests.nginx import Cluster, NginxMissing, cluster, nginx_binary


@pytest.fixture
def replicas(seeded_url: str, backend: str) -> Iterator[tuple[Cluster, str]]:
    """Two replicas on a fresh copy of the story behind nginx, and an editor token. Never skips: without nginx it
    fails saying what to install."""
    try:
        nginx_binary()
    except NginxMissing as missing:
        pytest.fail(str(missing), pytrace=False)
    token = make_token(seeded_url)
    with cluster(seeded_url) as running:
        yield running, token
