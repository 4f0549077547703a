"""OCR of image reports and image-only PDF pages, on a generated report
rendered with a CJK font and speckle noise (values known from the seed)."""

import importlib.util
import io
import random
import shutil
from pathlib import Path

import pytest

from extract import UnreadableDocument, extract
from extract.readers import ocr

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

_spec = importlib.util.spec_from_file_location(
    "render_fixture", Path(__file__).parent / "fixtures" / "images" / "render.py"
)
render_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(render_fixture)

T2_KEYS = {"规章": "regulations", "行政规范性文件": "normative_documents"}
T3_KEYS = {
    "一、本年新收政府信息公开申请数量": "new_received",
    "二、上年结转政府信息公开申请数量": "carried_over",
}
T3_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_services",
           "other_org", "total")  # fmt: skip


def _need_ocr():
    if not ocr.available():
        pytest.fail("OCR is not installed: pip install -e '.[dev,ocr]'")
    if render_fixture.font_path() is None:
        pytest.skip("fonts-noto-cjk not installed (apt install fonts-noto-cjk)")


def _png(img) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def rendered():
    _need_ocr()
    img, vals = render_fixture.render(seed=11)
    record = extract(_png(img), name="report.png")
    return record, vals


def _expected(vals):
    want = {}
    for label, key in T2_KEYS.items():
        for col, v in zip(("issued", "repealed", "in_force"), vals[label], strict=True):
            want[("t2", key, col)] = v
    for label, key in T3_KEYS.items():
        for col, v in zip(T3_COLS, vals[label], strict=True):
            want[("t3", key, col)] = v
    return want


def test_image_report_values_read_by_ocr(rendered):
    record, vals = rendered
    assert record["reader"].startswith("ocr:")
    assert record["year"] == 2023
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in record["cells"]}
    want = _expected(vals)
    assert {k: got.get(k) for k in want} == want


def test_ocr_cells_carry_score_and_bbox(rendered):
    record, _ = rendered
    cell = next(c for c in record["cells"] if c["table"] == "t3")
    src = cell["source"]
    assert 0 < src["ocr_score"] <= 1
    assert cell["confidence"] <= src["ocr_score"]
    assert len(src["bbox"]) == 4


def test_image_only_pdf_page_falls_back_to_ocr():
    _need_ocr()
    img, vals = render_fixture.render(seed=23)
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="PDF", resolution=150)
    record = extract(buf.getvalue(), name="scan.pdf")
    assert record["reader"] == "pdf+ocr"
    assert any(w["code"] == "ocr_pages" for w in record["warnings"])
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in record["cells"]}
    want = _expected(vals)
    assert {k: got.get(k) for k in want} == want


def test_image_of_noise_is_a_recorded_failure():
    _need_ocr()
    from PIL import Image

    rng = random.Random(3)
    img = Image.new("L", (400, 300))
    img.putdata([rng.choice((0, 255)) for _ in range(400 * 300)])
    with pytest.raises(UnreadableDocument) as err:
        extract(_png(img), name="noise.png")
    assert "\n" not in str(err.value)


def test_truncated_image_is_a_one_line_error():
    _need_ocr()
    img, _ = render_fixture.render(seed=5)
    data = _png(img)[:200]
    with pytest.raises(UnreadableDocument) as err:
        extract(data, name="cut.png")
    assert "\n" not in str(err.value)


def test_tesseract_fallback_reads_labels_and_numbers():
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract-ocr is not installed")
    _need_ocr()
    img, vals = render_fixture.render(seed=11, noise=0.0)
    chars = ocr._chars_tesseract(img)
    text = "".join(c.text for c in chars)
    # Tesseract is the weaker engine: labels read, numbers of a row may run
    # together, which is why rapidocr comes first.
    assert "信息内容" in text and "本年制发件数" in text
    assert all(c.score is not None and 0 <= c.score <= 1 for c in chars)
    assert str(vals["规章"][0]) in text


def test_failed_check_marks_ocr_value_low_confidence():
    cells = [
        {"table": "t3", "row": "granted", "col": "total", "value": 9, "confidence": 1.0,
         "source": {"ocr_score": 0.97}},
        {"table": "t3", "row": "granted", "col": "natural_person", "value": 9, "confidence": 1.0,
         "source": {"ocr_score": 0.99}},
        {"table": "t2", "row": "regulations", "col": "issued", "value": 1, "confidence": 1.0,
         "source": {}},
    ]  # fmt: skip
    checks = [{"rule": "t3_row_total", "ok": False, "cells": ["t3.granted.total"]}]
    ocr.mark_ocr_cells(cells, checks)
    assert cells[0]["confidence"] == ocr.LOW_CONFIDENCE
    assert "t3_row_total" in cells[0]["note"]
    assert cells[1]["confidence"] == 0.99
    assert cells[2]["confidence"] == 1.0


def test_real_report_page_rendered_as_scan_matches_truth():
    """Page 3 of a corpus PDF (表二 tail, 表三 head with vertical group labels)
    rendered at 200 dpi without its text layer: every value OCR reads must
    equal the truth, and the 表三 rows on the page must all be read."""
    _need_ocr()
    import json

    import pypdfium2

    name = "jiangsu_huaian_hongzequ_gov_2023.pdf"
    pdf = pypdfium2.PdfDocument(str(CORPUS / "docs" / name))
    page = pdf[2].render(scale=200 / 72).to_pil().convert("L")
    record = extract(_png(page), name="page3.png")
    truth = json.loads((CORPUS / "truth" / f"{name}.json").read_text())
    want = {(c["table"], c["row"], c["col"]): c["value"] for c in truth["cells"]}
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in record["cells"]}
    assert {k: v for k, v in got.items() if want.get(k, "absent") != v} == {}
    on_page = ("new_received", "granted", "partially_granted", "withheld_state_secret",
               "withheld_admin_query", "unavailable_not_held", "unavailable_needs_creation")  # fmt: skip
    assert all(("t3", row, "total") in got for row in on_page)
    assert got[("t2", "punishment", "decisions")] == want[("t2", "punishment", "decisions")]


