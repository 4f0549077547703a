"""Which template a report follows, detected from its own table headers —
never guessed from the year alone (a 2023 report may still print the 2019
tables, and a 2021 report may print （六）其他处理 as one row)."""

from __future__ import annotations

from extract.forms import Form
from extract.labels import norm, norm_text
from extract.layout import Layout

# Printed in 表三 of both templates: a post-2019 report's table is present.
T3_MARKERS = ("本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "本年度办理结果")
# Pre-2019 statistics: words of the 2008 条例 reports and the 2014 统计表.
PRE2019_MARKERS = ("依申请公开", "主动公开政府信息", "申请公开", "信息公开")


def classify_format(layout: Layout, forms: dict[str, Form], year: int | None) -> tuple[str, str]:
    """Returns (format, how): format is "2021", "2019", "pre2019" or "unknown";
    how says what decided it ("markers", "year", …)."""
    text = norm_text(layout.all_text())  # not remembered: a document's text is large
    scores = {key: sum(1 for m in form.markers if norm(m) in text) for key, form in forms.items()}
    best = max(scores.values()) if scores else 0
    if best >= 2:
        winners = [k for k, v in scores.items() if v == best]
        if len(winners) == 1:
            return winners[0], "markers"
    has_t3 = sum(1 for m in T3_MARKERS if norm(m) in text) >= 2
    if has_t3 and year is not None:
        # 表三 only (no 表二 headers): the two templates differ in （六） alone.
        if year >= 2021:
            return "2021", "t3_and_year"
        if year >= 2019:
            return "2019", "t3_and_year"
    if year is not None and year < 2019 and any(norm(m) in text for m in PRE2019_MARKERS):
        return "pre2019", "year"
    return "unknown", "none"
