"""HTML comments (`<!-- … -->`, the guidance lines of Hugging Face's model card template) are
for a card's author: never readable text, never a name, and links inside them attach to
nothing."""

from __future__ import annotations

from bot.ground.invariants import BlockText
from bot.parse import parse_block
from bot.parse._markup import clean_name, links, readable

# A card as the Hub's template leaves it half filled in: front matter, guidance comments (one
# spanning lines, one before the first words of the card, one holding a URL), filled fields.
CARD = """---
library_name: transformers
license: apache-2.0
base_model: distilbert/distilbert-base-uncased
pipeline_tag: text-classification
datasets:
- stanfordnlp/imdb
---

<!-- This model card has been generated automatically according to the information the
Trainer had access to. You should probably proofread and complete it, then remove this
comment. See https://example.org/card-guide for the guide. -->

# imdb-sentiment-distilbert

<!-- Provide a quick summary of what the model is/does. -->

This model is a fine-tuned version of
[distilbert/distilbert-base-uncased](https://huggingface.co/distilbert/distilbert-base-uncased)
on the IMDb reviews dataset. It reaches an accuracy of 0.93 on the test split.

## Model Details

<!-- Provide a longer summary of what this model is. -->

- **Developed by:** a small research group
- **Model type:** text classifier <!-- encoder only -->
- **License:** apache-2.0

## Training procedure

<!-- Relevant interpretability work for the model goes here -->

The model was trained for 2 epochs with a learning rate of 2e-05.
"""


def test_model_card_comments_leave_no_trace_in_summary_or_names() -> None:
    block = parse_block(CARD)
    assert block.format == "model_card"
    subject = block.sources[0]
    assert subject.role == "subject" and subject.name == "imdb-sentiment-distilbert"
    for source in block.sources:
        assert "<!--" not in source.name and "-->" not in source.name
        assert "<!--" not in source.summary and "-->" not in source.summary
        assert "Provide a" not in source.summary and "proofread" not in source.summary
    assert "fine-tuned version of distilbert/distilbert-base-uncased" in subject.summary
    assert "trained for 2 epochs" in subject.summary
    # The guide's URL sits in a comment: the block still lists it, no source carries it.
    assert "https://example.org/card-guide" in block.links
    assert all("example.org" not in u for s in block.sources for u in s.urls)
    # What is left is still evidence: each paragraph a contiguous span of the stripped block.
    check = BlockText(CARD)
    for paragraph in subject.summary.split("\n\n"):
        assert check.evidence(paragraph), paragraph


def test_card_whose_prose_opens_with_a_comment_is_named_by_its_words() -> None:
    text = CARD.replace("# imdb-sentiment-distilbert\n", "")
    subject = parse_block(text).sources[0]
    assert "<!--" not in subject.name and "--" not in subject.name
    assert subject.name


def test_markup_helpers_drop_comments() -> None:
    assert clean_name("BERT <!-- base --> large") == "BERT large"
    assert readable("one <!-- two\nthree --> four") == "one\n\nfour"
    assert [k.url for k in links("<!-- [x](https://a.org/x) --> [y](https://b.org/y)")] == [
        "https://b.org/y"
    ]
    # An unclosed comment is text as written (nothing says where it would end).
    assert clean_name("<!-- draft") == "<!-- draft"
