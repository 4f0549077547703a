"""The crosswalk of metrics comparable across templates (formats.md §4), as
data: one row per metric × format, naming the contract cell that carries it
in that format (null when the format has no such cell) and the caveat a
journalist must read before comparing years.

Formats: ``2021`` (E4, 〔2021〕30号), ``2019`` (E3, 〔2019〕60号, reports for
2019–2020), ``pre2019`` (E1/E2: the 2014–2018 national table and older local
templates). The extractor does not yet produce cells for pre-2019 reports,
so those rows name the old source line and have no contract key.
"""

from __future__ import annotations

from typing import Any

# metric_id, 中文, English, {format: (table, row, col) | None}, E2 source, caveat
_SPEC: list[tuple[str, str, str, dict[str, tuple[str, str, str] | None], str, str]] = [
    (
        "req_new",
        "本年新收申请数",
        "new requests",
        {"2021": ("t3", "new_received", "total"), "2019": ("t3", "new_received", "total")},
        "三(一) 收到申请数",
        "Pre-2019 may count 条 not 件, or cumulative totals; after 2021 一事一申请 splitting can inflate counts.",
    ),
    (
        "req_carried_in",
        "上年结转申请数",
        "carried over",
        {"2021": ("t3", "carried_over", "total"), "2019": ("t3", "carried_over", "total")},
        "—",
        "Not reported before 2019; must equal last year's carried forward.",
    ),
    (
        "req_closed",
        "本年办理结果总计",
        "requests handled",
        {"2021": ("t3", "total_handled", "total"), "2019": ("t3", "total_handled", "total")},
        "三(三) 申请答复数",
        "2014–2018 has two candidate totals (答复数, 办结数) that often differ.",
    ),
    (
        "req_carried_out",
        "结转下年度继续办理",
        "carried forward",
        {"2021": ("t3", "carried_forward", "total"), "2019": ("t3", "carried_forward", "total")},
        "—",
        "New concept from 2019.",
    ),
    (
        "res_granted",
        "予以公开",
        "granted",
        {"2021": ("t3", "granted", "total"), "2019": ("t3", "granted", "total")},
        "三(三)2 同意公开 + 1 属于已主动公开范围",
        "Since 2019 'already public' is counted as granted; before, add the two E2 rows.",
    ),
    (
        "res_partial",
        "部分公开",
        "partially granted",
        {
            "2021": ("t3", "partially_granted", "total"),
            "2019": ("t3", "partially_granted", "total"),
        },
        "三(三)3 同意部分公开",
        "From 2019 a partial answer is counted once, exclusively.",
    ),
    (
        "den_state_secret",
        "属于国家秘密",
        "withheld: state secret",
        {
            "2021": ("t3", "withheld_state_secret", "total"),
            "2019": ("t3", "withheld_state_secret", "total"),
        },
        "涉及国家秘密",
        "Fairly comparable.",
    ),
    (
        "den_law_prohibited",
        "法律行政法规禁止公开",
        "withheld: prohibited by law",
        {
            "2021": ("t3", "withheld_prohibited_by_law", "total"),
            "2019": ("t3", "withheld_prohibited_by_law", "total"),
        },
        "法律法规规定的其他情形",
        "Approximate before 2019.",
    ),
    (
        "den_security_stability",
        "危及“三安全一稳定”",
        "withheld: security/stability",
        {
            "2021": ("t3", "withheld_security_stability", "total"),
            "2019": ("t3", "withheld_security_stability", "total"),
        },
        "危及国家安全、公共安全、经济安全和社会稳定",
        "Comparable wording.",
    ),
    (
        "den_third_party",
        "保护第三方合法权益",
        "withheld: third party",
        {
            "2021": ("t3", "withheld_third_party", "total"),
            "2019": ("t3", "withheld_third_party", "total"),
        },
        "涉及商业秘密 + 涉及个人隐私",
        "2019+ merges two 2014–2018 rows.",
    ),
    (
        "den_internal_affairs",
        "三类内部事务信息",
        "withheld: internal affairs",
        {
            "2021": ("t3", "withheld_internal_affairs", "total"),
            "2019": ("t3", "withheld_internal_affairs", "total"),
        },
        "—",
        "New under the 2019 条例; no earlier equivalent.",
    ),
    (
        "den_process_info",
        "四类过程性信息",
        "withheld: process information",
        {
            "2021": ("t3", "withheld_process_info", "total"),
            "2019": ("t3", "withheld_process_info", "total"),
        },
        "—",
        "Approximate at best before 2019.",
    ),
    (
        "una_not_held",
        "本机关不掌握相关政府信息",
        "not held",
        {
            "2021": ("t3", "unavailable_not_held", "total"),
            "2019": ("t3", "unavailable_not_held", "total"),
        },
        "5 不属于本行政机关公开 + 6 申请信息不存在",
        "Comparable across 2019 only as the sum of the two old rows.",
    ),
    (
        "una_unclear",
        "补正后申请内容仍不明确",
        "unclear after amendment",
        {
            "2021": ("t3", "unavailable_unclear", "total"),
            "2019": ("t3", "unavailable_unclear", "total"),
        },
        "7 告知作出更改补充 (≈)",
        "2014–2018 counts all amendment notices: an upper bound.",
    ),
    (
        "np_petition",
        "信访举报投诉类申请",
        "not processed: petition",
        {
            "2021": ("t3", "rejected_petition", "total"),
            "2019": ("t3", "rejected_petition", "total"),
        },
        "part of 8 告知通过其他途径办理",
        "New category from 2019.",
    ),
    (
        "np_repeat",
        "重复申请",
        "not processed: duplicate",
        {
            "2021": ("t3", "rejected_duplicate", "total"),
            "2019": ("t3", "rejected_duplicate", "total"),
        },
        "—",
        "New from 2019.",
    ),
    (
        "np_mass_repeat",
        "无正当理由大量反复申请",
        "not processed: mass repeated",
        {
            "2021": ("t3", "rejected_excessive", "total"),
            "2019": ("t3", "rejected_excessive", "total"),
        },
        "—",
        "New from 2019; linked to the 'abuse' debate.",
    ),
    (
        "oth_total",
        "其他处理(合计)",
        "other handling",
        {"2021": None, "2019": ("t3", "other", "total")},
        "implicit",
        "2021 splits it in three rows (other_overdue_correction, other_overdue_fee, other_misc): compare only the sum (report_metrics.other_handling_total).",
    ),
    (
        "rev_total",
        "行政复议总计",
        "administrative reviews",
        {"2021": ("t4", "review", "total"), "2019": ("t4", "review", "total")},
        "四 复议数量",
        "2014–2018 has no pending column: compare rates on decided cases only.",
    ),
    (
        "rev_corrected",
        "行政复议·结果纠正",
        "reviews lost",
        {"2021": ("t4", "review", "corrected"), "2019": ("t4", "review", "corrected")},
        "被依法纠错",
        "被依法纠错 ≈ 结果纠正.",
    ),
    (
        "lit_direct_total",
        "行政诉讼·直接起诉",
        "direct lawsuits",
        {"2021": ("t4", "suit_direct", "total"), "2019": ("t4", "suit_direct", "total")},
        "五 诉讼数量 (all suits)",
        "2019+ may count one dispute both in review and in suit after review.",
    ),
    (
        "lit_after_review_total",
        "行政诉讼·复议后起诉",
        "lawsuits after review",
        {
            "2021": ("t4", "suit_after_review", "total"),
            "2019": ("t4", "suit_after_review", "total"),
        },
        "—",
        "Not split before 2019.",
    ),
    (
        "licensing_decisions",
        "行政许可处理决定数量",
        "licensing decisions",
        {"2021": ("t2", "licensing", "decisions"), "2019": ("t2", "licensing", "decisions")},
        "—",
        "2019 also prints item-catalogue counts (prev_count, change): not decisions.",
    ),
    (
        "normdocs_in_force",
        "现行有效规范性文件",
        "normative documents in force",
        {
            "2021": ("t2", "normative_documents", "in_force"),
            "2019": ("t2", "normative_documents", "public_total"),
        },
        "—",
        "2019 对外公开总数量 ≈ in force (publicly available), not identical.",
    ),
    (
        "admin_fee_amount_wanyuan",
        "行政事业性收费金额(万元)",
        "administrative fees (10k yuan)",
        {"2021": ("t2", "fees", "amount"), "2019": None},
        "—",
        "All fees the agency collects, not information-disclosure fees; 2019 has item counts only.",
    ),
]


def _rows() -> list[dict[str, Any]]:
    rows = []
    for metric_id, zh, en, by_format, e2_source, caveat in _SPEC:
        for fmt in ("2021", "2019"):
            key = by_format.get(fmt)
            rows.append(
                {
                    "metric_id": metric_id,
                    "label_zh": zh,
                    "label_en": en,
                    "format": fmt,
                    "table": key[0] if key else None,
                    "row": key[1] if key else None,
                    "col": key[2] if key else None,
                    "source_text": None,
                    "caveat": caveat,
                }
            )
        rows.append(
            {
                "metric_id": metric_id,
                "label_zh": zh,
                "label_en": en,
                "format": "pre2019",
                "table": None,
                "row": None,
                "col": None,
                "source_text": e2_source,
                "caveat": caveat + " Pre-2019 cells are not extracted yet.",
            }
        )
    return rows


CROSSWALK: list[dict[str, Any]] = _rows()
