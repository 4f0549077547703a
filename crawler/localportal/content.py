"""What the local portals publish: agencies, reports 2019–2025 with plausible,
internally consistent numbers (the contract's cells), and look-alike
distractors. Deterministic from a seed; no I/O.

The numbers follow the templates in ``extract/forms``: 表三's columns add up
(the six applicant columns to 总计), its results add up to （七）总计, and
new + carried over = handled + carried forward; 表四's outcomes add up.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date

from extract.checks import T3_APPLICANTS, T4_OUTCOMES
from extract.forms import Form, all_forms

YEARS = tuple(range(2019, 2026))
KINDS = ("html", "pdf", "docx", "doc", "image")
# The mix of report kinds, in rotation: mostly HTML pages and PDF attachments,
# as on real portals, some Word files, a few legacy DOC and one scanned image in
# forty (OCR and LibreOffice are the slow readers; the demo builds in seconds).
# Every portal publishes more than forty reports, so each kind appears on each.
KIND_CYCLE = (
    "html", "pdf", "html", "docx", "html", "pdf", "doc", "html", "pdf", "html",
    "docx", "html", "pdf", "image", "html", "pdf", "html", "docx", "html", "pdf",
    "html", "pdf", "html", "docx", "html", "pdf", "html", "html", "pdf", "html",
    "docx", "html", "pdf", "html", "html", "pdf", "html", "docx", "doc", "html",
)  # fmt: skip


@dataclass
class Report:
    """One served report: its page (or direct document) and what it says."""

    portal: str
    agency: str  # full name, as in 发布机构
    short: str  # as the title may print it
    year: int
    kind: str  # html | pdf | docx | doc | image
    title: str
    published: date
    key: str  # stable id (hex)
    column: str = ""  # the column that lists it
    url: str = ""  # the report page (or the document itself for direct links)
    attachment_url: str | None = None  # the document behind the page
    cells: list[dict] = field(default_factory=list)
    revised_on: date | None = None  # bytes change from this day on
    removed_on: date | None = None  # 404 from this day on
    encoding: str = "utf-8"  # of the page: utf-8 | gbk | none (no charset anywhere)
    revision_note: str = ""  # a sentence the revised version adds to its first section

    @property
    def format(self) -> str:
        return "2021" if self.year >= 2021 else "2019"

    def revised(self, day: date) -> bool:
        return self.revised_on is not None and day >= self.revised_on

    def note_on(self, day: date) -> str:
        """The revision's added sentence on ``day`` (none before the revision)."""
        return self.revision_note if self.revised(day) else ""

    def visible(self, day: date) -> bool:
        return self.published <= day and not (self.removed_on and day >= self.removed_on)


@dataclass
class Distractor:
    title: str
    published: date
    key: str
    column: str = ""
    url: str = ""


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]


def t3_rows(form: Form):
    """表三's printed rows: the 2021 form accepts a single （六）其他处理 row
    as well as its three sub-rows; a report prints one or the other (here:
    the sub-rows)."""
    rows = form.table("t3").rows
    split = any(r.key.startswith("other_") for r in rows)
    return [r for r in rows if not (split and r.key == "other")]


def make_cells(form: Form, rng: random.Random) -> list[dict]:
    """Every cell of 表二/表三/表四 for one report, consistent by construction."""
    cells: list[dict] = []

    def add(table: str, row: str, col: str, value: float | int) -> None:
        cells.append({"table": table, "row": row, "col": col, "value": value})

    t2 = form.table("t2")
    for row in t2.rows:
        for col in t2.cols_of(row):
            if col.money:
                value: float | int = round(rng.uniform(0, 500), 2) if rng.random() < 0.5 else 0
            else:
                value = rng.choice([0, 0, 1, 2, 3, 5, 8, 12, 20, 36, 150])
            add("t2", row.key, col.key, value)

    rows = t3_rows(form)
    results = [r.key for r in rows if r.results]
    weights = {k: 1 for k in results}
    weights.update(granted=12, partially_granted=3, unavailable_not_held=5)
    for col in T3_APPLICANTS:
        big = col in ("natural_person", "commercial")
        new = rng.randint(0, 60 if big else 3)
        carried_over = rng.randint(0, 4 if big else 1)
        handled = new + carried_over - rng.randint(0, min(3, new + carried_over))
        counts = dict.fromkeys(results, 0)
        for _ in range(handled):
            counts[rng.choices(results, weights=[weights[k] for k in results])[0]] += 1
        add("t3", "new_received", col, new)
        add("t3", "carried_over", col, carried_over)
        for k in results:
            add("t3", k, col, counts[k])
        add("t3", "total_handled", col, handled)
        add("t3", "carried_forward", col, new + carried_over - handled)
    for row in rows:
        total = sum(c["value"] for c in cells if c["table"] == "t3" and c["row"] == row.key)
        add("t3", row.key, "total", total)

    t4 = form.table("t4")
    for row in t4.rows:
        parts = [rng.choice([0, 0, 0, 1, 2]) for _ in T4_OUTCOMES]
        for col, value in zip(T4_OUTCOMES, parts, strict=True):
            add("t4", row.key, col, value)
        add("t4", row.key, "total", sum(parts))
    return cells


@dataclass
class Agency:
    full: str
    short: str
    slug: str


