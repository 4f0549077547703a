"""Agency and report year of a report, from the document itself.

The report year is the year the statistics cover (统计期限), not the year of
publication: the 统计期限 sentence wins, then the title, then a sentence that
names the report ("现向社会各界公布2023年度…报告"). The agency comes from the
title, then from such a sentence, then from the signature above the date at
the end. Each answer records where it came from.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from extract.layout import Layout, Paragraph
from extract.sections import heading_of
from extract.titles import _REPORT, _YEAR, is_report_title, parse_title, to_year

_PERIOD = re.compile(
    rf"(?:统计(?:期限|周期|时限|时间|区间|范围)|数据(?:期限|时间))[^。；;\n]{{0,12}}?"
    rf"(?P<year>{_YEAR})\s*年\s*(?:1|01|一)\s*月\s*(?:1|01|一)\s*日"
)
_SPAN = re.compile(
    rf"(?P<year>{_YEAR})\s*年\s*(?:1|01)\s*月\s*(?:1|01)\s*日\s*(?:起)?\s*(?:至|到|—|-|－|~)\s*"
    rf"(?:(?P<end>{_YEAR})\s*年\s*)?12\s*月\s*31\s*日"
)
_NAMED = re.compile(rf"(?P<year>{_YEAR})年度?(?P<agency>[^，。；、,\s《》“”]{{2,30}}?){_REPORT}")
_DATE_LINE = re.compile(rf"^\s*(?:{_YEAR})\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日\s*$")
_AGENCY_END = re.compile(
    r"(?:局|办公室|办|人民政府|政府|委员会|委|管委会|街道办事处|街道|镇|乡|中心|院|所|站|队|厅|部|署|会|处|"
    r"分局|支队|大队|党工委管委会|\)|）)$"
)
_NOT_AGENCIES = frozenset({"政府", "政务", "人民政府", "政府部门", "各级政府"})
_TITLE_META = re.compile(r"^\s*(?:标题|题名|ArticleTitle)\s*[:：]\s*(.+)$")


@dataclass
class Meta:
    agency: str | None
    year: int | None
    title: str | None
    agency_source: str | None
    year_source: str | None


def _title_candidates(layout: Layout) -> Iterator[str]:
    """The document's title: a declared one, else one of its first lines, or
    a few of them joined (titles wrap: "…2022年度政府信息" / "公开工作年度报告")."""
    out = []
    if layout.title:
        out.append(layout.title)
    lines: list[str] = []
    for item in layout.items[:40]:
        if not isinstance(item, Paragraph):
            break
        text = item.text.strip().lstrip("#").strip()
        if not text:
            continue
        m = _TITLE_META.match(text)
        if m:
            out.append(m.group(1))
            continue
        if heading_of(text):
            break
        if len(text) > 60:
            # A reader that ran the title into the first paragraph: its head
            # still starts with the title ("…2022年政府信息公开工作年度报告一、总体情况…").
            head = re.search(_REPORT, text[:80])
            if not lines and head:
                out.append(text[: head.end()])
            break
        lines.append(text)
        if len(lines) >= 4:
            break
    # Single lines first, then runs of 2, 3, 4 lines (a wrapped title); a
    # page's menus above the title ("首页" / "政务公开" / title) are then never
    # glued onto the agency.
    for size in range(1, len(lines) + 1):
        out.extend(_title_head("".join(lines[i : i + size])) for i in range(len(lines) - size + 1))
    yield from out
    # Only when none of those named both agency and year.
    yield from _later_title_lines(layout)


_TITLE_SCAN = 120  # items before the first section heading searched for a title line
_SENTENCE = re.compile(r"[，。；：《》“”,;]")


def _later_title_lines(layout: Layout) -> list[str]:
    """A title line below page furniture: a web page printed or copied whole
    starts with its menus ("首页", "政务公开" …) and reaches the report's
    title later ("…公安局2022年政府信息公开工作年度报告来源：时间：…").

    Only lines before the first section heading, whose words up to the
    report's name are not a sentence and name a year."""
    out: list[str] = []
    for item in layout.items[:_TITLE_SCAN]:
        if not isinstance(item, Paragraph):
            continue
        text = item.text.strip()
        if heading_of(text):
            break
        m = re.search(_REPORT, text[:100])
        if not m:
            continue
        head = _title_head(text)
        if len(head) <= 60 and not _SENTENCE.search(head) and is_report_title(head):
            out.append(head)
    return out


