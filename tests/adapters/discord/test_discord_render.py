"""`bot.render.discord`: three parts within Discord's limits, wording from templates, no pings."""

from __future__ import annotations

import pytest

from bot import errors
from bot.models import Answer, Evidence, Link
from bot.render.discord import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    TITLE_LIMIT,
    DiscordMessage,
    label,
    render_answer,
    render_problem,
    thread_name,
)
from bot.render.env import make_environment
from bot.safety import has_ping
from bot.settings import Limits
from tests.render.sample import reference_answer

ENV = make_environment()


def _within_limits(msg: DiscordMessage) -> None:
    assert len(msg["content"]) <= CONTENT_LIMIT
    assert len(msg["embeds"]) <= EMBEDS_PER_MESSAGE
    total = 0
    for embed in msg["embeds"]:
        assert len(embed.get("title", "")) <= TITLE_LIMIT
        assert len(embed["description"]) <= DESCRIPTION_LIMIT
        total += len(embed.get("title", "")) + len(embed["description"])
    assert total <= EMBED_TOTAL_LIMIT
    assert msg["content"] or msg["embeds"]


def _text(msg: DiscordMessage) -> str:
    return "\n".join([msg["content"], *(e.get("title", "") + e["description"]
                                        for e in msg["embeds"])])


def huge_answer() -> Answer:
    base = reference_answer()
    links = [
        Link(url=f"https://github.com/org/model-{i}", label=f"Model {i} " + "x" * 60,
             source_id=f"m{i}", kind="github")
        for i in range(400)
    ]
    evidence = [Evidence(text="A long supporting sentence. " * 14, source_id="p1")] * 40
    task = base.task.model_copy(update={"summary": "A very long summary sentence. " * 120})
    return base.model_copy(update={"links": links, "evidence": evidence, "task": task})


def test_reference_answer_is_three_single_message_parts_with_the_png_on_the_diagram() -> None:
    parts = render_answer(reference_answer(), env=ENV, png=True)
    assert [len(p) for p in parts] == [1, 1, 1]
    (task,), (workflow,), (links,) = parts
    assert task["content"].startswith("## 1/3") and not task["png"]
    assert workflow["png"] and "```text" in workflow["content"]
    assert "Evidence from the sources" in workflow["embeds"][0]["description"]
    assert links["embeds"][0]["title"].startswith("3/3")
    assert "https://github.com/xiaojihh/cl_all-in-one" in links["embeds"][0]["description"]


def test_a_huge_answer_is_split_within_every_discord_limit() -> None:
    answer = huge_answer()
    parts = render_answer(answer, env=ENV, png=True)
    assert len(parts) == 3
    for part in parts:
        for msg in part:
            _within_limits(msg)
    assert len(parts[0]) > 1 and len(parts[2]) > 1
    assert [m["png"] for p in parts for m in p].count(True) == 1 and parts[1][0]["png"]
    listed = "\n".join(_text(m) for m in parts[2])
    assert all(link.url in listed for link in answer.links)


def test_hostile_text_never_pings() -> None:
    for part in render_answer(reference_answer(hostile=True), env=ENV, png=False):
        for msg in part:
            assert not has_ping(_text(msg)), _text(msg)


@pytest.mark.parametrize(
    "code",
    sorted({cls.code for cls in vars(errors).values()
            if isinstance(cls, type) and issubclass(cls, errors.SourceboundError)}),
)
def test_every_problem_code_renders_one_short_message(code: str) -> None:
    (part,) = render_problem(code, env=ENV, limits=Limits())
    (msg,) = part
    _within_limits(msg)
    assert "Traceback" not in msg["content"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("", "Sourcebound answer"),
        ("   \n ", "Sourcebound answer"),
        ("What is\nMATEY?", "What is MATEY?"),
        ("Context first. " * 10 + "How does it generalize @everyone?", "How does it generalize"),
    ],
)
def test_thread_name_is_one_line_of_1_to_100_chars(question: str, expected: str) -> None:
    name = thread_name(question, env=ENV)
    assert 1 <= len(name) <= 100 and "\n" not in name
    assert name.startswith(expected)
    assert not has_ping(name)


def test_labels_fit_discords_component_limits() -> None:
    for name in ("ask", "history", "forget", "help"):
        assert 1 <= len(label(ENV, f"{name}_description")) <= 100
    for name in ("ask_question", "ask_file", "modal_placeholder"):
        assert 1 <= len(label(ENV, name)) <= 100
    for name in ("modal_title", "modal_label"):
        assert 1 <= len(label(ENV, name)) <= 45
