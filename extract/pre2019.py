"""Reports on 2008–2018: free-form sections and local or national statistics
tables, read into era-specific figures (table ``pre2019``).

Two eras (``shared/research/formats.md`` §3):

* ``2008`` — 2008–2013, old 条例 第三十二条 and provincial 附表 (主动公开信息数,
  受理依申请公开信息总数 by channel, 对申请的答复数: 同意公开 / 同意部分公开 /
  否决公开, 行政复议数 / 行政诉讼数 / 行政申诉数), often with a second
  column 历年累计 (cumulative, never an annual figure);
* ``2014`` — 2014–2018, the national 《政府信息公开情况统计表》 (国办发〔2014〕32号)
  and its provincial copies (不予公开答复数, 其他类型答复数, 收费减免金额 …).

Figures come from the statistics table (one row per indicator: label, unit,
this year, and maybe 历年累计) and, where no table states them, from sentences
("未收到有关政府信息公开的申请" = 0 requests). Flattened tables
("主动公开文件数条294981916") are split only where the report's own sums and
"累计 ≥ 本年" leave one split; otherwise the figure is left out with a warning.

:data:`CROSSWALK` says, as data, which keys mean the same as a 2019+ cell
and what differs.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from extract.labels import norm
from extract.layout import Layout

# key, printed label variants (normalised containment), unit kind
INDICATORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("proactive_items", ("主动公开信息数", "主动公开文件数", "主动公开政府信息数")),
    ("proactive_web", ("网站公开数", "网站公开", "政府网站公开数")),
    ("proactive_gazette", ("政府公报公开数", "政府公报公开", "公报公开")),
    (
        "requests_received",
        (
            "受理依申请公开信息总数",
            "受理政府信息依申请公开总数",
            "受理政府信息公开申请总数",
            "收到申请数",
            "受理申请总数",
        ),
    ),
    ("requests_in_person", ("当面申请数",)),
    ("requests_fax", ("传真申请数",)),
    ("requests_email", ("电子邮件申请数",)),
    ("requests_online", ("网上申请数", "网络申请数")),
    ("requests_letter_fax", ("信函、传真申请数",)),
    ("requests_letter", ("信函申请数",)),
    ("requests_other_channel", ("其它形式申请数", "其他形式申请数")),
    ("replies_total", ("对申请的答复总数", "对申请的答复数", "申请答复数")),
    ("replies_granted", ("同意公开答复数",)),
    ("replies_partial", ("同意部分公开答复数",)),
    ("replies_refused", ("否决公开答复数", "不予公开答复数", "不同意公开答复数")),
    ("replies_other", ("其他类型答复数",)),
    ("replies_already_public", ("属于已主动公开范围数",)),
    ("replies_not_exist", ("申请信息不存在数",)),
    ("replies_amend", ("告知作出更改补充数",)),
    ("replies_redirect", ("告知通过其他途径办理数",)),
    ("requests_completed", ("申请办结数",)),
    ("requests_completed_on_time", ("按时办结数",)),
    ("requests_completed_late", ("延期办结数",)),
    ("replies_not_held", ("不属于本行政机关公开数", "非本部门掌握")),
    ("replies_unclear", ("申请内容不明确",)),
    ("fees_waived", ("政府信息公开收费减免金额", "收费减免金额")),
    ("fees_collected", ("依申请公开信息收取的费用",)),
    ("complaints", ("接受行政诉讼、举报数", "举报投诉数量", "举报投诉数")),
    ("reviews", ("行政复议数量", "行政复议数")),
    ("lawsuits", ("行政诉讼数量", "行政诉讼数")),
    ("appeals", ("行政申诉数",)),
)

# Which figures add up to which (both for this year and cumulative).
SUMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("proactive_items", ("proactive_web", "proactive_gazette")),
    (
        "requests_received",
        (
            "requests_in_person",
            "requests_fax",
            "requests_email",
            "requests_online",
            "requests_letter_fax",
            "requests_letter",
            "requests_other_channel",
        ),
    ),
    ("replies_total", ("replies_granted", "replies_partial", "replies_refused", "replies_other")),
    ("requests_completed", ("requests_completed_on_time", "requests_completed_late")),
)

CROSSWALK: tuple[dict[str, Any], ...] = (
    {
        "key": "requests_received",
        "eras": ("2008", "2014"),
        "same_as": "t3.new_received.total",
        "caveat": "before 2019 some tables count requests in 条 (items asked for), not 件; "
        "2019+ counts requests received this year only, without the carried-over ones",
    },
    {
        "key": "replies_granted",
        "eras": ("2008", "2014"),
        "same_as": "t3.granted.total",
        "caveat": "2014 tables count 属于已主动公开范围数 separately; 2019+ counts such "
        "replies as 予以公开",
    },
    {
        "key": "replies_partial",
        "eras": ("2008", "2014"),
        "same_as": "t3.partially_granted.total",
        "caveat": "",
    },
    {
        "key": "replies_refused",
        "eras": ("2008", "2014"),
        "same_as": "t3.withheld_*.total (sum of 1–8)",
        "caveat": "否决公开 (2008–2013) also covered 信息不存在 / 非本机关掌握 in some "
        "provinces; 2019+ puts those under （四）无法提供, not 不予公开",
    },
    {
        "key": "replies_not_exist",
        "eras": ("2014",),
        "same_as": "t3.unavailable_not_held.total (part)",
        "caveat": "2019+ merges 信息不存在 and 非本机关掌握 into 本机关不掌握相关政府信息",
    },
    {
        "key": "replies_not_held",
        "eras": ("2014",),
        "same_as": "t3.unavailable_not_held.total (part)",
        "caveat": "see replies_not_exist",
    },
    {
        "key": "reviews",
        "eras": ("2008", "2014"),
        "same_as": "t4.review.total",
        "caveat": "2014–2018 tables give outcomes 维持 / 纠错 / 其他 without 尚未审结",
    },
    {
        "key": "lawsuits",
        "eras": ("2008", "2014"),
        "same_as": "t4.suit_direct.total + t4.suit_after_review.total",
        "caveat": "2019+ splits lawsuits by whether a review came first",
    },
    {
        "key": "fees_collected",
        "eras": ("2014",),
        "same_as": None,
        "caveat": "fees for providing information (检索、复制、邮寄) were abolished in 2019; "
        "the 2019+ 收费 row is 行政事业性收费 of the agency, a different fee; from 2021 "
        "信息处理费 is reported in the narrative",
    },
    {
        "key": "fees_waived",
        "eras": ("2014",),
        "same_as": None,
        "caveat": "amount waived, not collected; unit as printed (元 or 万元)",
    },
    {
        "key": "proactive_items",
        "eras": ("2008", "2014"),
        "same_as": None,
        "caveat": "items (条) published proactively; 2019+ reports documents (件) by type "
        "in 表二 instead, not comparable",
    },
    {
        "key": "replies_already_public",
        "eras": ("2014",),
        "same_as": "t3.granted.total (part)",
        "caveat": "2019+ counts a reply pointing to already published information as 予以公开",
    },
    {
        "key": "replies_amend",
        "eras": ("2014",),
        "same_as": "t3.unavailable_unclear.total",
        "caveat": "2019+ counts only requests still unclear after 补正; asking for 补正 itself "
        "is not a result",
    },
    {
        "key": "appeals",
        "eras": ("2008",),
        "same_as": None,
        "caveat": "行政申诉 has no 2019+ counterpart",
    },
    {
        "key": "complaints",
        "eras": ("2014",),
        "same_as": None,
        "caveat": "举报投诉 has no 2019+ counterpart",
    },
)

SECTION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("overview", ("概述", "总体情况", "基本情况")),
    ("proactive", ("主动公开政府信息情况", "主动公开政府信息的情况", "主动公开情况")),
    ("requests", ("依申请公开", "不予公开及咨询")),
    ("fees", ("收费及减免", "收费和减免", "收费情况")),
    ("review_litigation", ("行政复议", "行政诉讼")),
    ("staff_costs", ("工作人员及信息公开事务支出", "机构建设", "保障经费")),
    ("problems", ("主要问题", "改进措施", "改进情况")),
    ("other", ("其他需要报告的事项",)),
    ("statistics", ("情况统计表", "指标统计表")),
)
# The record's six section keys (2019+), which pre-2019 headings share.
CONTRACT_SECTIONS = ("overview", "proactive", "requests", "review_litigation", "problems", "other")
_UNIT = r"(?:条|件|元|万元|次|人次|个|人)"
_RUN = re.compile(r"[\s\u3000]*(\d[\d\s.]*)")


def era_of(year: int | None) -> str | None:
    if year is None or year >= 2019 or year < 2008:
        return None
    return "2008" if year <= 2013 else "2014"


def split_sections(text: str) -> dict[str, str]:
    """Sections by their numbered headings (一、概述 …), keyed by topic; the
    first heading that names a topic wins, text runs to the next heading."""
    marks: list[tuple[int, str]] = []
    seen: set[str] = set()
    for m in re.finditer(r"([一二三四五六七八九十]{1,2})[、.．]", text):
        head = text[m.end() : m.end() + 30]
        n = norm(head)
        for key, words in SECTION_WORDS:
            if key in seen:
                continue
            if any(n.startswith(norm(w)) or norm(w) in n[:20] for w in words):
                # the report's table of contents lists all headings in one
                # sentence: a heading is followed by text, not by "、"
                marks.append((m.start(), key))
                seen.add(key)
                break
    out: dict[str, str] = {}
    for (start, key), nxt in itertools.zip_longest(marks, marks[1:]):
        end = nxt[0] if nxt else len(text)
        out[key] = text[start:end].strip()
    return out


def _table_region(text: str) -> tuple[int, int, int] | None:
    """Start of the statistics table, its end, and its value columns
    (2 when it has a 历年累计 column)."""
    m = re.search(r"指[\s\u3000]*标[\s\u3000]*名[\s\u3000]*称", text)  # also "指 标 名 称"
    if m is None:
        return None
    head = text[m.start() : m.end() + 60]
    cols = 2 if "累计" in head else 1
    end = text.find("附件下载", m.end())
    return m.end(), (end if end > 0 else len(text)), cols


def _rows(text: str, start: int, end: int) -> list[tuple[str, str, str, int]]:
    """(key, printed label, digits, offset) for every indicator in the table."""
    body = text[start:end]
    pattern = "|".join(
        sorted(
            {re.escape(label) for _, labels in INDICATORS for label in labels},
            key=len,
            reverse=True,
        )
    )
    out = []
    for m in re.finditer(rf"({pattern})\s*{_UNIT}", body):
        label = m.group(1)
        key = next(k for k, labels in INDICATORS if label in labels)
        run = _RUN.match(body, m.end())
        if not run:
            continue
        digits = run.group(1).rstrip()
        after = body[m.end() + len(run.group(0).rstrip()) :][:1]
        # "…数 条 0 0 2.当面…", "…数条002、同意…": the last digit is the next
        # row's enumeration, not a value.
        if re.search(r"\d[.．]$", digits):
            digits = digits[:-2].rstrip()
        elif after in ("、", ".", "．") and digits:
            digits = digits[:-1].rstrip()
        digits = digits.rstrip(".")
        out.append((key, label, digits, start + m.start()))
    return out


def _splits(digits: str, cols: int) -> list[tuple[int, ...]]:
    """Ways to read a run as ``cols`` integers (spaces are boundaries, no
    leading zeros, 历年累计 ≥ this year)."""
    pieces = digits.split()
    if cols == 1:
        if len(pieces) == 1 and "." not in pieces[0]:
            return [(int(pieces[0]),)]
        return []
    if len(pieces) == cols:
        if all(re.fullmatch(r"0|[1-9]\d*", p) for p in pieces):
            return [tuple(int(p) for p in pieces)]
        return []
    if len(pieces) != 1:
        return []
    run = pieces[0]
    out = []
    for i in range(1, len(run)):
        a, b = run[:i], run[i:]
        if re.fullmatch(r"0|[1-9]\d*", a) and re.fullmatch(r"0|[1-9]\d*", b) and int(b) >= int(a):
            out.append((int(a), int(b)))
    return out


def statistics_table(
    text: str, stated: dict[str, int] | None = None
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Figures of the statistics table and warnings for runs left out.
    ``stated`` are this year's figures the narrative states: when a
    flattened run has several readings, the one whose 本年 value the report
    states in words is kept (and only then)."""
    region = _table_region(text)
    if region is None:
        return {}, []
    start, end, cols = region
    rows = _rows(text, start, end)
    cands: dict[str, list[tuple[int, ...]]] = {}
    printed: dict[str, tuple[str, str, int]] = {}
    for key, label, digits, offset in rows:
        if key in cands:
            continue
        cands[key] = _splits(digits, cols)
        printed[key] = (label, digits, offset)
    _filter_by_sums(cands)
    chosen_by_text: set[str] = set()
    for key, value in (stated or {}).items():
        options = cands.get(key) or []
        if len(options) > 1:
            agree = [o for o in options if o[0] == value]
            if len(agree) == 1:
                cands[key] = agree
                chosen_by_text.add(key)
    _filter_by_sums(cands)
    figures: dict[str, dict[str, Any]] = {}
    warnings: list[dict[str, Any]] = []
    for key, options in cands.items():
        label, digits, offset = printed[key]
        if len(options) != 1:
            warnings.append(
                {
                    "code": "pre2019_split_ambiguous" if options else "pre2019_unreadable",
                    "message": f"pre2019.{key}: {label} {digits!r} admits {len(options)} readings; "
                    "left out",
                    "table": "pre2019",
                    "row": key,
                }
            )
            continue
        value = options[0]
        fig: dict[str, Any] = {
            "value": value[0],
            "raw": digits,
            "label": label,
            "source": {"where": "statistics_table", "offset": offset},
        }
        if cols == 2:
            fig["cumulative"] = value[1]
        if len(digits.split()) != cols and len(digits.replace(" ", "")) != cols:
            fig["confidence"] = 0.7
            fig["note"] = "split from flattened digits by 累计 ≥ 本年 and the table's own sums"
            if key in chosen_by_text:
                fig["note"] += " and the figure the report states in words"
        figures[key] = fig
    return figures, warnings


