"""A model transform and the engine that serves the transformed model are one chain after the
model; the recommended model's own method sentence is its note."""

from __future__ import annotations

from bot.ground import ground
from bot.ground.invariants import check
from bot.models import Source, SourceBlock

MODEL = Source(
    id="m1", kind="model", role="recommended", name="TinyChat-7B",
    urls=["https://github.com/example/tinychat"],
    summary="TinyChat-7B is a chat language model. It keeps its accuracy at low precision by "
            "calibrating each layer's weights against activation outliers before rounding.",
)
QUANT = Source(
    id="p1", kind="paper", role="related", name="AWQ: Activation-aware Weight Quantization",
    urls=["https://arxiv.org/abs/2306.00978"],
    summary="We propose activation-aware weight quantization for large language models. "
            "Post-training quantization to 4-bit keeps accuracy by protecting salient weights.",
)
ENGINE = Source(
    id="p2", kind="paper", role="related", name="FastServe: an inference engine for LLMs",
    urls=["https://arxiv.org/abs/2305.05920"],
    summary="We present FastServe, an inference engine for serving LLM requests. Speculative "
            "decoding and a paged kv cache give efficient inference of quantized models.",
)


def _block() -> SourceBlock:
    text = "\n\n".join(f"{s.name}\n{' '.join(s.urls)}\n{s.summary}" for s in (MODEL, QUANT, ENGINE))
    return SourceBlock(text=text, format="request", sources=[MODEL, QUANT, ENGINE],
                       question="How does TinyChat-7B keep its accuracy when quantized?")


def test_transform_then_engine_is_a_chain_after_the_model() -> None:
    block = _block()
    ans = ground(block, block.question or "")
    assert check(block, ans) == []
    by_source = {s.source_ids[0]: s for s in ans.workflow.steps if s.source_ids}
    model, quant, engine = by_source["m1"], by_source["p1"], by_source["p2"]
    assert {model.kind, quant.kind, engine.kind} == {"model"}
    edges = set(ans.workflow.edges)
    assert {("in", model.id), (model.id, quant.id), (quant.id, engine.id), (engine.id, "out")} <= edges
    assert ("in", quant.id) not in edges and (model.id, "out") not in edges


def test_the_models_own_method_is_its_note_and_in_the_summary() -> None:
    block = _block()
    ans = ground(block, block.question or "")
    (model,) = [s for s in ans.workflow.steps if s.source_ids == ["m1"]]
    assert "calibrating each layer's weights" in model.note
    assert "calibrating each layer's weights against activation outliers" in ans.task.summary
