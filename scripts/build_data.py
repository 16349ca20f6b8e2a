"""Write bot/ground/data/zipf_en.txt: wordfreq's "small" English list as Zipf values.

The engine needs one number per word (how common it is in English) on every answer, but
importing wordfreq and loading its list costs ~0.1 s, most of a cold `sourcebound ask`. The
table it reads is this file, made once here from wordfreq (a dev dependency):

    .venv/bin/python scripts/build_zipf.py

Lines are `<zipf × 100><TAB><words separated by spaces>`, most frequent first.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path

import wordfreq
import yaml

DATA = Path(__file__).resolve().parent.parent / "bot" / "ground" / "data"
OUT = DATA / "zipf_en.txt"
HEADER = f"""\
# Zipf frequencies of English words (log10 of occurrences per billion words), from wordfreq
# {wordfreq.__version__ if hasattr(wordfreq, "__version__") else "3.x"} "small" list by Robyn Speer et al.
# (https://github.com/rspeer/wordfreq), data under CC BY-SA 4.0. Made by scripts/build_zipf.py.
# Each line: zipf × 100, a tab, then the words with that value.
"""


def compiled(path: Path) -> str:
    """The JSON the engine reads for one YAML data file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def main() -> None:
    (DATA / "compiled").mkdir(exist_ok=True)
    for path in sorted(DATA.glob("*.yaml")):
        (DATA / "compiled" / f"{path.stem}.json").write_text(compiled(path), encoding="utf-8")
        print(f"compiled {path.name}")
    groups: dict[int, list[str]] = defaultdict(list)
    for word, freq in wordfreq.get_frequency_dict("en", wordlist="small").items():
        if not word or any(c.isspace() for c in word):
            continue
        groups[round((math.log10(freq) + 9) * 100)].append(word)
    lines = [f"{z}\t{' '.join(sorted(ws))}" for z, ws in sorted(groups.items(), reverse=True)]
    OUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({sum(map(len, groups.values()))} words)")


if __name__ == "__main__":
    main()