def _filter_by_sums(cands: dict[str, list[tuple[int, ...]]]) -> None:
    """Keep only readings for which every sum (total = its parts, for each
    column) can hold; rows not printed are left out of the sums."""
    for total, parts in SUMS:
        present = [p for p in parts if p in cands]
        if total not in cands or not present:
            continue
        keys = [total, *present]
        if any(not cands[k] for k in keys):
            continue
        combos = 1
        for k in keys:
            combos *= len(cands[k])
        if combos > 100_000:
            continue
        keep: dict[str, set[tuple[int, ...]]] = {k: set() for k in keys}
        for choice in itertools.product(*(cands[k] for k in keys)):
            t, *ps = choice
            if all(t[c] == sum(p[c] for p in ps) for c in range(len(t))):
                for k, v in zip(keys, choice, strict=True):
                    keep[k].add(v)
        if any(keep.values()):
            for k in keys:
                cands[k] = sorted(keep[k])


# Sentences that state a figure when no table does.
_PROSE: tuple[tuple[str, re.Pattern[str], int | None], ...] = (
    (
        "requests_received",
        re.compile(r"未(?:收到|受理)[^。；]{0,12}(?:政府信息公开|公开政府信息)(?:的)?申请"),
        0,
    ),
    ("requests_received", re.compile(r"未发生政府信息公开申请"), 0),
    (
        "requests_received",
        re.compile(r"(?:收到|受理)[^。；，]{0,16}?(?:政府信息)?公开申请(?:共)?(\d+)(?:件|条|宗)"),
        None,
    ),
    ("reviews", re.compile(r"未收到[^。；]{0,20}行政复议"), 0),
    ("reviews", re.compile(r"行政复议(\d+)(?:件|起)"), None),
    ("lawsuits", re.compile(r"未收到[^。；]{0,20}提起行政诉讼"), 0),
    ("lawsuits", re.compile(r"行政诉讼(\d+)(?:件|起)"), None),
    ("fees_collected", re.compile(r"暂不收费|未收取[^。；]{0,10}费"), 0),
    ("proactive_items", re.compile(r"主动公开政府信息(\d+)条"), None),
)


