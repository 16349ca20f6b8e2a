"""Compiled templates shared between processes (jinja's bytecode cache): the same output as
compiling, an edited template compiled again, a cache that cannot be written harmless."""

from __future__ import annotations

from pathlib import Path

from bot.render.env import make_environment, template_cache
from bot.render.markdown import render_markdown
from tests.render.sample import reference_answer


def test_a_cached_template_renders_what_a_compiled_one_does(tmp_path: Path) -> None:
    answer = reference_answer()
    compiled = render_markdown(answer, env=make_environment(cache=False))
    first = render_markdown(answer, env=make_environment(cache=template_cache(tmp_path)))
    stored = sorted(p.name for p in tmp_path.iterdir())
    assert stored and all(n.startswith("sourcebound-") and n.endswith(".cache") for n in stored)
    # A new environment (a new process) loads the stored code instead of compiling.
    again = render_markdown(answer, env=make_environment(cache=template_cache(tmp_path)))
    assert compiled == first == again
    assert sorted(p.name for p in tmp_path.iterdir()) == stored


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    cache.mkdir()
    page = templates / "page.j2"
    page.write_text("old {{ x }}", encoding="utf-8")
    env = make_environment(templates, cache=template_cache(cache))
    assert env.get_template("page.j2").render(x=1) == "old 1"
    page.write_text("new {{ x }}", encoding="utf-8")
    env = make_environment(templates, cache=template_cache(cache))
    assert env.get_template("page.j2").render(x=1) == "new 1"


def test_a_cache_that_cannot_be_written_only_costs_the_compile(tmp_path: Path) -> None:
    gone = tmp_path / "no-such-folder"
    env = make_environment(cache=template_cache(gone))
    assert "## 1. Task" in render_markdown(reference_answer(), env=env)
    assert not gone.exists()


def test_the_templates_folder_is_the_one_importlib_resources_names() -> None:
    from importlib import resources

    from bot.render.env import default_templates_dir

    found = default_templates_dir()
    assert found == Path(str(resources.files("templates")))
    assert (found / "answer" / "sentences.j2").is_file()
