"""Links of the relevant sources, exactly as the block wrote them, never from injected text."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.ground.injection import is_injection
from bot.ground.invariants import BlockText
from bot.ground.wording import Wording
from bot.models import Link, Source, SourceBlock
from bot.safety import defang, has_ping
from bot.urls import find_urls, link_kind
from bot.urls import normalize_url as norm_url

_BOUNDARY = re.compile(r"[.!?]\s|\n")
WINDOW = 600


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of `text` that holds text[start:end] (a URL's dots do not end it)."""
    lo = max(0, start - WINDOW)
    before = [m.end() for m in _BOUNDARY.finditer(text, lo, start)]
    after = _BOUNDARY.search(text, end, min(len(text), end + WINDOW))
    return text[before[-1] if before else lo : after.start() + 1 if after else end + WINDOW]


def injected_only(text: str, url: str) -> bool:
    """Every occurrence of the URL sits inside a prompt-injection sentence."""
    probe = url if url in text else url[: max(12, len(url) // 2)]
    at = text.find(probe)
    if at < 0:
        return False
    while at >= 0:
        if not is_injection(_sentence_around(text, at, at + len(probe))):
            return False
        at = text.find(probe, at + 1)
    return True


def source_urls(source: Source) -> list[str]:
    urls = list(source.urls)
    for u in find_urls(source.summary):
        if u not in urls:
            urls.append(u)
    return urls


# A picture (a badge, a figure) is decoration of the paste, not a model, paper or tool.
_PICTURE = re.compile(r"(?:^|//)(?:img\.shields\.io|badge\.fury\.io|badgen\.net)/|\.(?:svg|png|jpe?g|gif|webp)(?:[?#]|$)",
                      re.IGNORECASE)


def is_picture(url: str) -> bool:
    return bool(_PICTURE.search(url))


# A model card cites every dataset it was trained on: fifty links drown the few a reader
# wants. Per source at most this many are listed; the others are counted in a caveat.
MAX_PER_SOURCE = 10


def pick(
    block: SourceBlock, chosen: Sequence[Source], *, text: BlockText | None = None
) -> tuple[list[Link], dict[str, int]]:
    """(links, source id -> how many more of its links were left out)."""
    grounded = text or BlockText(block.text)
    links: list[Link] = []
    left: dict[str, int] = {}
    seen: set[str] = set()
    for s in chosen:
        mine: list[str] = []
        for url in source_urls(s):
            key = norm_url(url)
            if key in seen or has_ping(url) or is_picture(url) or not grounded.link(url):
                continue
            bad = grounded.injected.get(url)
            if bad is None:
                bad = grounded.injected[url] = injected_only(grounded.text, url)
            if bad:
                continue
            seen.add(key)
            mine.append(url)
        # The first link of each kind (its paper, its code, its model page, its site) before
        # the rest, which follow in block order.
        firsts: dict[str, int] = {}
        for i, u in enumerate(mine):
            firsts.setdefault(link_kind(u), i)
        lead = set(firsts.values())
        ranked = sorted(range(len(mine)), key=lambda i: (i not in lead, i))
        keep = sorted(ranked[:MAX_PER_SOURCE])
        if len(mine) > MAX_PER_SOURCE:
            left[s.id] = len(mine) - MAX_PER_SOURCE
        links += [Link(url=mine[i], label=defang(s.name), source_id=s.id,
                       kind=link_kind(mine[i])) for i in keep]
    return links, left


def more_links_notes(
    chosen: Sequence[Source], left: dict[str, int], say: Wording
) -> list[str]:
    """One caveat per source whose links were cut to `MAX_PER_SOURCE`."""
    return [say.say("more_links", name=s.name, source_id=s.id, n=left[s.id])
            for s in chosen if s.id in left]
