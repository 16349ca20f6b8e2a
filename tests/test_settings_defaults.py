"""`bot.defaults`: what `sourcebound ask` runs on when nothing is set, checked against the real
`Settings` (the names pydantic-settings reads, the default values, the answer they give)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic_settings import EnvSettingsSource

from bot.defaults import ENV_NAMES, DefaultLimits, untouched
from bot.settings import Limits, Settings
from tests.conftest import EXAMPLE, REPO


def _read_names(model: type[Settings | Limits]) -> set[str]:
    # pydantic-settings' own answer to "which variables fill this field" (a private helper,
    # but the one its environment source uses), so a new field or alias cannot be missed.
    source = EnvSettingsSource(model)
    return {
        env_name.lower()
        for name, field in model.model_fields.items()
        for _key, env_name, _complex in source._extract_field_info(field, name)
    }


def test_every_name_settings_reads_is_known() -> None:
    read = _read_names(Settings) | _read_names(Limits)
    assert read - ENV_NAMES == set()
    assert {"sourcebound_max_source_bytes", "port", "db", "limits"} <= read  # the check bites


def test_default_limits_are_the_settings_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.lower() in ENV_NAMES:
            monkeypatch.delenv(name)
    limits = Limits()
    assert set(Limits.model_fields) == set(DefaultLimits.__dataclass_fields__)
    for name in Limits.model_fields:
        assert getattr(DefaultLimits(), name) == getattr(limits, name), name
    settings = Settings.load()
    assert settings.templates_dir is None and not settings.llm_enabled


def test_untouched_needs_no_config_and_no_known_name_in_any_case() -> None:
    assert untouched(["HOME", "PATH", "SOURCEBOUND_SOMETHING_ELSE"], None)
    assert not untouched(["HOME"], Path("settings.toml"))
    assert not untouched(["Port"], None)  # read case-insensitively
    assert not untouched(["sourcebound_max_source_bytes"], None)


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k.lower() not in ENV_NAMES}


_PROBE = """
import sys
from bot.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(" ".join(sorted(m for m in ("asyncio", "pydantic_settings", "bot.settings") if m in sys.modules)),
      file=sys.stderr)
raise SystemExit(code)
"""


def _ask(env: dict[str, str], fmt: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _PROBE, "ask", "--source", str(EXAMPLE), "--format", fmt],
        capture_output=True, text=True, timeout=120, check=False, cwd=REPO, env=env,
    )


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_ask_with_nothing_set_skips_pydantic_settings_and_asyncio_with_the_same_answer(
    fmt: str,
) -> None:
    fast = _ask(_clean_env(), fmt)
    assert fast.returncode == 0, fast.stderr
    assert fast.stderr.splitlines()[-1] == ""  # none of them imported
    # A variable set to its default value: the full settings are read and validated.
    full = _ask({**_clean_env(), "SOURCEBOUND_MAX_ATTACHMENTS": "5"}, fmt)
    assert full.returncode == 0, full.stderr
    assert {"bot.settings", "pydantic_settings"} <= set(full.stderr.splitlines()[-1].split())
    assert fast.stdout == full.stdout
    if fmt == "json":
        assert json.loads(fast.stdout)["links"]