_PLACES = "东湖西山南岭北塘青石白沙金桥银杏梅园竹林松岗柳溪桃源杏坛荷塘兰亭"


def district_agencies(district: str, short_district: str, extra: int = 0) -> list[Agency]:
    """The district government, departments and towns that publish reports;
    ``extra`` more 街道 make a bigger portal (for the benchmark)."""
    units = [
        ("人民政府", "区政府", "zf"),
        ("统计局", "区统计局", "tjj"),
        ("教育局", "区教育局", "jyj"),
        ("住房和城乡建设局", "区住建局", "zjj"),
        ("市场监督管理局", "区市场监管局", "scjgj"),
        ("石碶街道办事处", "石碶街道", "sqjd"),
        ("古林镇人民政府", "古林镇", "glz"),
    ]
    places = [_PLACES[i : i + 2] for i in range(0, len(_PLACES), 2)]
    for i in range(extra):
        name = places[i % len(places)] + places[(i // len(places)) % len(places)]
        units.append((f"{name}社区服务中心", f"{name}社区服务中心", f"x{i}"))
    return [
        Agency(f"{district}{name}", short if i else f"{short_district}人民政府", slug)
        for i, (name, short, slug) in enumerate(units)
    ]


TITLE_STYLES = (
    "{agency}{year}年政府信息公开工作年度报告",
    "{agency}{year}年度政府信息公开工作年度报告",
    "{year}年{agency}政府信息公开工作年度报告",
    "{agency} {year} 年度政府信息公开工作年度报告",
    "{agency}{cnyear}年度政府信息公开工作年度报告",
    "{agency}{year}年度政务信息公开工作报告",
)

DISTRACTOR_TITLES = (
    "关于做好{year}年政府信息公开工作年度报告编制和发布工作的通知",
    "{agency}政府信息公开指南（{year}年修订）",
    "{agency}{year}年统计年报",
    "{agency}{year}年部门决算",
    "{agency}{year}年政务公开工作要点",
    "图解：{agency}{year}年政府信息公开工作年度报告",
)


def cn_year(year: int) -> str:
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(year))


def make_reports(
    portal: str, district: str, short_district: str, seed: int, salt: int, extra: int = 0
) -> tuple[list[Report], list[Distractor]]:
    """Reports (agency × year, 2019–2025) and distractors of one portal.

    Kinds rotate through KIND_CYCLE so every portal has HTML, PDF, DOCX, DOC
    and image reports;
    title styles rotate through the grammar of portals.md §10.
    """
    rng = random.Random(f"{seed}-{portal}")
    forms = all_forms()
    reports: list[Report] = []
    agencies = district_agencies(district, short_district, extra)
    n = 0
    for ai, agency in enumerate(agencies):
        for year in YEARS:
            # The benchmark's extra units publish HTML only (cheap to serve).
            kind = KIND_CYCLE[(n + salt) % len(KIND_CYCLE)] if ai < 7 else "html"
            # Departments by 31 Jan, governments by 31 Mar (sometimes later).
            month = 3 if agency.slug in ("zf", "sqjd", "glz") else 1
            published = date(year + 1, month, 1 + (ai * 3 + year) % 27)
            style = TITLE_STYLES[(ai * 7 + year + salt) % len(TITLE_STYLES)]
            name = agency.full if (ai + year) % 2 else agency.short
            if kind != "html":
                name = agency.full  # no page metadata for some: keep the title complete
            title = style.format(agency=name, year=year, cnyear=cn_year(year))
            if kind == "image":
                title += "（图片版）"
            key = _key(seed, portal, agency.slug, year)
            reports.append(
                Report(
                    portal=portal,
                    agency=agency.full,
                    short=agency.short,
                    year=year,
                    kind=kind,
                    title=title,
                    published=published,
                    key=key,
                    cells=make_cells(forms["2021" if year >= 2021 else "2019"], rng),
                )
            )
            n += 1
    distractors = []
    for i, pattern in enumerate(DISTRACTOR_TITLES):
        year = YEARS[(i * 3 + salt) % len(YEARS)]
        agency = agencies[i % len(agencies)]
        distractors.append(
            Distractor(
                title=pattern.format(agency=agency.full, year=year),
                published=date(year + 1, 2, 10 + i),
                key=_key(seed, portal, "distractor", i),
            )
        )
    # One revised and one withdrawn report per portal, for re-crawl tests.
    reports[3].revised_on = date(2026, 7, 1)
    reports[10].removed_on = date(2026, 7, 1)
    return reports, distractors


# A correction as agencies publish them: one more request received from a
# natural person and granted, so every identity of the report still holds.
REVISION = (
    ("t3", "new_received", "natural_person"),
    ("t3", "new_received", "total"),
    ("t3", "granted", "natural_person"),
    ("t3", "granted", "total"),
    ("t3", "total_handled", "natural_person"),
    ("t3", "total_handled", "total"),
)


def revised_cells(report: Report, seed: int) -> list[dict]:
    """The corrected report: the original cells with the six cells of
    REVISION one higher (``seed`` kept for the call signature)."""
    return [
        {**c, "value": c["value"] + 1} if (c["table"], c["row"], c["col"]) in REVISION else dict(c)
        for c in report.cells
    ]


def cells_of(report: Report, day: date, seed: int) -> list[dict]:
    return revised_cells(report, seed) if report.revised(day) else report.cells
