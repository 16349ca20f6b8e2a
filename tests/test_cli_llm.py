"""`sourcebound ask` with SOURCEBOUND_LLM_* set answers through the model (a local fake
OpenAI-compatible server) and stays grounded; a failing model still gets an answer."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path

from bot.ground.invariants import check
from bot.models import Answer
from bot.parse import parse_block
from tests.conftest import EXAMPLE
from tests.fakes.openai_api import FakeOpenAI, Reply
from tests.llm.support import MODEL_SUMMARY, script_faithful


async def _ask(model: FakeOpenAI, tmp_path: Path) -> tuple[int, str, str]:
    script = shutil.which("sourcebound", path=str(Path(sys.executable).parent))
    assert script is not None
    env = {
        **os.environ,
        "SOURCEBOUND_LLM_BASE_URL": model.base_url,
        "SOURCEBOUND_LLM_MODEL": "fake-model",
        "SOURCEBOUND_LLM_TIMEOUT": "5",
        "SOURCEBOUND_DB": str(tmp_path / "cli.db"),
    }
    proc = await asyncio.create_subprocess_exec(
        script, "ask", "--source", str(EXAMPLE), "--format", "json",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_ask_uses_the_configured_model(model: FakeOpenAI, tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    script_faithful(model, text)

    code, out, err = await _ask(model, tmp_path)

    assert code == 0, err
    answer = Answer.model_validate_json(out)
    assert answer.engine == "llm"
    assert answer.task.summary == MODEL_SUMMARY
    assert check(parse_block(text), answer) == []
    assert len(model.requests) == 1


async def test_ask_falls_back_when_the_model_fails(model: FakeOpenAI, tmp_path: Path) -> None:
    model.script(Reply.error(500), Reply.error(500), Reply.error(500), Reply.error(500))

    code, out, err = await _ask(model, tmp_path)

    assert code == 0, err
    answer = json.loads(out)
    assert answer["engine"] == "extractive"
    assert any("model reply" in d for d in answer["dropped"])
    assert "Traceback" not in err
