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


CITING_README = """# Marten

Marten segments cells in microscopy stacks. It borrows its encoder from
[Sable](https://github.com/example-lab/sable).

## Citation

```bibtex
@inproceedings{kim2022marten,
  title={{Marten}: Label-Efficient Cell Segmentation},
  author={Kim, A. and Park, B.},
  booktitle={Proc. MICCAI},
  year={2022},
  url={https://arxiv.org/abs/2201.00002}
}

@article{lee2021sable,
  title={Sable: A Small Encoder for Biological Images},
  author={Lee, C.},
  journal={arXiv preprint arXiv:2105.00003},
  year={2021}
}
```
"""


def test_a_readmes_fenced_bibtex_lends_its_own_citation_and_cites_the_rest() -> None:
    block = parse_block(CITING_README)
    by_name = {s.name: s for s in block.sources}
    subject = block.sources[0]
    assert subject.role == "subject" and subject.name == "Marten"
    # The page's own citation ("Marten: …") is the subject's: its URL and year, no new source.
    assert "https://arxiv.org/abs/2201.00002" in subject.urls
    assert subject.meta.get("year") == "2022"
    # The other citation is a related paper with its BibTeX title and fields.
    cited = by_name["Sable: A Small Encoder for Biological Images"]
    assert (cited.kind, cited.role, cited.meta.get("year")) == ("paper", "related", "2021")
    assert "Marten: Label-Efficient Cell Segmentation" not in by_name


def test_a_listing_sections_citation_block_is_that_entrys_not_a_second_source() -> None:
    text = """# Reading list

#### Heron: Fast Graph Sampling

paper link: [here](https://example.org/heron.pdf)

```bibtex
@inproceedings{heron2023,
  title={Heron - Fast Graph Sampling for Huge Graphs},
  year={2023}
}
```

#### Ibis: Sparse Message Passing

paper link: [here](https://example.org/ibis.pdf)

```bibtex
@article{ibis2022,
  title={Ibis},
  year={2022}
}
```
"""
    block = parse_block(text)
    assert [s.name for s in block.sources] == ["Heron: Fast Graph Sampling",
                                               "Ibis: Sparse Message Passing"]
    assert [s.meta.get("year") for s in block.sources] == ["2023", "2022"]


def test_a_digest_heading_with_its_links_is_one_entry_with_its_labelled_code_url() -> None:
    text = """Today's uploads

### Sparse Probes for Tiny Models (http://arxiv.org/abs/2407.00011v1) [pdf: http://arxiv.org/pdf/2407.00011v1]
Code and data:
  https://github.com/example-lab/sparse-probes

- **Summary**: The paper probes small models with sparse linear maps.

- **Follow-up questions**: [{'Question 1': "Explain why the probes stay sparse when the model is small and the data is noisy."}]

### Dense Probes Revisited (http://arxiv.org/abs/2407.00012v1) [pdf: http://arxiv.org/pdf/2407.00012v1]
- **Summary**: A second look at dense probes.
"""
    block = parse_block(text)
    assert [s.name for s in block.sources] == ["Sparse Probes for Tiny Models",
                                               "Dense Probes Revisited"]
    assert "https://github.com/example-lab/sparse-probes" in block.sources[0].urls
    assert block.sources[0].meta["summary"].startswith("The paper probes")
