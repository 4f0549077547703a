"""Report documents of the local portals: HTML tables, PDF, DOCX, DOC and
image versions of one report, made from the templates in ``extract/forms``.

Generation is deterministic and cheap: PDF with reportlab (BSD) using the
built-in STSong-Light CID font, DOCX with python-docx, PNG with Pillow and a
Noto CJK font, DOC by converting DOCX with LibreOffice headless (one call for
all DOC files, its own profile, cached on disk by content hash).
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from crawler.localportal.content import t3_rows
from extract.forms import all_forms

SECTIONS = (
    (
        "一、总体情况",
        "本年度，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，推进政务公开工作。",
    ),
    ("二、主动公开政府信息情况", None),
    ("三、收到和处理政府信息公开申请情况", None),
    ("四、政府信息公开行政复议、行政诉讼情况", None),
    ("五、存在的主要问题及改进情况", "公开内容的深度和广度仍需加强，下一步将进一步完善工作机制。"),
    ("六、其他需要报告的事项", "本机关未收取信息处理费。"),
)
TABLE_OF_SECTION = {"二": "t2", "三": "t3", "四": "t4"}


def _fmt(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)


T3_HEADER = (
    ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "", "申请人情况"]
    + [""] * 6,
    ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
    ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
)


def label_columns(table: str) -> int:
    """How many leading columns of a printed table hold labels."""
    return {"t2": 1, "t3": 3, "t4": 0}[table]


def table_grid(fmt: str, table: str, cells: list[dict]) -> list[list[str]]:
    """One printed table as rows of strings, laid out as the official form
    prints it (headers first; 表三 with its group labels; 表四 as one row of
    fifteen values under a three-row header)."""
    form = all_forms()[fmt]
    t = form.table(table)
    val = {(c["row"], c["col"]): c["value"] for c in cells if c["table"] == table}
    if table == "t2":
        grid: list[list[str]] = []
        width = max(len(t.cols_of(r)) for r in t.rows) + 1
        last_cols = None
        for row in t.rows:
            cols = t.cols_of(row)
            if cols != last_cols:  # each block of rows has its own header
                grid.append(_pad(["信息内容", *[c.label for c in cols]], width))
                last_cols = cols
            grid.append(_pad([row.label, *[_fmt(val.get((row.key, c.key))) for c in cols]], width))
        return grid
    if table == "t3":
        grid = [list(r) for r in T3_HEADER]
        seen_groups: set[str] = set()
        first_result = True
        for row in t3_rows(form):
            values = [_fmt(val.get((row.key, c.key))) for c in t.cols]
            if not row.results and row.key != "total_handled":
                grid.append([row.label, "", "", *values])
            elif row.key == "total_handled":
                grid.append(["", row.label, "", *values])
            elif row.group:
                head = "" if row.group in seen_groups else row.group
                seen_groups.add(row.group)
                grid.append(["", head, row.label, *values])
            else:
                grid.append(["三、本年度办理结果" if first_result else "", row.label, "", *values])
                first_result = False
        return grid
    outcome = [c.label for c in t.cols]
    return [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        ["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        outcome * 3,
        [_fmt(val.get((row.key, c.key))) for row in t.rows for c in t.cols],
    ]


def _pad(row: list[str], width: int) -> list[str]:
    return row + [""] * (width - len(row))


def _widths(table: str, ncols: int, total: float, value_width: float) -> list[float]:
    labels = label_columns(table)
    if labels == 0:
        return [total / ncols] * ncols
    label_width = (total - value_width * (ncols - labels)) / labels
    return [label_width] * labels + [value_width] * (ncols - labels)


def blocks(title: str, agency: str, fmt: str, cells: list[dict], note: str = ""):
    """The report as a sequence of ("h", text) / ("p", text) /
    ("table", (table key, grid)); ``note`` (a revision's added sentence) ends
    the first section's text."""
    yield ("h", title)
    for i, (heading, text) in enumerate(SECTIONS):
        yield ("p", heading)
        if text:
            yield ("p", text.format(agency=agency))
        if note and i == 0:
            yield ("p", note)
        key = TABLE_OF_SECTION.get(heading[0])
        if key:
            yield ("table", (key, table_grid(fmt, key, cells)))


def report_html_body(title: str, agency: str, fmt: str, cells: list[dict], note: str = "") -> str:
    out = []
    for kind, value in blocks(title, agency, fmt, cells, note):
        if kind == "table":
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in value[1]
            )
            out.append(f'<table border="1" cellspacing="0">{rows}</table>')
        elif kind == "p":
            out.append(f"<p>{html.escape(value)}</p>")
    return "\n".join(out)


def pdf_bytes(title: str, agency: str, fmt: str, cells: list[dict], note: str = "") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cn", fontName="STSong-Light", fontSize=9, leading=12)
    story = []
    for kind, value in blocks(title, agency, fmt, cells, note):
        if kind == "table":
            key, grid = value
            data = [[Paragraph(html.escape(c), style) for c in row] for row in grid]
            t = Table(data, colWidths=_widths(key, len(grid[0]), A4[0] - 60, 34))
            t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story.append(t)
        else:
            story.append(Paragraph(html.escape(value), style))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title="", author="", creator="", producer="")
    doc._doNothing = True
    # Fixed dates and ids: the same report gives the same bytes.
    from reportlab import rl_config

    rl_config.invariant = 1
    doc.build(story)
    return buf.getvalue()


