"""A hand-built Answer shaped like the reference answer for seed 000, with hostile text
(pings, Markdown, a code fence) where a pasted source block could put it."""

from __future__ import annotations

from bot.models import Answer, Evidence, Link, Source, Step, Task, Workflow


def reference_workflow() -> Workflow:
    return Workflow(
        steps=[
            Step(id="in", kind="input", label="hazy / weather-degraded images, any city, any camera"),
            Step(
                id="m1",
                kind="model",
                label="WeatherRemoval-CLAIO-DeHaze",
                source_ids=["m1"],
                note="all-in-one weather-removal model",
            ),
            Step(
                id="t1",
                kind="technique",
                label="tokenized latent space + transformer",
                note="robust to sensor variability/failure",
                source_ids=["p1"],
            ),
            Step(
                id="t2",
                kind="technique",
                label="optimizer specialised to the model",
                note="generalizes to unseen datasets",
                source_ids=["p2"],
            ),
            Step(
                id="t3",
                kind="technique",
                label="adaptive (multiscale) tokenization, pretrained then fine-tuned",
                note="beats scratch training in low-data regimes",
                source_ids=["p3"],
            ),
            Step(id="out", kind="output", label="restored, haze-free images"),
        ],
        edges=[("in", "m1"), ("m1", "out"), ("t1", "m1"), ("t2", "m1"), ("t3", "m1")],
    )


def reference_answer(*, hostile: bool = False) -> Answer:
    ping = " <!channel> @everyone <@U123ABC> @here" if hostile else ""
    return Answer(
        question="How does this model stay generalizable across environments and sensor types?"
        + ping,
        task=Task(
            summary="Image dehazing with WeatherRemoval-CLAIO-DeHaze across cities." + ping,
            labels=["image dehazing", "adverse weather removal", "domain generalization"],
            input="hazy images from several cities",
            output="restored, haze-free images",
            setting=["across cities", "without retraining"],
            source_ids=["m1"],
        ),
        workflow=reference_workflow()
        if not hostile
        else Workflow(
            steps=[
                Step(id="in", kind="input", label="images ``` @everyone"),
                Step(id="m1", kind="model", label="Model <!channel>", source_ids=["m1"]),
                Step(id="t1", kind="technique", label="trick @here", note="<@U123ABC>",
                     source_ids=["p1"]),
                Step(id="out", kind="output", label="output"),
            ],
            edges=[("in", "m1"), ("m1", "out")],
        ),
        evidence=[
            Evidence(
                text="We find that TOTEM outperforms or matches EEGNet across all "
                "generalizability cases." + ping,
                source_id="p1",
            ),
            Evidence(text="tokenization enables *generalization*", source_id="p1"),
        ],
        links=[
            Link(
                url="https://github.com/xiaojihh/cl_all-in-one",
                label="WeatherRemoval-CLAIO-DeHaze" + ping,
                source_id="m1",
                kind="github",
            ),
            Link(
                url="http://arxiv.org/pdf/2402.18546v3.pdf",
                label="Generalizability Under Sensor Failure",
                source_id="p1",
                kind="arxiv",
            ),
        ],
        caveats=["no paper was supplied for WeatherRemoval-CLAIO-DeHaze" + ping],
        sources=[
            Source(id="m1", kind="model", name="WeatherRemoval-CLAIO-DeHaze"),
            Source(id="p1", kind="paper", name="Generalizability Under Sensor Failure"),
            Source(id="p2", kind="paper", name="Narrowing the Focus"),
            Source(id="p3", kind="paper", name="MATEY"),
        ],
        considered=4,
    )
