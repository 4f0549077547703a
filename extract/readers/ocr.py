"""Scans and images, read by offline OCR (filled in by the next commit)."""

from __future__ import annotations

from extract.layout import Layout
from extract.sniff import UnreadableDocument


def available() -> bool:
    """Whether an OCR engine is installed."""
    return False


def read_image(data: bytes) -> Layout:
    raise UnreadableDocument("image reports need OCR: pip install 'xxgk-archive[ocr]'")


def read_image_obj(image, *, page_no: int = 1) -> Layout:
    raise UnreadableDocument("image reports need OCR: pip install 'xxgk-archive[ocr]'")
