"""Scans and images ("（图片版）" reports, scanned PDF pages), read by offline OCR.

rapidocr (its detection/recognition models ship inside the wheel; runs on
onnxruntime) gives a box per recognised word or character; Tesseract with
Debian's chi_sim data is the fallback. The boxes are treated like the
character boxes of a PDF text layer, and table ruling lines are found in
the image with OpenCV morphology, so tables are rebuilt by the same code as
for PDFs (:func:`extract.readers.pdf.items_from_chars`).

Every value read by OCR keeps its recognition score; cells whose table
checks fail are marked low-confidence by :func:`mark_ocr_cells`.
OCR is optional (``pip install 'xxgk-archive[ocr]'``); without it an image
is an unreadable document with a one-line reason.
"""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
from functools import lru_cache
from typing import Any

from extract.layout import Layout
from extract.readers.pdf import Char, Rule, _merge, items_from_chars
from extract.sniff import UnreadableDocument

INSTALL_HINT = (
    "pip install 'xxgk-archive[ocr]' (rapidocr + onnxruntime) or apt install tesseract-ocr-chi-sim"
)
LOW_CONFIDENCE = 0.5
_MAX_PIXELS = 60_000_000  # a 200 dpi A0 sheet; larger is a hostile file
_MAX_SIDE = 3600  # pixels: A4 at ~300 dpi
_HANZI_SPACE = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def _rapid_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def _tesseract_available() -> bool:
    try:
        import pytesseract  # noqa: F401
    except ImportError:
        return False
    return shutil.which("tesseract") is not None


def available() -> bool:
    """Whether any OCR engine can run here."""
    return _rapid_available() or _tesseract_available()


@lru_cache(maxsize=2)
def _rapid_engine(detect: bool = True) -> Any:
    """One rapidocr engine per process and mode (loading its models takes
    ~0.5 s): full pages with detection, or recognition alone for a box read
    again. Two engines, because rapidocr keeps a call's ``use_det=False`` for
    the calls after it."""
    log = logging.getLogger("RapidOCR")
    log.setLevel(logging.ERROR)
    log.propagate = False
    from rapidocr import RapidOCR

    # Upright pages: the angle classifier costs time and changes nothing.
    # Text detection on a 200 dpi page scaled to 1600 px is ~3x faster and
    # finds the same boxes; recognition still reads crops of the full image.
    engine = RapidOCR(
        params={
            "Global.use_det": detect,
            "Global.use_cls": False,
            "Det.limit_type": "max",
            "Det.limit_side_len": 1600,
            # one core per document: batch workers run side by side
            "EngineConfig.onnxruntime.intra_op_num_threads": int(
                os.environ.get("XXGK_OCR_THREADS", "1")
            ),
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        }
    )
    log.setLevel(logging.ERROR)
    for handler in log.handlers:
        handler.setLevel(logging.ERROR)
    return engine


def _chars_rapid(image: Any) -> list[Char]:
    import numpy as np

    height = image.height
    result = _rapid_engine()(np.asarray(image.convert("RGB")), return_word_box=True)
    chars: list[Char] = []
    words = result.word_results or ()
    for line_words in words:
        for text, score, box in line_words:
            text = text.strip()
            if not text:
                continue
            xs = [p[0] for p in box]
            ys = [p[1] for p in box]
            chars.append(
                Char(
                    text,
                    float(min(xs)),
                    float(height - max(ys)),
                    float(max(xs)),
                    float(height - min(ys)),
                    score=float(score),
                )
            )
    return chars


def _chars_tesseract(image: Any) -> list[Char]:
    import pytesseract

    data = pytesseract.image_to_data(
        image, lang="chi_sim", config="--psm 3", output_type=pytesseract.Output.DICT
    )
    height = image.height
    chars: list[Char] = []
    for i, text in enumerate(data["text"]):
        text = _HANZI_SPACE.sub("", (text or "").strip())
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        left, top = data["left"][i], data["top"][i]
        w, h = data["width"][i], data["height"][i]
        chars.append(
            Char(
                text,
                float(left),
                float(height - top - h),
                float(left + w),
                float(height - top),
                score=conf / 100,
            )
        )
    return chars


