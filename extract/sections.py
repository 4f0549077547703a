"""Split a report's narrative into the six sections of the 2019/2021 formats.

Headings are recognised by their words (一、总体情况 … 六、其他需要报告的事项),
numbered or not; a line of the 编制说明 that lists all six is no heading.
Table rows are left out of the section text.
"""

from __future__ import annotations

import re

from extract.labels import norm
from extract.layout import Layout, Paragraph

# key, heading words (normalised, any one suffices)
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("overview", ("总体情况", "概述", "基本情况")),
    ("proactive", ("主动公开政府信息情况", "主动公开政府信息的情况", "主动公开情况")),
    (
        "requests",
        (
            "收到和处理政府信息公开申请情况",
            "收到和处理政府信息公开申请的情况",
            "依申请公开政府信息情况",
            "政府信息公开申请情况",
        ),
    ),
    (
        "review_litigation",
        (
            "行政复议、行政诉讼情况",
            "行政复议和行政诉讼情况",
            "行政复议、提起行政诉讼",
            "行政复议,行政诉讼情况",
        ),
    ),
    ("problems", ("存在的主要问题及改进情况", "存在的主要问题", "主要问题及改进")),
    ("other", ("其他需要报告的事项", "其他需要报告事项")),
)

_NUMBERED = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_SUBHEAD = re.compile(r"^[(（][一二三四五六七八九十\d]+[)）]")
_ENUMERATION = re.compile(r"^[一二三四五六七八九十]+[、.]")
_PART = re.compile(r"^第[一二三四五六七八九十]+(?:部分|章)[、.:]?")
# The heading words normalised once.
_WORDS = tuple((key, tuple(norm(w) for w in words)) for key, words in SECTIONS)


def heading_of(text: str) -> str | None:
    """The section key a line heads, or None."""
    t = text.strip().lstrip("#").strip()
    if not t or len(t) > 40 or _SUBHEAD.match(t):
        return None
    n = _PART.sub("", _ENUMERATION.sub("", norm(t)))
    for key, words in _WORDS:
        for w in words:
            if (
                n == w
                or (n.startswith(w) and len(n) <= len(w) + 6)
                or (w in n and _NUMBERED.match(t))
            ):
                return key
            # "政府信息公开行政复议、行政诉讼情况", "政府信息公开工作存在的主要问题及改进情况"
            if (
                w in n
                and len(n) <= len(w) + 12
                and key in ("review_litigation", "problems", "requests")
            ):
                return key
    return None


# Each section's numbered heading as printed inside running text, one
# pattern per heading word ("一、总体情况" … "六、其他需要报告的事项").
_INLINE = tuple(
    (
        key,
        tuple(
            re.compile(rf"{numeral}\s*[、.．]\s*(?:政府信息公开(?:工作)?)?{re.escape(w)}")
            for w in words
        ),
    )
    for (key, words), numeral in zip(SECTIONS, "一二三四五六", strict=True)
)


def _inline_sections(text: str) -> dict[str, str]:
    """Sections of a text run together into one line (a page's visible text
    kept by a crawler): the numbered headings "一、总体情况" … "六、其他需要报告的
    事项" found in order inside the text, each section running to the next."""
    found: list[tuple[int, int, str]] = []
    pos = 0
    for key, patterns in _INLINE:
        best = None
        for pattern in patterns:
            m = pattern.search(text, pos)
            if m and (best is None or m.start() < best.start()):
                best = m
        if best is not None:
            found.append((best.start(), best.end(), key))
            pos = best.end()
    out: dict[str, str] = {}
    for i, (_, end, key) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(text)
        out[key] = text[end:stop].strip()
    return out


def split_sections(layout: Layout) -> dict[str, str]:
    """The six sections' text, in order; a section not found is left out.
    Without heading lines, the numbered headings are looked for inside the
    text itself (a page run together into one line)."""
    found = _split_by_heading_lines(layout)
    if found:
        return found
    for item in layout.items:
        if isinstance(item, Paragraph) and len(item.text) > 200:
            inline = _inline_sections(item.text)
            if len(inline) >= 3:
                return inline
    return {}


def _split_by_heading_lines(layout: Layout) -> dict[str, str]:
    order = [k for k, _ in SECTIONS]
    found: dict[str, list[str]] = {}
    current: str | None = None
    for item in layout.items:
        if not isinstance(item, Paragraph):
            continue
        key = heading_of(item.text)
        if key is not None and (current is None or order.index(key) > order.index(current)):
            current = key
            found.setdefault(key, [])
            continue
        if current is not None and item.text.strip():
            found[current].append(item.text.strip())
    return {k: "\n".join(found[k]).strip() for k in order if k in found}
