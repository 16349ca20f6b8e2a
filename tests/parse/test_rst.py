"""reStructuredText docs pages: section titles, list-tables and `text <url>`_ links read as
the document model reads Markdown; a legend table explains marks and lists no works."""

from __future__ import annotations

from bot.parse import parse_block
from bot.parse._rst import looks_like_rst, rst_markdown

_ZOO = """\
Detection Models
================

Legend
------

.. list-table::
   :header-rows: 1

   * - **Key**
     - **Description**
   * - **R**
     - Repository – link to the source code.
   * - **W**
     - Weights – links in several formats:
       - **ONNX:** exported graph
       - **TRT:** engine file

Results
-------

.. list-table::
   :header-rows: 1
   :widths: 30 10 10 30

   * - Model
     - mAP
     - FPS
     - Links
   * - tinydet_s
     - 31.5
     - 410
     - | `R <https://github.com/example/tinydet>`_ `W <https://example.org/zoo/tinydet_s.onnx>`_
   * - tinydet_m
     - 38.2
     - 240
     - | `R <https://github.com/example/tinydet>`_ `W <https://example.org/zoo/tinydet_m.onnx>`_
   * - tinydet_l
     - 44.0
     - 120
     - | `R <https://github.com/example/tinydet>`_
         `W <https://example.org/zoo/tinydet_l.onnx>`_
"""


def test_a_list_table_page_is_read_as_its_rows() -> None:
    assert looks_like_rst(_ZOO)
    block = parse_block(_ZOO)
    assert block.format == "rst"
    by_name = {s.name: s for s in block.sources}
    assert set(by_name) == {"tinydet_s", "tinydet_m", "tinydet_l"}, list(by_name)
    assert by_name["tinydet_l"].urls == [
        "https://github.com/example/tinydet", "https://example.org/zoo/tinydet_l.onnx"]
    assert by_name["tinydet_s"].meta["fps"] == "410"
    assert by_name["tinydet_s"].meta["section"] == "Results"


def test_titles_become_headings_and_links_markdown() -> None:
    md = rst_markdown(_ZOO)
    assert md.startswith("# Detection Models")
    assert "## Results" in md
    assert "[R](https://github.com/example/tinydet)" in md


def test_a_nested_list_inside_a_cell_stays_in_that_cell() -> None:
    md = rst_markdown(_ZOO)
    legend_row = next(line for line in md.splitlines() if line.startswith("| **W**"))
    assert legend_row.count(" | ") == 1, legend_row


def test_markdown_with_a_code_sample_is_no_rst() -> None:
    text = "# Usage\n\nSee [docs](https://example.org/docs).\n\n```\n.. note::\n```\n"
    assert not looks_like_rst(text)


_GRID = """\
Benchmarks
==========

Depth heads
-----------

See `the docs <https://example.org/docs>`_ and `the paper <https://arxiv.org/abs/2401.00001>`_.

.. table:: Depth error on the indoor split

    +------------------+-------+----------+
    |                  | AbsRel| Mem (GB) |
    +==================+=======+==========+
    | tiny head        | 0.121 | 1.5      |
    +------------------+-------+----------+
    | large head       | 0.094 | 6.2      |
    | (two stages)     |       |          |
    +------------------+-------+----------+
"""


def test_a_grid_table_is_read_as_rows_with_their_fields() -> None:
    md = rst_markdown(_GRID)
    assert "**Depth error on the indoor split**" in md
    assert "| large head (two stages) | 0.094 | 6.2 |" in md
    block = parse_block(_GRID)
    rows = {s.name: s for s in block.sources}
    assert rows["tiny head"].meta["absrel"] == "0.121"
    assert rows["large head (two stages)"].meta["mem (gb)"] == "6.2"