def recognise(image: Any) -> tuple[list[Char], str]:
    """Words/characters with boxes (y upwards, like PDF) and the engine used.
    rapidocr first; Tesseract when rapidocr is missing or fails."""
    if _rapid_available():
        try:
            return _chars_rapid(image), "rapidocr"
        except Exception as e:  # the fallback engine exists for exactly this
            if not _tesseract_available():
                raise UnreadableDocument(f"OCR failed: {type(e).__name__}: {e}") from e
    if _tesseract_available():
        try:
            return _chars_tesseract(image), "tesseract"
        except Exception as e:
            raise UnreadableDocument(f"OCR failed: {type(e).__name__}: {e}") from e
    raise UnreadableDocument(f"OCR is not installed: {INSTALL_HINT}")


def image_rules(image: Any) -> tuple[list[Rule], list[Rule]]:
    """Table ruling lines in an image (y upwards): long thin dark runs kept
    by a morphological opening with a line-shaped kernel."""
    try:
        import cv2
        import numpy as np
    except ImportError:
        return [], []
    gray = np.asarray(image.convert("L"))
    h, w = gray.shape
    binary = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 10
    )
    out: list[list[Rule]] = []
    for kernel_size, horizontal in (((max(w // 40, 10), 1), True), ((1, max(h // 60, 10)), False)):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, kernel_size)
        lines = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
        contours, _ = cv2.findContours(lines, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        rules = []
        for contour in contours:
            x, y, cw, ch = cv2.boundingRect(contour)
            if horizontal and cw > 3 * ch:
                rules.append(Rule(float(h - (y + ch / 2)), float(x), float(x + cw)))
            elif not horizontal and ch > 3 * cw:
                rules.append(Rule(float(x + cw / 2), float(h - y - ch), float(h - y)))
        out.append(_merge(rules, tolerance=max(3.0, min(w, h) / 400)))
    return out[0], out[1]


_RULE_ONE = re.compile(r"1\d+(?:\.\d+)?")


def _reread_rule_digits(image: Any, chars: list[Char], vertical: list[Rule]) -> list[str]:
    """A digit printed against its cell's left rule ("|0") can come out of
    recognition as "10": the rule read as a "1". For every number starting
    with 1 whose first glyph sits on a vertical rule, read the word's box
    again with the rule's columns painted white; when that reading is the
    number without its leading 1, it replaces the first. Returns what was
    changed ("10→0"), for the record's warnings."""
    import numpy as np

    changed: list[str] = []
    height = image.height
    pixels = None
    for i, c in enumerate(chars):
        if not _RULE_ONE.fullmatch(c.text):
            continue
        glyph = (c.right - c.left) / len(c.text)
        rule = next(
            (
                v
                for v in vertical
                if c.left - 3 <= v.pos <= c.left + glyph and v.start <= c.bottom + 2
                and v.end >= c.top - 2
            ),
            None,
        )  # fmt: skip
        if rule is None:
            continue
        if pixels is None:
            pixels = np.asarray(image.convert("RGB"))
        top, bottom = max(0, int(height - c.top) - 4), min(height, int(height - c.bottom) + 4)
        left, right = max(0, int(c.left) - 6), min(image.width, int(c.right) + 6)
        crop = pixels[top:bottom, left:right].copy()
        if crop.size == 0:
            continue
        # White out the rule — the columns dark from the crop's top to its
        # bottom (a glyph's stroke stops short of the white margin above and
        # below it) — and everything left of it.
        dark = (crop.min(axis=2) < 128).mean(axis=0)
        end = max(0, int(rule.pos) - 3 - left)
        while end < crop.shape[1] and (dark[end] >= 0.95 or end <= int(rule.pos) - left):
            end += 1
        crop[:, :end] = 255
        result = _rapid_engine(detect=False)(crop)
        texts = getattr(result, "txts", None) or ()
        scores = getattr(result, "scores", None) or ()
        again = texts[0].strip() if texts else ""
        if again == c.text[1:]:
            score = min(c.score or 1.0, float(scores[0]) if scores else 1.0)
            chars[i] = Char(again, float(left + end), c.bottom, c.right, c.top, score=score)
            changed.append(f"{c.text}→{again}")
    return changed


def read_image_obj(image: Any, *, page_no: int = 1, table_base: int = 0) -> Layout:
    """OCR one page image (PIL) into a layout; confidence = mean score.
    Pages larger than ~300 dpi A4 are scaled down first (OCR time grows
    with the pixels, the characters are legible well before that)."""
    side = max(image.size)
    if side > _MAX_SIDE:
        scale = _MAX_SIDE / side
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    chars, engine = recognise(image)
    horizontal, vertical = image_rules(image)
    reread = _reread_rule_digits(image, chars, vertical) if engine == "rapidocr" else []
    tol = max(3.0, min(image.width, image.height) / 300)
    items, _ = items_from_chars(chars, horizontal, vertical, page_no, table_base, tol=tol)
    _mark_empty_cells(image, items)
    scores = [c.score for c in chars if c.score is not None]
    confidence = round(sum(scores) / len(scores), 3) if scores else 0.0
    layout = Layout(reader=f"ocr:{engine}", items=items, confidence=confidence)
    if reread:
        layout.warnings.append(
            {
                "code": "ocr_rule_read_as_digit",
                "message": f"page {page_no}: {len(reread)} numbers began with a table rule read "
                "as '1'; read again without the rule: " + ", ".join(reread),
                "page": page_no,
            }
        )
    if not chars:
        layout.warnings.append(
            {"code": "ocr_no_text", "message": f"page {page_no}: OCR recognised no text"}
        )
    return layout


def read_image(data: bytes) -> Layout:
    """An image report (PNG, JPEG, GIF, BMP, TIFF, WebP; every frame of a
    multi-page TIFF) read by OCR."""
    if not available():
        raise UnreadableDocument(f"image report needs OCR, which is not installed: {INSTALL_HINT}")
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = _MAX_PIXELS
    try:
        img = Image.open(io.BytesIO(data))
        frames = [f.copy() for f in ImageSequence.Iterator(img)][:50]
    except Image.DecompressionBombError as e:
        raise UnreadableDocument(f"image too large to OCR safely: {e}") from e
    except Exception as e:
        raise UnreadableDocument(f"not a readable image: {type(e).__name__}") from e
    items: list = []
    warnings: list[dict[str, Any]] = []
    scores = []
    reader = "ocr"
    for n, frame in enumerate(frames, start=1):
        page = read_image_obj(frame.convert("RGB"), page_no=n)
        reader = page.reader
        items.extend(page.items)
        warnings.extend(page.warnings)
        scores.append(page.confidence)
    if not any(True for _ in items):
        raise UnreadableDocument("no text recognised in the image (blank, noise or not a report)")
    layout = Layout(reader=reader, items=items, confidence=min(scores) if scores else 0.0)
    layout.warnings.extend(warnings)
    return layout


def mark_ocr_cells(cells: list[dict[str, Any]], checks: list[dict[str, Any]]) -> None:
    """OCR'd values carry their recognition score as confidence; a value in a
    failed check is marked low-confidence with a note (never corrected)."""
    failed: dict[str, str] = {}
    for check in checks:
        if check.get("ok") is False:
            for ref in check.get("cells") or []:
                failed.setdefault(ref, check.get("rule") or check.get("name") or "check")
    for cell in cells:
        src = cell.get("source") or {}
        score = src.get("ocr_score")
        if score is None:
            continue
        conf = min(cell.get("confidence", 1.0), float(score))
        ref = f"{cell['table']}.{cell['row']}.{cell['col']}"
        if ref in failed:
            conf = min(conf, LOW_CONFIDENCE)
            note = f"read by OCR and the report's check {failed[ref]} fails"
            cell["note"] = f"{cell['note']}; {note}" if cell.get("note") else note
        cell["confidence"] = round(conf, 3)


_INK_LEVEL = 160  # grey below this is ink
_CLEAN = 0.002  # at most this share of a cell's inside may be ink for it to be empty


def _mark_empty_cells(image: Any, items: list) -> None:
    """Look at the page where OCR found nothing in a ruled cell: when the
    cell, its rules left out, holds no ink at all, the cell is printed empty,
    and says so (``where["ink"]``). Any stroke or speckle there — or a rule
    too blurred or slanted to be told apart — leaves the question open."""
    import numpy as np

    gray = None
    for item in items:
        for cell in getattr(item, "cells", ()):
            box = cell.where.get("bbox")
            if cell.text.strip() or not box:
                continue
            if gray is None:
                gray = np.asarray(image.convert("L"))
            inside = _inside(gray, box)
            if inside is not None:
                cell.where["ink"] = round(float(inside.mean()), 4)


def _inside(gray: Any, box: list[float]) -> Any:
    """Whether each pixel of a ruled cell is ink, its rules left out. A rule
    is a line of pixels dark along 95 % of the cell's side or more — its
    own rules included, which a vertical rule crosses and a glyph never
    reaches — found wherever it lies: at the border, or a little inside
    when it was located a few pixels off. It goes with one line of pixels on
    either side and no more, so a "1" pressed against a rule stays ink; the
    blur of a soft scan stays too, and leaves such a cell unread."""

    h, w = gray.shape
    x0, y0, x1, y1 = box
    left, right = max(0, int(x0)), min(w, int(x1) + 1)
    top, bottom = max(0, int(h - y1)), min(h, int(h - y0) + 1)
    if right - left < 8 or bottom - top < 8:
        return None
    dark = gray[top:bottom, left:right] < _INK_LEVEL
    rows = _off_rules(dark.mean(axis=1))
    cols = _off_rules(dark.mean(axis=0))
    dark = dark[rows][:, cols]
    return dark if dark.size else None


def _off_rules(profile: Any) -> Any:
    """Which lines of a darkness profile lie off every rule (a line at
    least 95 % dark) and its neighbours."""
    import numpy as np

    keep = np.ones(len(profile), dtype=bool)
    for i in np.nonzero(profile >= 0.95)[0]:
        keep[max(0, i - 1) : i + 2] = False
    return keep


def drop_ocr_blanks(layout: Any, cells: dict) -> int:
    """Leave out table cells that OCR read as blank, and say how many.

    A blank in a scan is no evidence of a blank cell: a faint "0" or "1" in a
    narrow column is easily missed. Recording it as ``null`` would claim the
    report prints nothing there; leaving it out says we could not read it —
    unless the page itself shows the cell's inside free of ink
    (:func:`_mark_empty_cells`), which is evidence of a printed blank.
    Applies to image documents and to the OCR'd pages of a PDF.
    """
    everything = str(layout.reader).startswith("ocr")
    pages: set[int] = set()
    for w in layout.warnings:
        if w.get("code") == "ocr_pages":
            pages.update(w.get("pages") or [])
    if not everything and not pages:
        return 0
    dropped = [
        key
        for key, cell in cells.items()
        if cell.kind == "blank"
        and (everything or cell.where.get("page") in pages)
        and not (cell.where.get("ink") is not None and cell.where["ink"] <= _CLEAN)
    ]
    for key in dropped:
        del cells[key]
    return len(dropped)
