"""A whole saved web page: its content is read, its chrome is not, its cards are entries."""

from __future__ import annotations

from bot.ground.invariants import BlockText
from bot.parse import parse_block
from bot.parse.sentences import split_sentences

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><title>Daily reads</title><style>h1 { color: red; }</style></head>
<body>
  <header><nav><a href="https://example.org/">Home</a></nav></header>
  <main>
    <h1 class="page-title">2026-03-04</h1>
    <div class="card">
      <div class="card-title"><a href="../p/1.html">Ein Titel</a></div>
      <div class="card-title-en">Sparrow: Cheap Audio Tagging on Phones</div>
      <div class="card-abstract"># Abstract
We tag sounds on phones with a 2M-parameter model &amp; a tiny front end.</div>
      <span class="tag">Audio</span><span class="tag">Open Source</span>
      <a href="https://arxiv.org/abs/2603.00001">arXiv</a>
    </div>
    <div class="card">
      <div class="card-title-en">Heron: Fast Graph Sampling</div>
      <div class="card-abstract">Heron samples huge graphs quickly.</div>
      <a href="https://arxiv.org/abs/2603.00002">arXiv</a>
    </div>
  </main>
  <footer>© someone</footer>
</body></html>
"""


def test_a_saved_page_reads_as_its_cards_with_their_links() -> None:
    block = parse_block(PAGE)
    assert block.format == "html"
    assert [s.name for s in block.sources] == ["Sparrow: Cheap Audio Tagging on Phones",
                                               "Heron: Fast Graph Sampling"]
    assert block.sources[0].urls == ["https://arxiv.org/abs/2603.00001"]
    assert all("example.org" not in u for s in block.sources for u in s.urls)  # navigation
    text = BlockText(PAGE)
    for source in block.sources:  # every sentence is still a span of the page's text
        for sentence in split_sentences(source.summary):
            assert text.evidence(sentence), sentence
    assert "Audio" in block.sources[0].summary


def test_a_page_that_is_not_a_whole_document_is_left_to_the_other_readers() -> None:
    assert parse_block("Intro <b>bold</b>\n\n- [Kite](https://arxiv.org/abs/2603.00003)").format \
        != "html"


def test_a_broken_or_hostile_page_is_read_without_error() -> None:
    broken = ("<!doctype html><html><body><script>alert('<h1>x</h1>')</script>"
              + "<div>" * 3000 + "<h2 class='title'>Kite: Robust Parsing</h2><p>Unclosed <b>bold"
              + "<a href='https://arxiv.org/abs/2603.00009'>arXiv</a></span></li></table>")
    block = parse_block(broken)
    assert block.format == "html"
    assert [s.name for s in block.sources] == ["Kite: Robust Parsing"]
    assert block.sources[0].urls == ["https://arxiv.org/abs/2603.00009"]
    assert "alert" not in block.sources[0].summary  # scripts are not text
