"""Key metrics per report, as data: each is a contract cell (or a sum of
cells) of the report's current extraction, with its 中文 label and English
description. ``archive/views.py`` turns this list into the ``report_metrics``
summary table and ``metadata.yml`` into column descriptions, so the two
cannot drift apart.

Sums add the cells that were printed; a sum is null when none of its cells
was printed (never 0 for "not printed"). Rates follow formats.md §4.4, with
the denominator written in the description; a rate is null when its
denominator is missing or zero.
"""

from __future__ import annotations

from dataclasses import dataclass

WITHHELD = (
    ("withheld_state_secret", "属于国家秘密", "state secret"),
    ("withheld_prohibited_by_law", "其他法律行政法规禁止公开", "prohibited by other law"),
    ("withheld_security_stability", "危及“三安全一稳定”", "endangers security or stability"),
    ("withheld_third_party", "保护第三方合法权益", "protects a third party"),
    ("withheld_internal_affairs", "属于三类内部事务信息", "internal affairs"),
    ("withheld_process_info", "属于四类过程性信息", "process information"),
    ("withheld_enforcement_file", "属于行政执法案卷", "law-enforcement file"),
    ("withheld_admin_query", "属于行政查询事项", "administrative query"),
)
UNAVAILABLE = (
    ("unavailable_not_held", "本机关不掌握相关政府信息", "not held by this agency"),
    ("unavailable_needs_creation", "没有现成信息需要另行制作", "would need to be created"),
    ("unavailable_unclear", "补正后申请内容仍不明确", "still unclear after amendment"),
)
REJECTED = (
    ("rejected_petition", "信访举报投诉类申请", "petition / complaint, not processed"),
    ("rejected_duplicate", "重复申请", "duplicate request, not processed"),
    ("rejected_publication", "要求提供公开出版物", "asks for a publication, not processed"),
    ("rejected_excessive", "无正当理由大量反复申请", "mass repeated requests, not processed"),
    (
        "rejected_reconfirmation",
        "要求行政机关确认或重新出具已获取信息",
        "asks to re-confirm information, not processed",
    ),
)
APPLICANTS = (
    ("natural_person", "自然人", "natural persons"),
    ("commercial", "商业企业", "companies"),
    ("research", "科研机构", "research bodies"),
    ("social_welfare", "社会公益组织", "public-interest organisations"),
    ("legal_services", "法律服务机构", "law firms and legal services"),
    ("other_org", "其他", "other organisations"),
)


@dataclass(frozen=True)
class Metric:
    name: str
    sql: str  # aggregate expression over the cells of one extraction
    zh: str
    en: str


def cell(table: str, row: str, col: str) -> str:
    return (
        f"max(case when \"table\" = '{table}' and row = '{row}' and col = '{col}' then value end)"
    )


def cell_sum(table: str, rows: tuple[str, ...], col: str) -> str:
    names = ", ".join(f"'{r}'" for r in rows)
    return f"sum(case when \"table\" = '{table}' and row in ({names}) and col = '{col}' then value end)"


