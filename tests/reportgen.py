"""Synthetic 2021-format reports for reader tests, written the way portals and
Word print them: the official labels, merged header cells, the 勾稽 identities
holding. One table description renders to HTML (plain or Word-exported) and to
DOCX (python-docx, merged cells), so every reader is tested against the same
known values, which come from a seeded generator rather than from the
extractor.
"""

from __future__ import annotations

import functools
import html
import io
import random
import zipfile

AGENCY = "测试市测试区人民政府办公室"
APPLICANT_COLS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_services",
    "other_org",
)
T3_COLS = (*APPLICANT_COLS, "total")
# (key, group label or None, printed label)
T3_RESULT_ROWS = (
    ("granted", None, "（一）予以公开"),
    ("partially_granted", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("withheld_state_secret", "（三）不予公开", "1.属于国家秘密"),
    ("withheld_prohibited_by_law", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("withheld_security_stability", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("withheld_third_party", "（三）不予公开", "4.保护第三方合法权益"),
    ("withheld_internal_affairs", "（三）不予公开", "5.属于三类内部事务信息"),
    ("withheld_process_info", "（三）不予公开", "6.属于四类过程性信息"),
    ("withheld_enforcement_file", "（三）不予公开", "7.属于行政执法案卷"),
    ("withheld_admin_query", "（三）不予公开", "8.属于行政查询事项"),
    ("unavailable_not_held", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("unavailable_needs_creation", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("unavailable_unclear", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("rejected_petition", "（五）不予处理", "1.信访举报投诉类申请"),
    ("rejected_duplicate", "（五）不予处理", "2.重复申请"),
    ("rejected_publication", "（五）不予处理", "3.要求提供公开出版物"),
    ("rejected_excessive", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("rejected_reconfirmation", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    (
        "other_overdue_correction",
        "（六）其他处理",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    (
        "other_overdue_fee",
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("other_misc", "（六）其他处理", "3.其他"),
    ("total_handled", None, "（七）总计"),
)
T4_ROWS = ("review", "suit_direct", "suit_after_review")
T4_COLS = ("upheld", "corrected", "other", "pending", "total")

Cell = tuple[str, int, int]  # text, rowspan, colspan


def make_values(seed: int = 0, *, blank_orgs: bool = False) -> dict[tuple[str, str, str], str]:
    """Printed text of every cell of a consistent 2021 report.

    ``blank_orgs`` leaves the five organisation columns of 表三 blank, as some
    departments print them (blank, not 0)."""
    rnd = random.Random(seed)
    v: dict[tuple[str, str, str], str] = {}
    for row in ("regulations", "normative_documents"):
        for col in ("issued", "repealed", "in_force"):
            v[("t2", row, col)] = str(rnd.randint(0, 30) * (row != "regulations"))
    for row in ("licensing", "punishment", "enforcement"):
        v[("t2", row, "decisions")] = str(rnd.randint(0, 3000))
    v[("t2", "fees", "amount")] = f"{rnd.randint(0, 9999)}.{rnd.randint(0, 99):02d}"
    results = {k: {c: 0 for c in APPLICANT_COLS} for k, _, _ in T3_RESULT_ROWS}
    carried_over = {c: 0 for c in APPLICANT_COLS}
    forward = {c: 0 for c in APPLICANT_COLS}
    for col in APPLICANT_COLS:
        if blank_orgs and col not in ("natural_person", "other_org"):
            continue
        for key, _, _ in T3_RESULT_ROWS[:-1]:
            results[key][col] = rnd.choice((0, 0, 0, rnd.randint(1, 40)))
        carried_over[col] = rnd.randint(0, 5)
        forward[col] = rnd.randint(0, 5)
    for col in APPLICANT_COLS:
        results["total_handled"][col] = sum(results[k][col] for k, _, _ in T3_RESULT_ROWS[:-1])
    new = {c: results["total_handled"][c] + forward[c] - carried_over[c] for c in APPLICANT_COLS}
    # new_received must not go negative: move the difference to carried_over.
    for c in APPLICANT_COLS:
        if new[c] < 0:
            carried_over[c] += new[c]
            new[c] = 0
    rows = {"new_received": new, "carried_over": carried_over, **results}
    rows["carried_forward"] = forward
    for key, per_col in rows.items():
        for col in APPLICANT_COLS:
            blank = blank_orgs and col not in ("natural_person", "other_org")
            v[("t3", key, col)] = "" if blank else str(per_col[col])
        v[("t3", key, "total")] = str(sum(per_col.values()))
    for row in T4_ROWS:
        parts = [rnd.choice((0, 0, rnd.randint(1, 9))) for _ in range(4)]
        for col, n in zip(T4_COLS, (*parts, sum(parts)), strict=True):
            v[("t4", row, col)] = str(n)
    return v


def expected(values: dict[tuple[str, str, str], str]) -> dict[tuple[str, str, str], object]:
    """The contract value of every printed cell (blank → None)."""
    out: dict[tuple[str, str, str], object] = {}
    for key, text in values.items():
        if text == "":
            out[key] = None
        elif "." in text:
            out[key] = float(text)
        else:
            out[key] = int(text)
    return out


def tables(
    v: dict[tuple[str, str, str], str], t4_labels: tuple[str, str, str] | None = None
) -> list[list[list[Cell]]]:
    """表二, 表三, 表四 as rows of (text, rowspan, colspan), as the template prints
    them; with ``t4_labels``, 表四 as three labelled rows under one header row
    (a layout some agencies use)."""
    t2: list[list[Cell]] = [
        [("第二十条第（一）项", 1, 4)],
        [
            ("信息内容", 1, 1),
            ("本年制发件数", 1, 1),
            ("本年废止件数", 1, 1),
            ("现行有效件数", 1, 1),
        ],
    ]
    for row, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        t2.append(
            [
                (label, 1, 1),
                *((v[("t2", row, c)], 1, 1) for c in ("issued", "repealed", "in_force")),
            ]
        )
    t2 += [[("第二十条第（五）项", 1, 4)], [("信息内容", 1, 1), ("本年处理决定数量", 1, 3)]]
    t2.append([("行政许可", 1, 1), (v[("t2", "licensing", "decisions")], 1, 3)])
    t2 += [[("第二十条第（六）项", 1, 4)], [("信息内容", 1, 1), ("本年处理决定数量", 1, 3)]]
    t2.append([("行政处罚", 1, 1), (v[("t2", "punishment", "decisions")], 1, 3)])
    t2.append([("行政强制", 1, 1), (v[("t2", "enforcement", "decisions")], 1, 3)])
    t2 += [
        [("第二十条第（八）项", 1, 4)],
        [("信息内容", 1, 1), ("本年收费金额（单位：万元）", 1, 3)],
    ]
    t2.append([("行政事业性收费", 1, 1), (v[("t2", "fees", "amount")], 1, 3)])

    def vals(row: str) -> list[Cell]:
        return [(v[("t3", row, c)], 1, 1) for c in T3_COLS]

    t3: list[list[Cell]] = [
        [
            ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            ("申请人情况", 1, 7),
        ],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [
            ("商业企业", 1, 1),
            ("科研机构", 1, 1),
            ("社会公益组织", 1, 1),
            ("法律服务机构", 1, 1),
            ("其他", 1, 1),
        ],
        [("一、本年新收政府信息公开申请数量", 1, 3), *vals("new_received")],
        [("二、上年结转政府信息公开申请数量", 1, 3), *vals("carried_over")],
    ]
    group_sizes: dict[str, int] = {}
    for _, group, _ in T3_RESULT_ROWS:
        if group:
            group_sizes[group] = group_sizes.get(group, 0) + 1
    seen: set[str] = set()
    for i, (key, group, label) in enumerate(T3_RESULT_ROWS):
        row: list[Cell] = []
        if i == 0:
            row.append(("三、本年度办理结果", len(T3_RESULT_ROWS), 1))
        if group is None:
            row.append((label, 1, 2))
        else:
            if group not in seen:
                seen.add(group)
                row.append((group, group_sizes[group], 1))
            row.append((label, 1, 1))
        t3.append([*row, *vals(key)])
    t3.append([("四、结转下年度继续办理", 1, 3), *vals("carried_forward")])
    if t4_labels:
        heads = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
        t4_rows: list[list[Cell]] = [[("", 1, 1), *((x, 1, 1) for x in heads)]]
        for key, label in zip(T4_ROWS, t4_labels, strict=True):
            t4_rows.append([(label, 1, 1), *((v[("t4", key, c)], 1, 1) for c in T4_COLS)])
        return [t2, t3, t4_rows]
    t4: list[list[Cell]] = [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [*((x, 2, 1) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")),
         ("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(x, 1, 1) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2],
        [(v[("t4", r, c)], 1, 1) for r in T4_ROWS for c in T4_COLS],
    ]  # fmt: skip
    return [t2, t3, t4]


TITLE = f"{AGENCY}2022年政府信息公开工作年度报告"
INTRO = (
    "本报告根据《中华人民共和国政府信息公开条例》编制。本报告中所列数据的统计期限自"
    "2022年1月1日起至2022年12月31日止。"
)
HEADINGS = (
    ("一、总体情况", "本机关认真贯彻落实政府信息公开工作。"),
    ("二、主动公开政府信息情况", None),
    ("三、收到和处理政府信息公开申请情况", None),
    ("四、政府信息公开行政复议、行政诉讼情况", None),
    ("五、存在的主要问题及改进情况", "公开内容还不够全面。"),
    ("六、其他需要报告的事项", "无。"),
)


def _word_value(text: str) -> str:
    """A value cell as Word exports it: nested spans, &nbsp; padding, <o:p>,
    a leaked conditional comment."""
    if not text:
        return '<p class="MsoNormal"><span lang="EN-US"><o:p>&nbsp;</o:p></span></p>'
    head, tail = text[:1], text[1:]
    return (
        '<p class="MsoNormal" align="center"><!--[if !supportLists]--><span style="font-family:'
        f'仿宋_GB2312">&nbsp;<font face="Calibri">{head}</font></span><span>{tail}</span>'
        '<span lang="EN-US"><o:p></o:p></span>&nbsp;</p>'
    )


def _word_label(text: str) -> str:
    """A label split into spans, the way Word splits runs."""
    mid = max(1, len(text) // 2)
    return (
        f'<p class="MsoNormal"><span style="font-size:10pt">{html.escape(text[:mid])}</span>'
        f'<span style="font-size:10pt"><font>{html.escape(text[mid:])}</font></span></p>'
    )


def to_html(
    v: dict[tuple[str, str, str], str],
    *,
    word: bool = False,
    charset: str | None = "utf-8",
    t4_labels: tuple[str, str, str] | None = None,
) -> str:
    """A portal page: site chrome (navigation with numbers in a table), then the
    report body in a TRS_Editor div."""
    parts = ["<!DOCTYPE html><html><head>"]
    if charset:
        parts.append(f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
    parts.append(f'<meta name="ArticleTitle" content="{TITLE}">')
    parts.append("<title>测试门户网站</title><style>td{border:1px}</style>")
    parts.append("<script>var total = 12345;</script></head><body>")
    parts.append(
        '<div class="nav"><table><tr><td>首页</td><td>政务公开</td><td>2021</td>'
        "<td>访问量 987654</td></tr></table></div>"
    )
    parts.append(f'<div class="main"><h1>{TITLE}</h1><div class="TRS_Editor">')
    parts.append(f"<p>{INTRO}</p>")
    tabs = tables(v, t4_labels)
    for (heading, text), table in zip(
        HEADINGS, [None, tabs[0], tabs[1], tabs[2], None, None], strict=True
    ):
        parts.append(f"<p><strong>{heading}</strong></p>")
        if text:
            parts.append(f"<p>{text}</p>")
        if table is not None:
            parts.append('<table border="1" cellspacing="0">')
            for row in table:
                parts.append("<tr>")
                for text_, rs, cs in row:
                    attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (
                        f' colspan="{cs}"' if cs > 1 else ""
                    )
                    is_value = text_ == "" or text_.replace(".", "").isdigit()
                    if word:
                        body = _word_value(text_) if is_value else _word_label(text_)
                    else:
                        body = html.escape(text_)
                    parts.append(f"<td{attrs}>{body}</td>")
                parts.append("</tr>")
            parts.append("</table>")
    parts.append(f"<p>{AGENCY}</p><p>2023年1月20日</p>")
    parts.append(
        '</div></div><div class="footer">版权所有 网站标识码 3500000001 ICP备 12345号</div>'
    )
    parts.append("</body></html>")
    return "".join(parts)


def to_text(v: dict[tuple[str, str, str], str], *, style: str = "lines") -> str:
    """The report as text copied out of a web page or a PDF: the page's menus
    first, the title further down, and the tables without their grid. With
    ``style="lines"`` every cell is a line of its own; with ``"spaced"`` each
    row is one line, cells separated by spaces. A blank cell prints nothing,
    as such tools do, and a merged cell prints once."""
    if style == "wrapped":
        return _wrapped_text(v)
    sep = "\n" if style == "lines" else " "
    lines = ["首页", "政务公开", "政府信息公开年报", f"{TITLE}来源：时间：2023-01-20", INTRO]
    tabs = tables(v)
    for (heading, text), table in zip(
        HEADINGS, [None, tabs[0], tabs[1], tabs[2], None, None], strict=True
    ):
        lines.append(heading)
        if text:
            lines.append(text)
        for row in table or ():
            printed = [text_ for text_, _, _ in row if text_ != ""]
            if printed:
                lines.append(sep.join(printed))
    lines += [AGENCY, "2023年1月20日"]
    return "\n".join(lines) + "\n"


def _wrapped_text(v: dict[tuple[str, str, str], str]) -> str:
    """表三 as ``pdftotext -layout`` prints a table whose labels wrap in
    their cells: each label split around its row's numbers (half above, half
    below), the merged group cells' characters strewn in front of the numbers
    ("开  1  0 …"), so most rows carry no usable label."""
    lines = [
        TITLE,
        INTRO,
        "三、收到和处理政府信息公开申请情况",
        "申请人情况",
        "自然人 法人或其他组织 总计",
    ]
    rows = [
        ("new_received", "一、本年新收政府信息公开申请数量"),
        ("carried_over", "二、上年结转政府信息公开申请数量"),
    ]
    rows += [(key, label) for key, _, label in T3_RESULT_ROWS if key != "total_handled"]
    for n, (key, label) in enumerate(rows):
        numbers = "   ".join(v[("t3", key, c)] for c in T3_COLS)
        if n == 2:
            lines.append(f"三 、 本 {label}   {numbers}")  # this one keeps its label
            continue
        half = max(1, len(label) // 2)
        stray = "开 " if n % 4 == 3 else ""
        lines += [f"      {label[:half]}", f"   {stray}        {numbers}", f"      {label[half:]}"]
    for key, label in (
        ("total_handled", "（七）总计"),
        ("carried_forward", "四、结转下年度继续办理"),
    ):
        lines.append(f"{label}   " + "   ".join(v[("t3", key, c)] for c in T3_COLS))
    return "\n".join(lines) + "\n"


def to_markdown(v: dict[tuple[str, str, str], str]) -> str:
    """The report as a PDF-to-Markdown converter writes it: headings and
    paragraphs as Markdown, tables with merged cells as HTML blocks."""
    lines = [f"# {TITLE}", "", INTRO, ""]
    tabs = tables(v)
    for (heading, text), table in zip(
        HEADINGS, [None, tabs[0], tabs[1], tabs[2], None, None], strict=True
    ):
        lines += [f"## {heading}", ""]
        if text:
            lines += [text, ""]
        if table:
            lines.append("<table>")
            for row in table:
                tds = "".join(
                    f'<td rowspan="{rs}" colspan="{cs}">{html.escape(t)}</td>' for t, rs, cs in row
                )
                lines.append(f"<tr>{tds}</tr>")
            lines += ["</table>", ""]
    return "\n".join(lines)


def to_docx(v: dict[tuple[str, str, str], str], *, framed: bool = False) -> bytes:
    """The same report as a Word document, merged cells merged (python-docx
    then repeats their text in every grid cell they cover). ``framed`` puts
    the whole report inside a one-cell layout table, as some WPS documents do."""
    from docx import Document

    document = Document()
    doc = document.add_table(rows=1, cols=1).cell(0, 0) if framed else document
    doc.add_paragraph(TITLE)
    doc.add_paragraph(INTRO)
    tabs = tables(v)
    for (heading, text), table in zip(HEADINGS, [None, *tabs, None, None], strict=True):
        doc.add_paragraph(heading)
        if text:
            doc.add_paragraph(text)
        if table is None:
            continue
        width = max(sum(cs for _, _, cs in row) for row in table[:1]) if table else 0
        occupied: set[tuple[int, int]] = set()
        placed: list[tuple[int, int, Cell]] = []
        for r, row in enumerate(table):
            c = 0
            for cell in row:
                while (r, c) in occupied:
                    c += 1
                _, rs, cs = cell
                for dr in range(rs):
                    for dc in range(cs):
                        occupied.add((r + dr, c + dc))
                placed.append((r, c, cell))
                c += cs
                width = max(width, c)
        grid = doc.add_table(len(table), width)
        for r, c, (text_, rs, cs) in placed:
            target = grid.cell(r, c)
            if rs > 1 or cs > 1:
                target = target.merge(grid.cell(r + rs - 1, c + cs - 1))
            target.text = text_
    doc.add_paragraph(AGENCY)
    doc.add_paragraph("2023年1月20日")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


@functools.cache
def zip_bomb() -> bytes:
    """250 MB of spaces in a ~250 KB DOCX, streamed into the zip."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b"<w:document>")
            chunk = b" " * 2**20
            for _ in range(250):
                part.write(chunk)
    return buf.getvalue()
