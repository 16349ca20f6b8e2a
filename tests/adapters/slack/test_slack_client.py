"""The Web API client the adapter builds: slack-sdk's per-request debug line is only
formatted when debug logging is on (it tests the logger's own level, which is NOTSET)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from adapters.slack.app import make_client

SDK_LOGGER = "slack_sdk.web.async_base_client"


@pytest.fixture
def levels() -> Iterator[None]:
    """Restore the root's and slack-sdk's logger levels (setLevel clears the level cache)."""
    root, sdk = logging.getLogger(), logging.getLogger(SDK_LOGGER)
    saved = root.level, sdk.level
    yield
    root.setLevel(saved[0])
    sdk.setLevel(saved[1])


def test_the_request_debug_line_is_not_built_unless_debug_is_on(levels: None) -> None:
    logger = logging.getLogger(SDK_LOGGER)
    logger.setLevel(logging.NOTSET)
    logging.getLogger().setLevel(logging.WARNING)
    client = make_client(token="xoxb-test", base_url="http://127.0.0.1:1/api")
    assert client.logger is logger
    # What slack-sdk checks before formatting a request's payload into a debug line.
    assert not client.logger.level <= logging.DEBUG
    assert client.logger.getEffectiveLevel() == logging.WARNING  # the same output as before


def test_with_debug_logging_on_the_request_lines_stay(levels: None) -> None:
    logger = logging.getLogger(SDK_LOGGER)
    logger.setLevel(logging.NOTSET)
    logging.getLogger().setLevel(logging.DEBUG)
    make_client(token="xoxb-test", base_url="http://127.0.0.1:1/api")
    assert logger.level == logging.NOTSET and logger.isEnabledFor(logging.DEBUG)
