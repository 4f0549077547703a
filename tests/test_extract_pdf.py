"""The PDF text-layer reader on the corpus PDFs (WPS exports with ruled
tables) and on broken input."""

import json
from pathlib import Path

import pytest
from pdfgen import encrypted_pdf, one_line_pdf

from extract import UnreadableDocument, extract
from extract.layout import Paragraph, SourceRow
from extract.readers.pdf import read_pdf

SHARED = Path(__file__).resolve().parents[2] / "shared"

CORPUS = SHARED / "corpus"
PDFS = ["jiangsu_huaian_city_gov_2024.pdf", "jiangsu_huaian_hongzequ_gov_2023.pdf"]


def _corpus(name: str) -> bytes:
    path = CORPUS / "docs" / name
    if not path.exists():
        pytest.fail(f"shared corpus missing: {path}")
    return path.read_bytes()


@pytest.mark.parametrize("name", PDFS)
def test_corpus_pdf_matches_truth(name):
    record = extract(_corpus(name), name=name)
    truth = json.loads((CORPUS / "truth" / f"{name}.json").read_text())
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in record["cells"]}
    wrong = [
        (c["table"], c["row"], c["col"], got.get((c["table"], c["row"], c["col"]), "missing"))
        for c in truth["cells"]
        if got.get((c["table"], c["row"], c["col"]), "missing") != c["value"]
    ]
    assert wrong == []
    assert record["reader"] == "pdf"
    assert record["year"] == truth["year"]
    assert record["format"] == truth["format"]


def test_wrapped_label_and_vertical_group_stay_in_their_cells():
    layout = read_pdf(_corpus("jiangsu_huaian_city_gov_2024.pdf"))
    rows = [[c.text for c in r.cells] for r in layout.items if isinstance(r, SourceRow)]
    # The label of （六）1 wraps over three lines inside one cell.
    overdue = [r for r in rows if any("逾期不补正" in t for t in r)]
    assert len(overdue) == 1
    label = next(t for t in overdue[0] if "逾期不补正" in t)
    assert label.endswith("信息公开申请")
    assert overdue[0][-7:] == ["67", "3", "0", "0", "1", "0", "71"]
    # 表四: fifteen values in one row, each in its own cell.
    t4 = next(r for r in rows if r[:3] == ["72", "64", "178"])
    assert len(t4) == 15


def test_page_numbers_are_dropped_and_provenance_kept():
    layout = read_pdf(_corpus("jiangsu_huaian_hongzequ_gov_2023.pdf"))
    texts = [p.text for p in layout.items if isinstance(p, Paragraph)]
    assert not any(t.strip("-— ").isdigit() for t in texts)
    row = next(r for r in layout.items if isinstance(r, SourceRow) and r.cells[-1].text == "4119")
    where = row.cells[-1].where
    assert where["page"] == 3
    left, bottom, right, top = where["bbox"]
    assert left < right and bottom < top


def test_narrative_is_read_into_sections():
    record = extract(_corpus("jiangsu_huaian_city_gov_2024.pdf"), name="x.pdf")
    sections = record["sections"]
    text = json.dumps(sections, ensure_ascii=False)
    assert "3940元" in text


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\nnot really a pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", b"%PDF-"],
)
def test_broken_pdf_is_a_one_line_error(data):
    with pytest.raises(UnreadableDocument) as err:
        extract(data, name="broken.pdf")
    assert "\n" not in str(err.value)
    assert "PDF" in str(err.value)


