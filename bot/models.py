"""The data types every part of Sourcebound exchanges.

`SourceBlock` is what the parser makes of pasted text; `Answer` is what grounding makes of a
block and a question (the JSON contract of DESIGN.md: other tools read `--format json`).
Adapters, the CLI and the tests all see these same objects.

They are plain dataclasses with the part of pydantic's `BaseModel` API the code uses
(`model_dump`, `model_dump_json`, `model_copy`, `model_validate` …): importing pydantic and
building these classes as models was a third of a cold `sourcebound ask`, which only builds
them from parsed text and prints them. Data from outside the process (the LLM backend's
reply, the history database) is still validated: `model_validate` / `model_validate_json`
and pydantic models that hold these types (`Reply.answer`) check it field by field with
pydantic, loaded on first use. Construction copies list and dict arguments and makes floats
of `relevance`, as pydantic's validation did, so the objects behave as the models did.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

if TYPE_CHECKING:
    from pydantic import TypeAdapter

SourceKind = Literal["model", "paper"]
# What a source is in its block (DESIGN.md): grounding decides by role, never by format name.
SourceRole = Literal["recommended", "related", "listed", "subject"]
LinkKind = Literal["github", "arxiv", "huggingface", "project", "other"]
StepKind = Literal["input", "model", "technique", "output"]
BlockFormat = Literal[
    "request", "paper_page", "listing", "bullets", "markdown_table", "urls", "json", "yaml",
    "bibtex", "freeform", "empty", "markdown", "model_card", "metafile", "cff", "html", "rst",
]
Engine = Literal["extractive", "llm"]


def _dump(value: Any, json_mode: bool) -> Any:
    if isinstance(value, _Model):
        return value._dump(json_mode)
    if isinstance(value, list):
        return [_dump(v, json_mode) for v in value]
    if isinstance(value, tuple):
        items = [_dump(v, json_mode) for v in value]
        return items if json_mode else tuple(items)
    if isinstance(value, dict):
        return {k: _dump(v, json_mode) for k, v in value.items()}
    return value


_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def _adapter(cls: type) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import TypeAdapter  # only where data from outside is validated

        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


class _Model:
    """What the code uses of pydantic's `BaseModel`, on a dataclass (see the module doc)."""

    __slots__ = ()
    # Read by pydantic when it validates one of these types: unknown keys are errors.
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    def __post_init__(self) -> None:
        # pydantic's validation gave every model its own lists and dicts: a caller that goes
        # on changing the list it passed must not change the model.
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if type(value) is list:
                object.__setattr__(self, f.name, list(value))
            elif type(value) is dict:
                object.__setattr__(self, f.name, dict(value))

    @classmethod
    def model_construct(cls, **values: Any) -> Self:
        return cls(**values)

    @classmethod
    def model_validate(cls, obj: Any) -> Self:
        """`obj` (a dict of JSON-like values) checked field by field, as pydantic does."""
        result: Self = _adapter(cls).validate_python(obj)
        return result

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Self:
        result: Self = _adapter(cls).validate_json(data)
        return result

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        schema: dict[str, Any] = _adapter(cls).json_schema()
        return schema

    def _dump(self, json_mode: bool, include: set[str] | None = None,
              exclude: set[str] | None = None) -> dict[str, Any]:
        return {f.name: _dump(getattr(self, f.name), json_mode)
                for f in fields(self)  # type: ignore[arg-type]
                if (include is None or f.name in include)
                and (exclude is None or f.name not in exclude)}

    def model_dump(self, *, mode: Literal["python", "json"] = "python",
                   include: set[str] | None = None,
                   exclude: set[str] | None = None) -> dict[str, Any]:
        return self._dump(mode == "json", include, exclude)

    def model_dump_json(self, *, indent: int | None = None, include: set[str] | None = None,
                        exclude: set[str] | None = None) -> str:
        """The JSON pydantic writes for the model: fields in order, non-ASCII as is, compact
        without `indent`."""
        return json.dumps(self._dump(True, include, exclude), ensure_ascii=False,
                          indent=indent,
                          separators=(",", ": ") if indent is not None else (",", ":"))

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        return replace(self, **(update or {}))  # type: ignore[type-var]


@dataclass(kw_only=True)
class Link(_Model):
    """A URL exactly as the source block wrote it (cleaned of wrapping artefacts only)."""

    url: str
    label: str
    source_id: str
    kind: LinkKind


@dataclass(kw_only=True)
class Source(_Model):
    """One model or paper of the block. `id` is stable within a block: m1, m2 … / p1, p2 …"""

    id: str
    kind: SourceKind
    role: SourceRole = "listed"
    name: str
    urls: list[str] = field(default_factory=list)
    summary: str = ""
    relevance: float = 0.0
    # Free-form facts the parser saw (e.g. {"authors": "6", "date": "Dec 14, 2022",
    # "arxiv_id": "2412.20601v1", "paper": "None"}); never invented, only copied.
    meta: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.relevance = float(self.relevance)


@dataclass(kw_only=True)
class SourceBlock(_Model):
    """Parsed pasted text. `text` is the raw block: the ground truth for every invariant."""

    text: str
    format: BlockFormat
    question: str | None = None
    instructions: str | None = None
    sources: list[Source] = field(default_factory=list)
    # Every URL seen anywhere in the block, cleaned, in order of first appearance.
    links: list[str] = field(default_factory=list)
    # What the parser could not do well ("no recognised structure; treated as one source").
    notes: list[str] = field(default_factory=list)

    def by_id(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)


@dataclass(kw_only=True)
class Task(_Model):
    summary: str
    labels: list[str] = field(default_factory=list)
    input: str = ""
    output: str = ""
    intent: str = ""  # how_it_works | which_to_pick | compare | apply | limitations | reproduce | general
    setting: list[str] = field(default_factory=list)  # cues: "across cities", "without retraining" …
    source_ids: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Step(_Model):
    id: str
    kind: StepKind
    label: str
    source_ids: list[str] = field(default_factory=list)
    # For technique steps: what the source contributes ("robust to sensor failure").
    note: str = ""


@dataclass(kw_only=True)
class Workflow(_Model):
    steps: list[Step] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        # An edge given as a JSON pair (a list) is a tuple, as pydantic made it.
        self.edges = [(a, b) for a, b in self.edges]


@dataclass(kw_only=True)
class Evidence(_Model):
    text: str
    source_id: str


@dataclass(kw_only=True)
class Answer(_Model):
    question: str
    task: Task
    workflow: Workflow
    evidence: list[Evidence] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    engine: Engine = "extractive"
    # How many sources were read, and whether the sources answer the question at all.
    considered: int = 0
    covered: bool = True
    # Which engine wrote each part and what a verifier dropped (LLM backend; empty otherwise).
    provenance: dict[str, Engine] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