# Words that make a figure a running total over the years, not this year's:
# "累计主动公开政府信息1568条，…其中2018年度…主动公开政府信息181条".
_CUMULATIVE = ("累计", "历年", "总计至今", "截至目前", "截止目前")
_CLAUSE_START = re.compile(r"[。；;，,！!？?\n]")


def _cumulative(text: str, start: int) -> bool:
    """True when the clause leading up to ``start`` speaks of a running total."""
    clause = _CLAUSE_START.split(text[max(0, start - 40) : start])[-1]
    return any(w in clause for w in _CUMULATIVE)


def prose_figures(text: str) -> dict[str, dict[str, Any]]:
    """Figures stated in sentences; the first statement of each wins, except
    a running total (累计/历年…), which is never this year's figure."""
    out: dict[str, dict[str, Any]] = {}
    for key, pattern, fixed in _PROSE:
        if key in out:
            continue
        m = next((m for m in pattern.finditer(text) if not _cumulative(text, m.start())), None)
        if m is None:
            continue
        value = fixed if fixed is not None else int(m.group(1))
        out[key] = {
            "value": value,
            "raw": m.group(0),
            "source": {"where": "narrative", "offset": m.start()},
        }
    return out


def extract_pre2019(layout: Layout, year: int | None) -> dict[str, Any]:
    """The pre-2019 part of a record: era, sections, figures (table first,
    sentences where the table says nothing), cross-checks, warnings."""
    text = "\n".join(p.text for p in layout.paragraphs())
    prose = prose_figures(text)
    figures, warnings = statistics_table(
        text, {k: v["value"] for k, v in prose.items() if v["source"]["where"] == "narrative"}
    )
    checks = []
    for key, fig in prose.items():
        if key in figures:
            ok = figures[key]["value"] == fig["value"]
            checks.append(
                {
                    "rule": f"pre2019_narrative_{key}",
                    "ok": ok,
                    "expected": fig["value"],
                    "actual": figures[key]["value"],
                    "cells": [f"pre2019.{key}.value"],
                }
            )
        elif not any(w.get("row") == key for w in warnings):
            figures[key] = fig
    sections = split_sections(text)
    return {
        "era": era_of(year),
        "sections": sections,
        "contract_sections": {k: v for k, v in sections.items() if k in CONTRACT_SECTIONS},
        "figures": figures,
        "checks": checks,
        "warnings": warnings,
        "crosswalk": [c for c in CROSSWALK if c["key"] in figures],
    }
