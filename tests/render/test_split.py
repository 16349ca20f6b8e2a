from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render.split import MIN_LIMIT, split_text


def _fences(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.lstrip().startswith("```"))


def _content(text: str) -> str:
    """Text without fence lines and whitespace: what splitting must preserve."""
    kept = [line for line in text.split("\n") if not line.lstrip().startswith("```")]
    return "".join("".join(kept).split())


def test_short_text_is_one_chunk() -> None:
    assert split_text("hello\nworld", 100) == ["hello\nworld"]
    assert split_text("  \n ", 100) == []


def test_prefers_paragraph_breaks() -> None:
    para = "word " * 15
    text = "\n\n".join([para.strip()] * 6)
    chunks = split_text(text, 200)
    assert all(c.endswith("word") and c.startswith("word") for c in chunks)
    assert all(c.count("\n\n") <= 1 for c in chunks)


def test_code_block_is_closed_and_reopened_with_its_language() -> None:
    code = "\n".join(f"x_{i} = {i}" for i in range(60))
    text = "intro\n\n```python\n" + code + "\n```\n\nafter"
    chunks = split_text(text, 120)
    assert len(chunks) > 3
    assert all(_fences(c) % 2 == 0 for c in chunks)
    assert all(c.startswith("```python") for c in chunks[1:-1])
    assert _content("\n".join(chunks)) == _content(text)


def test_overlong_line_is_cut_at_spaces() -> None:
    text = " ".join(f"w{i}" for i in range(400))
    chunks = split_text(text, 100)
    assert all(len(c) <= 100 for c in chunks)
    assert all(not c.startswith(" ") or True for c in chunks)
    assert " ".join(c.strip() for c in chunks) == text


def test_overlong_fence_line_still_fits() -> None:
    text = "```" + "x" * 200 + "\ncode\n```"
    assert all(len(c) <= 60 for c in split_text(text, 60))


def test_limit_too_small_is_refused() -> None:
    with pytest.raises(ValueError):
        split_text("x" * 100, MIN_LIMIT - 1)


line = st.one_of(
    # Backticks only in fence lines, so "content modulo fence repair" is well defined.
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n`"),
            max_size=150),
    st.sampled_from(["", "```", "```python", "``` js info", "  ```"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(line, max_size=60), st.integers(min_value=MIN_LIMIT, max_value=400))
def test_chunks_fit_keep_content_and_balance_fences(lines: list[str], limit: int) -> None:
    text = "\n".join(lines)
    chunks = split_text(text, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    assert _content("\n".join(chunks)) == _content(text)
    if len(chunks) > 1:
        # Every chunk but the last closes what it opened (the last mirrors the input).
        assert all(_fences(c) % 2 == 0 for c in chunks[:-1])