_CRUMB_SEP = re.compile(r".*[•·>›»|/\\]")
_COLUMN_NAME = re.compile(r"^(?:政府|政务)?信息公开(?:工作)?(?:年报|年度报告)(?=.+?(?:19|20)\d{2})")


def _title_head(text: str) -> str:
    """A line up to the end of the report's name, without the breadcrumb in
    front of it: "•政府信息公开年报平潭综合实验区2019年度…报告来源：…" →
    "平潭综合实验区2019年度…报告" (the separators, then the column's name, are
    no part of the agency). A line without the report's name is kept whole."""
    for m in re.finditer(_REPORT, text[:120]):
        # "政府信息公开年报" the column comes before the title: the title is
        # the first report name with a year.
        head = _COLUMN_NAME.sub("", _CRUMB_SEP.sub("", text[: m.end()]).strip())
        if parse_title(head)[1] is not None:
            return head
    return text


def _signature(layout: Layout) -> str | None:
    """The agency signing the report: a short line above the closing date."""
    paras = [p.text.strip() for p in layout.paragraphs() if p.text.strip()]
    tail = paras[-4:]
    for i in range(len(tail) - 1, -1, -1):
        text = unicodedata.normalize("NFKC", tail[i]).strip()
        if _DATE_LINE.match(text):
            if i > 0:
                cand = re.sub(r"\s+", "", unicodedata.normalize("NFKC", tail[i - 1]))
                if 2 <= len(cand) <= 30 and _AGENCY_END.search(cand) and "。" not in cand:
                    return tail[i - 1].strip()
            return None
    return None


_REPORT_NAME = re.compile(rf"(?P<year>{_YEAR})年度?{_REPORT}")


def _year_of_report_name(compact: str) -> int | None:
    """The year in the first mention of the report by name ("…2022年政府信息
    公开工作年度报告…") near the top — for text run together, where no title
    line stands apart. A name inside 《》 is another document (a notice on
    how to write the report) and does not count."""
    head = compact[:3000]
    for m in _REPORT_NAME.finditer(head):
        before = head[: m.start()]
        if before.count("《") > before.count("》"):
            continue
        return to_year(m["year"])
    return None


def find_meta(layout: Layout) -> Meta:
    title = None
    agency = year = None
    agency_src = year_src = None
    for cand in _title_candidates(layout):
        a, y = parse_title(cand)
        if y is not None or a is not None:
            title = cand
            if a and not agency:
                agency, agency_src = a, "title"
            if y and not year:
                year, year_src = y, "title"
            if agency and year:
                break
    text = unicodedata.normalize("NFKC", layout.all_text())
    compact = re.sub(r"[ \t\u3000]+", "", text)
    m = _PERIOD.search(compact) or _SPAN.search(compact)
    if m:
        period_year = to_year(m["year"])
        if period_year:
            year, year_src = period_year, "statistics_period"
    if agency is None or year is None:
        for m in _NAMED.finditer(compact):
            a = m["agency"].strip()
            # "2022年政府信息公开…" names no agency: 政府 there is part of the report's name.
            if a.startswith(("本", "我", "该")) or a in _NOT_AGENCIES or not _AGENCY_END.search(a):
                continue
            if agency is None:
                agency, agency_src = a, "body"
            if year is None:
                year, year_src = to_year(m["year"]), "body"
            break
    if year is None:
        year = _year_of_report_name(compact)
        if year is not None:
            year_src = "report_name"
    if agency is None:
        sig = _signature(layout)
        if sig:
            agency, agency_src = sig, "signature"
    return Meta(agency, year, title, agency_src, year_src)