def _cell_image(text: str, gap: int):
    """A table cell: a 3 px rule at x=100, ``text`` printed ``gap`` px right of it."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (400, 120), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((99, 0, 101, 119), fill="black")
    draw.line((0, 10, 399, 10), fill="black", width=3)
    draw.line((0, 110, 399, 110), fill="black", width=3)
    font = ImageFont.truetype(str(render_fixture.font_path()), 40)
    left = 102 + gap - font.getbbox(text)[0]
    draw.text((left, 38), text, font=font, fill="black")
    return img


@pytest.mark.parametrize(
    ("printed", "gap", "want"),
    [
        ("0", 0, "0"),  # "|0" recognised as "10": the rule was the 1
        ("10", 4, "10"),  # a real 1 beside the rule stays
    ],
)
def test_rule_read_as_leading_one_is_read_again(printed, gap, want):
    _need_ocr()
    if not ocr._rapid_available():
        pytest.skip("rapidocr not installed")
    from extract.readers.pdf import Char

    img = _cell_image(printed, gap)
    _, vertical = ocr.image_rules(img)
    assert any(abs(v.pos - 100) <= 2 for v in vertical)
    # The box recognition gave: "10" from the rule to the end of the text.
    chars = [Char("10", 97.0, 120 - 90.0, 102.0 + gap + 24 * len(printed), 120 - 30.0, score=0.8)]
    changed = ocr._reread_rule_digits(img, chars, vertical)
    assert chars[0].text == want
    assert changed == ([] if want == "10" else ["10→0"])


def test_reading_a_box_again_leaves_page_recognition_alone():
    """The box re-read must not change how whole pages are read afterwards
    (rapidocr keeps a call's use_det=False for later calls on one engine)."""
    _need_ocr()
    if not ocr._rapid_available():
        pytest.skip("rapidocr not installed")
    from extract.readers.pdf import Char

    page, _ = render_fixture.render(seed=11)
    before = [c.text for c in ocr.recognise(page)[0]]
    img = _cell_image("0", 0)
    _, vertical = ocr.image_rules(img)
    ocr._reread_rule_digits(img, [Char("10", 97.0, 30.0, 126.0, 90.0, score=0.8)], vertical)
    assert [c.text for c in ocr.recognise(page)[0]] == before


def _ruled_row_image(speckle: bool):
    """One ruled table row, 规章 | 5 | (empty) | 7, on a clean page; with
    ``speckle``, a few dark dots inside the empty cell."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (900, 200), "white")
    draw = ImageDraw.Draw(img)
    xs = (50, 300, 500, 700, 880)
    for y in (60, 140):
        draw.line((xs[0], y, xs[-1], y), fill="black", width=3)
    for x in xs:
        draw.line((x, 60, x, 140), fill="black", width=3)
    font = ImageFont.truetype(str(render_fixture.font_path()), 34)
    for x, text in ((90, "规章"), (390, "5"), (780, "7")):
        draw.text((x, 80), text, font=font, fill="black")
    if speckle:
        for dx in range(0, 60, 6):
            draw.rectangle((560 + dx, 95, 562 + dx, 97), fill="black")
    return img


@pytest.mark.parametrize("speckle", [False, True])
def test_empty_cell_is_a_blank_only_when_the_page_shows_no_ink(speckle):
    """OCR reading nothing in a cell is no evidence; a cell whose inside
    holds no ink at all is. Such a blank is kept as null, any other left out."""
    _need_ocr()
    from extract.tables import Cell

    layout = ocr.read_image_obj(_ruled_row_image(speckle))
    [row] = [r for r in layout.rows() if any(c.text == "规章" for c in r.cells)]
    texts = [c.text for c in row.cells]
    assert texts[:2] == ["规章", "5"] and texts[3] == "7"
    empty = row.cells[2]
    assert empty.text == ""
    assert (empty.where["ink"] > ocr._CLEAN) is speckle
    if not speckle:
        assert empty.where["ink"] == 0.0
    cells = {("t2", "regulations", "repealed"): Cell(
        "t2", "regulations", "repealed", None, "blank", "", empty.where
    )}  # fmt: skip
    assert ocr.drop_ocr_blanks(layout, cells) == (1 if speckle else 0)
    assert bool(cells) is not speckle


def test_a_stroke_against_a_rule_is_ink_a_rule_a_little_inside_is_not():
    """What counts as ink in an empty-looking cell: a rule (found a few pixels
    off its place, inside the box) is not; a tall narrow "1" pressed against
    the left rule of a tight cell is."""
    import numpy as np

    page = np.full((100, 200), 255, np.uint8)
    page[30:33, 20:120] = 0  # top rule
    page[67:70, 20:120] = 0  # bottom rule
    page[30:70, 20:23] = 0  # left rule
    page[30:70, 110:113] = 0  # right rule, 8 px inside the box's right edge
    box = [20.0, 100 - 69.0, 119.0, 100 - 30.0]  # x0, y0, x1, y1 with y upwards
    assert ocr._inside(page, box).mean() == 0.0
    page[37:63, 23:26] = 0  # a "1", 26 of the cell's 40 px tall, touching the left rule
    assert ocr._inside(page, box).mean() > ocr._CLEAN
