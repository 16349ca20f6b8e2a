"""The plain BibTeX entry reader gives exactly what bibtexparser gives, and declines what it
does not know (then bibtexparser reads the entry)."""

from __future__ import annotations

import importlib
from pathlib import Path

import bibtexparser
import pytest

from bot.parse import parse_block

# `bot.parse` has a function named `_bibtex`; the module is imported by its full name.
_reader = importlib.import_module("bot.parse._bibtex")
DATA = Path(__file__).resolve().parent.parent / "data"

ENTRIES = [
    '@article{a1, title = {Nested {Braces} and {\\"u}mlauts}, year = 2021, month = oct,\n}',
    '@inproceedings{b2,\n  title = "Quoted {with \\"braces\\"} inside",\n  author = {A and B}}',
    "@misc{c3,\n\ttitle={Tabs},\n\turl={https://arxiv.org/abs/2101.00001},\n\tnote = {x, y}\n}",
    "@Book{D4, Title = {Upper-case keys}, Publisher = {P}}",
]


def _reference(text: str) -> tuple[str, str, dict[str, str]] | None:
    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    return next(((e.entry_type.lower(), e.key, {f.key.lower(): str(f.value) for f in e.fields})
                 for e in library.entries), None)


@pytest.mark.parametrize("text", ENTRIES)
def test_plain_reader_matches_bibtexparser(text: str) -> None:
    assert _reader._plain_entry(text) == _reference(text)


def test_plain_reader_matches_bibtexparser_on_every_entry_in_tests_data() -> None:
    checked = 0
    for path in sorted(DATA.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for a, b in _reader._entry_spans(text) if "@" in text else []:
            entry = text[a:b]
            mine = _reader._plain_entry(entry)
            if mine is not None:
                assert mine == _reference(entry), (path, entry[:80])
                checked += 1
    assert checked >= 50


def test_concatenation_is_left_to_bibtexparser() -> None:
    text = '@article{e5, title = {Joined} # " title", year = {2020}}'
    assert _reader._plain_entry(text) is None
    block = parse_block(text + "\n\n@misc{f6, title = {Second}}")
    assert block.format == "bibtex"
    ref = _reference(text)
    assert ref is not None
    # bibtexparser's own reading of it (it keeps the "#" expression as written).
    expected = " ".join(ref[2]["title"].replace("{", "").replace("}", "").split())
    assert [s.name for s in block.sources] == [expected, "Second"]


def test_duplicate_key_is_read_once_and_noted() -> None:
    block = parse_block("@misc{k, title = {First}}\n\n@misc{k, title = {Again}}")
    assert [s.name for s in block.sources] == ["First"]
    assert any("could not be read" in n for n in block.notes)


def test_each_source_keeps_its_own_citation_key() -> None:
    block = parse_block("@misc{first2020, title = {First}, url = {https://example.org/1}}\n\n"
                        "@misc{second2021, title = {Second}}")
    assert [s.meta["bibtex_key"] for s in block.sources] == ["first2020", "second2021"]
