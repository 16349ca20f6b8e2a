"""The cold-start yardstick: a standard-library-only answerer that answers by regex.

`bench_coldstart.py` times a whole `sourcebound ask --format json` process against this one,
A B A B, so the ratio holds when the machine's speed drifts. Never used by the product.
"""

from __future__ import annotations

import json
import re
import sys

_URL = re.compile(r"https?://[^\s<>\"'`()\[\]]+")
_QUESTION = re.compile(r'"([^"\n]{8,}\?)"')


def main(path: str) -> None:
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    q = _QUESTION.search(text)
    links = list(dict.fromkeys(u.rstrip(".,;:") for u in _URL.findall(text)))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if q and set(q.group(1).split()) & set(s.split())]
    print(json.dumps({"question": q.group(1) if q else "", "links": links, "evidence": sentences[:4]}))


if __name__ == "__main__":
    main(sys.argv[1])
