"""The pydantic models every part of Sourcebound exchanges.

`SourceBlock` is what the parser makes of pasted text; `Answer` is what grounding makes of a
block and a question (the JSON contract of DESIGN.md: other tools read `--format json`).
Adapters, the CLI and the tests all see these same objects.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SourceKind = Literal["model", "paper"]
# What a source is in its block (DESIGN.md): grounding decides by role, never by format name.
SourceRole = Literal["recommended", "related", "listed", "subject"]
LinkKind = Literal["github", "arxiv", "huggingface", "project", "other"]
StepKind = Literal["input", "model", "technique", "output"]
BlockFormat = Literal[
    "request", "paper_page", "listing", "bullets", "markdown_table", "urls", "json", "yaml",
    "bibtex", "freeform", "empty", "markdown", "model_card", "metafile", "cff", "html",
]
Engine = Literal["extractive", "llm"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Link(_Model):
    """A URL exactly as the source block wrote it (cleaned of wrapping artefacts only)."""

    url: str
    label: str
    source_id: str
    kind: LinkKind


class Source(_Model):
    """One model or paper of the block. `id` is stable within a block: m1, m2 … / p1, p2 …"""

    id: str
    kind: SourceKind
    role: SourceRole = "listed"
    name: str
    urls: list[str] = Field(default_factory=list)
    summary: str = ""
    relevance: float = 0.0
    # Free-form facts the parser saw (e.g. {"authors": "6", "date": "Dec 14, 2022",
    # "arxiv_id": "2412.20601v1", "paper": "None"}); never invented, only copied.
    meta: dict[str, str] = Field(default_factory=dict)


class SourceBlock(_Model):
    """Parsed pasted text. `text` is the raw block: the ground truth for every invariant."""

    text: str
    format: BlockFormat
    question: str | None = None
    instructions: str | None = None
    sources: list[Source] = Field(default_factory=list)
    # Every URL seen anywhere in the block, cleaned, in order of first appearance.
    links: list[str] = Field(default_factory=list)
    # What the parser could not do well ("no recognised structure; treated as one source").
    notes: list[str] = Field(default_factory=list)

    def by_id(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)


class Task(_Model):
    summary: str
    labels: list[str] = Field(default_factory=list)
    input: str = ""
    output: str = ""
    intent: str = ""  # how_it_works | which_to_pick | compare | apply | limitations | reproduce | general
    setting: list[str] = Field(default_factory=list)  # cues: "across cities", "without retraining" …
    source_ids: list[str] = Field(default_factory=list)


class Step(_Model):
    id: str
    kind: StepKind
    label: str
    source_ids: list[str] = Field(default_factory=list)
    # For technique steps: what the source contributes ("robust to sensor failure").
    note: str = ""


class Workflow(_Model):
    steps: list[Step] = Field(default_factory=list)
    edges: list[tuple[str, str]] = Field(default_factory=list)


class Evidence(_Model):
    text: str
    source_id: str


class Answer(_Model):
    question: str
    task: Task
    workflow: Workflow
    evidence: list[Evidence] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    caveats: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    engine: Engine = "extractive"
    # How many sources were read, and whether the sources answer the question at all.
    considered: int = 0
    covered: bool = True
    # Which engine wrote each part and what a verifier dropped (LLM backend; empty otherwise).
    provenance: dict[str, Engine] = Field(default_factory=dict)
    dropped: list[str] = Field(default_factory=list)