def _metrics() -> list[Metric]:
    m = [
        Metric(
            "new_received",
            cell("t3", "new_received", "total"),
            "本年新收申请数",
            "new requests received this year (表三 一, total)",
        ),
        Metric(
            "carried_over",
            cell("t3", "carried_over", "total"),
            "上年结转申请数",
            "requests carried over from last year (表三 二)",
        ),
        Metric("granted", cell("t3", "granted", "total"), "予以公开", "granted in full"),
        Metric(
            "partially_granted",
            cell("t3", "partially_granted", "total"),
            "部分公开",
            "granted in part",
        ),
    ]
    m += [Metric(k, cell("t3", k, "total"), zh, f"withheld: {en}") for k, zh, en in WITHHELD]
    m.append(
        Metric(
            "withheld_total",
            cell_sum("t3", tuple(k for k, _, _ in WITHHELD), "total"),
            "不予公开合计",
            "withheld, all grounds (sum of printed cells)",
        )
    )
    m += [Metric(k, cell("t3", k, "total"), zh, f"unavailable: {en}") for k, zh, en in UNAVAILABLE]
    m.append(
        Metric(
            "unavailable_total",
            cell_sum("t3", tuple(k for k, _, _ in UNAVAILABLE), "total"),
            "无法提供合计",
            "unavailable, all reasons (sum of printed cells)",
        )
    )
    m += [Metric(k, cell("t3", k, "total"), zh, en) for k, zh, en in REJECTED]
    m.append(
        Metric(
            "rejected_total",
            cell_sum("t3", tuple(k for k, _, _ in REJECTED), "total"),
            "不予处理合计",
            "not processed, all reasons (sum of printed cells)",
        )
    )
    m.append(
        Metric(
            "other_handling_total",
            f"coalesce({cell('t3', 'other', 'total')}, {cell_sum('t3', ('other_overdue_correction', 'other_overdue_fee', 'other_misc'), 'total')})",
            "其他处理合计",
            "other handling (2019: one row; 2021: sum of its three rows)",
        )
    )
    m += [
        Metric(
            "total_handled",
            cell("t3", "total_handled", "total"),
            "办理结果总计",
            "requests handled (表三 三(七) total) — the denominator of the rates",
        ),
        Metric(
            "carried_forward",
            cell("t3", "carried_forward", "total"),
            "结转下年度继续办理",
            "carried forward to next year (表三 四)",
        ),
    ]
    m += [
        Metric(
            f"applicants_{k}",
            cell("t3", "new_received", k),
            f"新收申请·{zh}",
            f"new requests from {en}",
        )
        for k, zh, en in APPLICANTS
    ]
    m += [
        Metric(
            "review_total",
            cell("t4", "review", "total"),
            "行政复议总计",
            "administrative reviews, total",
        ),
        Metric(
            "review_upheld",
            cell("t4", "review", "upheld"),
            "行政复议·结果维持",
            "administrative reviews upheld",
        ),
        Metric(
            "review_corrected",
            cell("t4", "review", "corrected"),
            "行政复议·结果纠正",
            "administrative reviews that corrected the agency (it lost)",
        ),
        Metric(
            "review_pending",
            cell("t4", "review", "pending"),
            "行政复议·尚未审结",
            "administrative reviews pending",
        ),
        Metric(
            "suit_direct_total",
            cell("t4", "suit_direct", "total"),
            "行政诉讼·直接起诉总计",
            "lawsuits filed directly, total",
        ),
        Metric(
            "suit_total",
            cell_sum("t4", ("suit_direct", "suit_after_review"), "total"),
            "行政诉讼总计",
            "lawsuits (direct + after review), total",
        ),
        Metric(
            "suit_corrected",
            cell_sum("t4", ("suit_direct", "suit_after_review"), "corrected"),
            "行政诉讼·结果纠正",
            "lawsuits the agency lost (结果纠正)",
        ),
        Metric(
            "suit_pending",
            cell_sum("t4", ("suit_direct", "suit_after_review"), "pending"),
            "行政诉讼·尚未审结",
            "lawsuits pending",
        ),
        Metric(
            "licensing_decisions",
            cell("t2", "licensing", "decisions"),
            "行政许可处理决定数",
            "licensing decisions (表二)",
        ),
        Metric(
            "punishment_decisions",
            cell("t2", "punishment", "decisions"),
            "行政处罚决定数",
            "penalty decisions (表二)",
        ),
    ]
    return m


METRICS: list[Metric] = _metrics()

# name -> (SQL over the metric columns, 中文, English with the denominator)
RATES: dict[str, tuple[str, str, str]] = {
    "disclosure_rate": (
        "(coalesce(granted, 0) + coalesce(partially_granted, 0)) * 1.0 / nullif(total_handled, 0)",
        "公开率",
        "(granted + partially granted) / requests handled",
    ),
    "not_held_share": (
        "unavailable_not_held * 1.0 / nullif(total_handled, 0)",
        "不掌握占比",
        "not held / requests handled",
    ),
    "refusal_rate": (
        "withheld_total * 1.0 / nullif(total_handled, 0)",
        "不予公开率",
        "withheld (all grounds) / requests handled",
    ),
    "no_substantive_answer_share": (
        "(coalesce(unavailable_total, 0) + coalesce(rejected_total, 0) + coalesce(other_handling_total, 0)) * 1.0 / nullif(total_handled, 0)",
        "未实质答复占比",
        "(unavailable + not processed + other handling) / requests handled",
    ),
    "review_correction_rate": (
        "review_corrected * 1.0 / nullif(review_total - coalesce(review_pending, 0), 0)",
        "复议纠错率",
        "reviews corrected / decided reviews (total − pending)",
    ),
    "litigation_loss_rate": (
        "suit_corrected * 1.0 / nullif(suit_total - coalesce(suit_pending, 0), 0)",
        "诉讼败诉率",
        "lawsuits corrected / decided lawsuits (total − pending)",
    ),
    "challenge_rate": (
        "(coalesce(review_total, 0) + coalesce(suit_direct_total, 0)) * 1.0 / nullif(total_handled, 0)",
        "被复议诉讼率",
        "(reviews + direct lawsuits) / requests handled",
    ),
    "backlog_ratio": (
        "carried_forward * 1.0 / nullif(coalesce(new_received, 0) + coalesce(carried_over, 0), 0)",
        "结转率",
        "carried forward / (new + carried over)",
    ),
    "legal_person_share": (
        "(new_received - applicants_natural_person) * 1.0 / nullif(new_received, 0)",
        "法人申请占比",
        "(new requests − natural persons) / new requests",
    ),
    "law_firm_share": (
        "applicants_legal_services * 1.0 / nullif(new_received, 0)",
        "法律服务机构申请占比",
        "law firms / new requests",
    ),
}