def docx_bytes(title: str, agency: str, fmt: str, cells: list[dict], note: str = "") -> bytes:
    import docx

    d = docx.Document()
    for kind, value in blocks(title, agency, fmt, cells, note):
        if kind == "h":
            d.add_heading(value, level=1)
        elif kind == "p":
            d.add_paragraph(value)
        else:
            grid = value[1]
            t = d.add_table(rows=len(grid), cols=len(grid[0]))
            t.style = "Table Grid"
            for row_obj, row in zip(t.rows, grid, strict=True):
                for cell, c in zip(row_obj.cells, row, strict=True):
                    cell.text = c
    buf = io.BytesIO()
    d.core_properties.author = "xxgk localportal"
    from datetime import datetime

    fixed = datetime(2026, 1, 1)
    d.core_properties.created = fixed
    d.core_properties.modified = fixed
    d.save(buf)
    return _normalise_zip(buf.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so equal content gives equal bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def png_bytes(title: str, agency: str, fmt: str, cells: list[dict], note: str = "") -> bytes:
    """The report as one scanned-looking page image (a 图片版 report)."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = next((p for p in CJK_FONTS if os.path.exists(p)), None)
    if font_path is None:
        raise RuntimeError("no CJK font: install fonts-noto-cjk")
    font = ImageFont.truetype(font_path, 16)
    lines: list[tuple[str, object]] = list(blocks(title, agency, fmt, cells, note))
    # Column widths from the longest text in each column (16 px a character).
    layouts = {}
    for kind, value in lines:
        if kind == "table":
            key, grid = value
            layouts[key] = [
                max(40, 8 + 16 * max(len(row[i]) for row in grid)) for i in range(len(grid[0]))
            ]
    width = 40 + max([sum(w) for w in layouts.values()] + [16 * len(title)])
    height = 40 + sum(22 * len(v[1]) + 8 if k == "table" else 30 for k, v in lines)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    y = 20
    for kind, value in lines:
        if kind == "table":
            key, grid = value
            for row in grid:
                x = 20
                for w, c in zip(layouts[key], row, strict=True):
                    draw.rectangle([x, y, x + w, y + 22], outline=0)
                    draw.text((x + 4, y + 2), c, font=font, fill=0)
                    x += w
                y += 22
            y += 8
        else:
            draw.text((20, y), value, font=font, fill=0)
            y += 30
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue()


RENDERERS = {"pdf": pdf_bytes, "docx": docx_bytes, "image": png_bytes}


def render(
    kind: str, title: str, agency: str, fmt: str, cells: list[dict], note: str = ""
) -> bytes:
    """The report's document of ``kind`` (pdf, docx, image; doc: see
    :func:`docs_from_docx`), cached on disk by its content."""
    parts = (kind, title, agency, fmt, cells, CACHE_VERSION) + ((note,) if note else ())
    material = repr(parts).encode()
    path = cache_dir() / f"{hashlib.sha256(material).hexdigest()}.{kind}"
    if path.exists():
        return path.read_bytes()
    data = RENDERERS[kind](title, agency, fmt, cells, note)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return data


CACHE_VERSION = 2


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/xxgk/localportal`` (or ~/.cache), else a temp dir."""
    root = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    path = Path(root) / "xxgk" / "localportal"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        path = Path(tempfile.gettempdir()) / "xxgk-localportal"
        path.mkdir(parents=True, exist_ok=True)
    return path


def docs_from_docx(docx_files: dict[str, bytes]) -> dict[str, bytes]:
    """Word 97 .doc bytes for each DOCX (name → bytes), by one LibreOffice call;
    cached on disk by the DOCX's sha256 so later runs cost nothing."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    out: dict[str, bytes] = {}
    todo: dict[str, tuple[str, bytes]] = {}
    for name, data in docx_files.items():
        sha = hashlib.sha256(data).hexdigest()
        hit = cache / f"{sha}.doc"
        if hit.exists():
            out[name] = hit.read_bytes()
        else:
            todo[name] = (sha, data)
    if not todo:
        return out
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is needed to make .doc files")
    with tempfile.TemporaryDirectory(prefix="xxgk-soffice-") as tmp:
        t = Path(tmp)
        inputs = []
        for sha, data in todo.values():
            p = t / f"{sha}.docx"
            p.write_bytes(data)
            inputs.append(str(p))
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{t}/profile",
                "--headless",
                "--convert-to",
                "doc:MS Word 97",
                "--outdir",
                str(t / "out"),
                *inputs,
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        for name, (sha, _) in todo.items():
            data = (t / "out" / f"{sha}.doc").read_bytes()
            tmp_path = cache / f".{sha}.tmp"
            tmp_path.write_bytes(data)
            os.replace(tmp_path, cache / f"{sha}.doc")
            out[name] = data
    return out
