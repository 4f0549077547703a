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


def table_grid(fmt: str, table: str, cells: list[dict]) -> list[list[str]]:
    """One printed table as rows of strings, the header first."""
    form = all_forms()[fmt]
    t = form.table(table)
    val = {(c["row"], c["col"]): c["value"] for c in cells if c["table"] == table}
    if table == "t2":
        grid = [["信息内容", "项目", "数值"]]
        for row in t.rows:
            for col in t.cols_of(row):
                grid.append([row.label, col.label, _fmt(val.get((row.key, col.key)))])
        return grid
    if table == "t3":
        grid = [["本列数据的勾稽关系", *[c.label for c in t.cols]]]
        for row in t.rows:
            label = (
                f"{row.group}{row.label}" if row.group and row.label[:2] in ("1.",) else row.label
            )
            grid.append([label, *[_fmt(val.get((row.key, c.key))) for c in t.cols]])
        return grid
    grid = [["", *[f"行政复议{c.label}" for c in t.cols]]]
    for row in t.rows:
        grid.append([row.label, *[_fmt(val.get((row.key, c.key))) for c in t.cols]])
    return grid


def blocks(title: str, agency: str, fmt: str, cells: list[dict]):
    """The report as a sequence of ("h", text) / ("p", text) / ("table", grid)."""
    yield ("h", title)
    for heading, text in SECTIONS:
        yield ("p", heading)
        if text:
            yield ("p", text.format(agency=agency))
        key = TABLE_OF_SECTION.get(heading[0])
        if key:
            yield ("table", table_grid(fmt, key, cells))


def report_html_body(title: str, agency: str, fmt: str, cells: list[dict]) -> str:
    out = []
    for kind, value in blocks(title, agency, fmt, cells):
        if kind == "table":
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in value
            )
            out.append(f'<table border="1" cellspacing="0">{rows}</table>')
        elif kind == "p":
            out.append(f"<p>{html.escape(value)}</p>")
    return "\n".join(out)


def pdf_bytes(title: str, agency: str, fmt: str, cells: list[dict]) -> bytes:
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
    for kind, value in blocks(title, agency, fmt, cells):
        if kind == "table":
            data = [[Paragraph(html.escape(c), style) for c in row] for row in value]
            widths = [150] + [(A4[0] - 220) / (len(value[0]) - 1)] * (len(value[0]) - 1)
            t = Table(data, colWidths=widths)
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


def docx_bytes(title: str, agency: str, fmt: str, cells: list[dict]) -> bytes:
    import docx

    d = docx.Document()
    for kind, value in blocks(title, agency, fmt, cells):
        if kind == "h":
            d.add_heading(value, level=1)
        elif kind == "p":
            d.add_paragraph(value)
        else:
            t = d.add_table(rows=len(value), cols=len(value[0]))
            t.style = "Table Grid"
            for row_obj, row in zip(t.rows, value, strict=True):
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


def png_bytes(title: str, agency: str, fmt: str, cells: list[dict]) -> bytes:
    """The report as one scanned-looking page image (a 图片版 report)."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = next((p for p in CJK_FONTS if os.path.exists(p)), None)
    if font_path is None:
        raise RuntimeError("no CJK font: install fonts-noto-cjk")
    font = ImageFont.truetype(font_path, 16)
    lines: list[tuple[str, object]] = list(blocks(title, agency, fmt, cells))
    height = 40 + sum(22 * (len(v) if k == "table" else 1) + 8 for k, v in lines)
    img = Image.new("L", (1100, height), 255)
    draw = ImageDraw.Draw(img)
    y = 20
    for kind, value in lines:
        if kind == "table":
            ncol = len(value[0])
            widths = [420] + [(1100 - 460) // (ncol - 1)] * (ncol - 1)
            for row in value:
                x = 20
                for w, c in zip(widths, row, strict=True):
                    draw.rectangle([x, y, x + w, y + 22], outline=0)
                    draw.text((x + 3, y + 2), c[:26], font=font, fill=0)
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


def render(kind: str, title: str, agency: str, fmt: str, cells: list[dict]) -> bytes:
    """The report's document of ``kind`` (pdf, docx, image; doc: see
    :func:`docs_from_docx`), cached on disk by its content."""
    material = repr((kind, title, agency, fmt, cells, CACHE_VERSION)).encode()
    path = cache_dir() / f"{hashlib.sha256(material).hexdigest()}.{kind}"
    if path.exists():
        return path.read_bytes()
    data = RENDERERS[kind](title, agency, fmt, cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return data


CACHE_VERSION = 1


def cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    return Path(root) / "xxgk" / "localportal"


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
