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


async def test_web_api_bodies_are_the_same_json_written_faster() -> None:
    import json

    import aiohttp

    from adapters.slack.app import web_api_json
    from tests.fakes.slack_api import TOKEN, FakeSlackApi

    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Déhaze → *x* 𝛼"}}]
    async with FakeSlackApi() as api, aiohttp.ClientSession(json_serialize=web_api_json) as http:
        client = make_client(token=TOKEN, base_url=api.api_url)
        client.session = http
        await client.chat_postMessage(channel="C1", text="Déhaze", blocks=blocks)
        # Pasted text may carry a lone surrogate, which is not UTF-8: still sent, escaped.
        await client.chat_postMessage(channel="C1", text="odd \ud800 text", blocks=blocks)
    first, second = api.called("chat.postMessage")
    assert first.params["blocks"] == blocks and first.params["text"] == "Déhaze"
    assert "Déhaze".encode() in first.body  # UTF-8 as written, not \u escapes
    assert second.params["text"] == "odd \ud800 text"
    assert json.loads(web_api_json({"a": [1, 2.5, None, True]})) == {"a": [1, 2.5, None, True]}
