"""A README is one subject with sections: its news lines and set-up steps are facts about it,
and the works its news lines link by name are related sources with those links."""

from __future__ import annotations

from bot.parse import parse_block

README = """# Plover

This is the official implementation for Plover: Sparse Routing for Small Speech Models.

## News

- 2024.03.02: Released [Plover-Tiny](https://github.com/example-lab/plover-tiny), a 12M variant.
- 2023.11.20: Accepted at a workshop.

## Updates

***05/12/2023***

1. Pretrained weights of [Heron](https://arxiv.org/abs/2301.00001) are available.

## Installation

1. Install [PyTorch 2.1](https://pytorch.org/get-started/locally/)
2. `git clone https://github.com/example-lab/plover`

## Get Started

Download the [checkpoint](https://drive.google.com/drive/folders/abc) first.

```bash
python run.py
```

## Acknowledgements

- We build on the [wav2vec tools](https://github.com/example-org/wav2vec-tools) codebase.
"""


def test_readme_is_one_subject_with_its_news_works_related() -> None:
    block = parse_block(README)
    subject = block.sources[0]
    assert subject.role == "subject"
    assert subject.name == "Plover: Sparse Routing for Small Speech Models"
    assert "https://github.com/example-lab/plover" in subject.urls
    assert "https://drive.google.com/drive/folders/abc" in subject.urls
    related = {s.name: s for s in block.sources[1:]}
    assert set(related) == {"Plover-Tiny", "Heron", "wav2vec tools"}
    assert all(s.role == "related" for s in related.values())
    assert related["Plover-Tiny"].urls == ["https://github.com/example-lab/plover-tiny"]
    assert related["Heron"].urls == ["https://arxiv.org/abs/2301.00001"]
    # News lines and set-up steps are the subject's text, never entries of their own.
    assert "Accepted at a workshop" in subject.summary
    assert not any(s.name.startswith(("2024", "Install", "Get Started")) for s in block.sources)


def test_dated_news_line_outside_a_news_section_names_its_repository() -> None:
    text = (
        "[2025-01-09] *Please see the newer [Kestrel](https://github.com/example-lab/kestrel)"
        " effort.*\n\n" + "\n".join(
            f"- [Paper {i} on routing](https://arxiv.org/abs/2401.0{i:04d}) - a study."
            for i in range(1, 6))
    )
    block = parse_block(text)
    names = {s.name: s for s in block.sources}
    assert names["Kestrel"].urls == ["https://github.com/example-lab/kestrel"]
    assert names["Kestrel"].role == "related"
    assert sum(1 for s in block.sources if s.role == "listed") == 5