def test_truncated_corpus_pdf_is_refused_or_read_partially():
    data = _corpus("jiangsu_huaian_hongzequ_gov_2023.pdf")
    try:
        record = extract(data[: len(data) // 2], name="cut.pdf")
    except UnreadableDocument as err:
        assert "\n" not in str(err)
    else:
        assert isinstance(record["cells"], list)


def test_encrypted_pdf_is_a_one_line_error():
    with pytest.raises(UnreadableDocument) as err:
        extract(encrypted_pdf(), name="locked.pdf")
    assert str(err.value) == "encrypted PDF (password required)"


def test_blank_pdf_page_is_recorded_not_crashed():
    import io

    import pypdfium2

    doc = pypdfium2.PdfDocument.new()
    doc.new_page(595, 842)
    buf = io.BytesIO()
    doc.save(buf)
    record = extract(buf.getvalue(), name="blank.pdf")
    assert record["cells"] == []
    codes = {w["code"] for w in record["warnings"]}
    # Without a text layer the page goes to OCR (or is reported unreadable).
    assert codes & {"ocr_pages", "page_unreadable", "ocr_no_text"}


@pytest.mark.parametrize(
    ("text", "garbled"),
    [("Annual report 2023: 1136 items, 21 requests", False), ("\u4e2d\u6587" * 15, True)],
)
def test_mojibake_text_layer_is_garbled(text, garbled):
    import pypdfium2

    from extract.readers.pdf import page_chars

    pdf = pypdfium2.PdfDocument(one_line_pdf(text))
    chars, is_garbled = page_chars(pdf[0].get_textpage())
    assert chars or garbled
    assert is_garbled is garbled


def test_page_full_of_lines_is_read_as_text_in_bounded_time():
    """A vector drawing (thousands of thin paths) is not a table: the page
    is read as text lines instead of a quadratic rule search."""
    from extract.readers.pdf import Char, Rule, items_from_chars

    chars = [Char(ch, 50 + 12 * i, 700, 60 + 12 * i, 711) for i, ch in enumerate("行政许可")]
    chars.append(Char("5", 300, 700, 306, 711))
    horizontal = [Rule(float(y), 0.0, 500.0) for y in range(0, 1000)]
    vertical = [Rule(float(x), 0.0, 800.0) for x in range(0, 1000)]
    items, tables = items_from_chars(chars, horizontal, vertical, page_no=1)
    assert tables == 0
    row = next(i for i in items if isinstance(i, SourceRow))
    assert [c.text for c in row.cells] == ["行政许可", "5"]


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotated_page_is_read_upright(rotation):
    """A landscape table printed on a portrait page with /Rotate: the text
    is drawn turned the other way so that it reads upright on screen."""
    import ctypes
    import io
    import math

    import pypdfium2
    import pypdfium2.raw as pdfium_c

    width, height = 300.0, 400.0
    doc = pypdfium2.PdfDocument.new()
    page = doc.new_page(width, height)
    # display position (x, y) -> user space, and the text direction, per /Rotate
    angle = math.radians(rotation)
    cos, sin = round(math.cos(angle)), round(math.sin(angle))
    disp_w, disp_h = (height, width) if rotation in (90, 270) else (width, height)

    def to_user(x, y):
        if rotation == 90:
            return width - y, x
        if rotation == 180:
            return width - x, height - y
        if rotation == 270:
            return y, height - x
        return x, y

    for text, x, y in [("Licensing", 30, disp_h - 60), ("447", 220, disp_h - 60),
                       ("Punishment", 30, disp_h - 90), ("3985", 220, disp_h - 90)]:  # fmt: skip
        obj = pdfium_c.FPDFPageObj_NewTextObj(doc.raw, b"Helvetica", ctypes.c_float(12))
        buf = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(buf, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        ux, uy = to_user(x, y)
        # rotate the glyphs counter-clockwise by the page's clockwise /Rotate
        pdfium_c.FPDFPageObj_Transform(obj, cos, sin, -sin, cos, ux, uy)
        pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    page.set_rotation(rotation)
    out = io.BytesIO()
    doc.save(out)
    assert disp_w > 0
    rows = [[c.text for c in r.cells] for r in read_pdf(out.getvalue()).rows()]
    assert rows == [["Licensing", "447"], ["Punishment", "3985"]]


def test_headings_set_like_body_text_split_the_sections():
    """A PDF whose title, headings and paragraphs share one font, size and
    leading, without indent or space between them (as reportlab and some
    exporters print): every heading is still a paragraph of its own, so
    no section is swallowed by the line above it."""
    from crawler.localportal.documents import SECTIONS, pdf_bytes

    record = extract(
        pdf_bytes("测试区统计局2023年政府信息公开工作年度报告", "测试区统计局", "2021", []),
        name="r.pdf",
    )
    assert (record["agency"], record["year"]) == ("测试区统计局", 2023)
    printed = {h: t.format(agency="测试区统计局") for h, t in SECTIONS if t}
    assert record["sections"]["overview"] == printed["一、总体情况"]
    assert record["sections"]["problems"] == printed["五、存在的主要问题及改进情况"]
    assert record["title"] == "测试区统计局2023年政府信息公开工作年度报告"
