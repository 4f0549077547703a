"""Report titles: recognising a 政府信息公开工作年度报告 and reading the agency
and report year from its title (the crawler uses the same grammar on link
texts). Pure functions, no I/O.

Grammar seen in the wild (see shared/research/portals.md §10)::

    [AGENCY] YEAR (年度|年) [政府|政务] 信息公开 [工作] (年度报告|年报|工作报告|报告) [（图片版）…]
    YEAR 年[度] AGENCY … 信息公开 …                      (year first)
"""

from __future__ import annotations

import re
import unicodedata

_CN_DIGITS = {
    "〇": "0",
    "○": "0",
    "零": "0",
    "Ｏ": "0",
    "O": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_YEAR = r"(?:19|20)\d{2}|[〇○零Ｏ一二][〇○零Ｏ一二三四五六七八九]{3}"
_REPORT = (
    r"(?:政府|政务)?信息公开(?:工作)?(?:年度|的)?(?:工作)?(?:年度报告|年报|工作报告|报告|情况报告)"
)

_AGENCY_YEAR = re.compile(rf"^(?P<agency>.*?)(?:关于)?(?P<year>{_YEAR})年度?(?:的)?{_REPORT}")
_YEAR_AGENCY = re.compile(rf"^(?P<year>{_YEAR})年度?(?P<agency>.+?){_REPORT}")
_REPORT_WORDS = re.compile(_REPORT)

# Titles that contain the words but are not reports.
EXCLUDE = re.compile(
    r"格式|编制|通知|指南|制度|目录|解读|图解|统计年报|决算|预算|工作要点|企业年报|年报公示"
    r"|申请表|征求意见|考核|评估|模板|模版|说明会|报送|填报|解释|工作方案|培训"
)

_STRIP = " \t\r\n#*·:：-—_|"


def to_year(text: str) -> int | None:
    """'2023' or '二〇二三' (full-width digits allowed) → 2023."""
    text = unicodedata.normalize("NFKC", text)
    digits = "".join(_CN_DIGITS.get(ch, ch) for ch in text)
    if re.fullmatch(r"(?:19|20)\d{2}", digits):
        return int(digits)
    return None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


def parse_title(title: str) -> tuple[str | None, int | None]:
    """(agency, report year) from a report title; either may be None.

    >>> parse_title("宁波市江北区统计局2020年政府信息公开工作年度报告")
    ('宁波市江北区统计局', 2020)
    >>> parse_title("2021年迎宾路街道政府信息公开工作年度报告")
    ('迎宾路街道', 2021)
    """
    t = _clean(title)
    m = _AGENCY_YEAR.search(t)
    if m:
        agency = m["agency"].strip(_STRIP) or None
        year = to_year(m["year"])
        if agency is None:
            m2 = _YEAR_AGENCY.search(t)
            if m2:
                agency = m2["agency"].strip(_STRIP) or None
        return _agency_or_none(agency), year
    m = _YEAR_AGENCY.search(t)
    if m:
        return _agency_or_none(m["agency"].strip(_STRIP)), to_year(m["year"])
    return None, None


def _agency_or_none(agency: str | None) -> str | None:
    if not agency:
        return None
    agency = re.sub(r"^(?:关于|公布)", "", agency)
    if agency in ("政府", "政务") or len(agency) < 2 or len(agency) > 40:
        return None
    return agency


def is_report_title(title: str) -> bool:
    """True for a 政府信息公开工作年度报告 title with a year; False for the
    look-alikes (年报格式通知, 公开指南, 统计年报, 决算, 工作要点 …)."""
    t = _clean(title)
    if not _REPORT_WORDS.search(t) or EXCLUDE.search(t):
        return False
    return parse_title(t)[1] is not None


_SUFFIX = re.compile(
    r"[（(]\s*(?:图片版|超链版|文字版|PDF版|pdf版|修订(?:版)?|更正(?:版)?|全文)\s*[)）]$"
)
_COLUMN_WORDS = re.compile(r"年报|年度报告")
_YEAR_ONLY = re.compile(rf"(?P<year>{_YEAR})年度?")


def strip_suffix(title: str) -> str:
    """The title without a trailing edition suffix such as （图片版）."""
    t = _clean(title)
    while True:
        new = _SUFFIX.sub("", t)
        if new == t:
            return t
        t = new


def infer_report(
    title: str,
    *,
    column: str | None = None,
    publisher: str | None = None,
    site: str | None = None,
) -> tuple[str | None, int | None]:
    """(agency, report year) of a report from its title and what its page says.

    The year comes from the title only — the year the report covers, never the
    publication date in a URL or a 成文日期 (reports appear up to 15 months
    late). A year-only title under a 年报 column (``column``) still gives its
    year. The agency comes from the title, else, in order, the page's
    发布机构 (``publisher``), the per-unit column name, the site name.
    """
    t = strip_suffix(title)
    agency, year = parse_title(t)
    if year is None and column and _COLUMN_WORDS.search(_clean(column)):
        m = _YEAR_ONLY.search(t)
        if m and not EXCLUDE.search(t):
            year = to_year(m["year"])
    if agency is None:
        for candidate in (publisher, _unit_from_column(column), site):
            if candidate and _agency_or_none(_clean(candidate).strip(_STRIP)):
                agency = _clean(candidate).strip(_STRIP)
                break
    return agency, year


def _unit_from_column(column: str | None) -> str | None:
    """'区统计局政府信息公开年报' → '区统计局'; a bare '政府信息公开年报' → None."""
    if not column:
        return None
    unit = re.split(r"(?:政府|政务)?信息公开|年报|年度报告", _clean(column))[0]
    unit = re.sub(r"(?:19|20)\d{2}年?度?$", "", unit)
    return unit or None
