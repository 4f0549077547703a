"""Extraction throughput per document kind on one core, and peak memory.

    python bench/bench_extract.py [--corpus ../shared/corpus] [--seconds 3] [--ocr-pages 2]

Kinds: HTML pages, text/Markdown reports, text-layer PDFs, DOCX, and scanned
pages (corpus PDF pages rendered at 200 dpi as images, read by OCR). Each
kind runs in its own fresh process (one core), repeating its documents for
at least ``--seconds``; it prints documents per second of wall-clock time and
per CPU-second of the process (the machine is shared: under load the wall
figure drops while the CPU figure holds), pages per second for PDFs, and the
process's peak resident memory. For scanned pages it also prints the OCR
engine's own CPU seconds per page (the rapidocr calls alone, a second
reading of some boxes included) and its calls per page, apart from the
total. The load average is printed before and after. Targets (issue 5):
≥ 50 HTML/text reports/s/core, ≥ 5 text-PDF reports/s/core, OCR ~1–2 s/page.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing as mp
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
KINDS = {
    "html": ("*.html",),
    "text": ("*.txt", "*.md"),
    "pdf": ("*.pdf",),
    "docx": ("*.docx",),
}


def _docs(corpus: Path, kind: str) -> list[tuple[str, bytes]]:
    out = []
    for pattern in KINDS[kind]:
        for path in sorted((corpus / "docs").glob(pattern)):
            out.append((path.name, path.read_bytes()))
    return out


def _scanned_pages(n: int, corpus: Path) -> list[tuple[str, bytes]]:
    """A4 pages of the corpus PDFs rendered at 200 dpi without their text
    layer (what a scanned report looks like to OCR); generated report images
    when the corpus is not there."""
    pages = []
    pdfs = sorted((corpus / "docs").glob("*.pdf"))
    if pdfs:
        import pypdfium2

        for path in pdfs:
            doc = pypdfium2.PdfDocument(str(path))
            for i in range(min(len(doc), n - len(pages))):
                img = doc[i].render(scale=200 / 72).to_pil().convert("L")
                buf = io.BytesIO()
                img.save(buf, format="PNG")
                pages.append((f"{path.stem}_p{i + 1}.png", buf.getvalue()))
            if len(pages) >= n:
                return pages
    sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "images"))
    import render  # the OCR test fixture generator

    for seed in range(n - len(pages)):
        img, _ = render.render(seed=seed)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        pages.append((f"scan{seed}.png", buf.getvalue()))
    return pages


class _EngineClock:
    """The OCR engines with their calls' CPU time added up (the bench's own
    measurement: what the engine costs apart from our work around it).
    Wraps the reader's engine factory, whatever engines it makes."""

    def __init__(self, factory: Any):
        self.factory = factory
        self.engines: dict[Any, Any] = {}
        self.cpu = 0.0
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        if key not in self.engines:
            engine = self.factory(*args, **kwargs)

            def timed(*a: Any, **kw: Any) -> Any:
                start = time.process_time()
                try:
                    return engine(*a, **kw)
                finally:
                    self.cpu += time.process_time() - start
                    self.calls += 1

            self.engines[key] = timed
        return self.engines[key]


def _run(kind: str, corpus: str, seconds: float, ocr_pages: int, out: mp.Queue) -> None:
    """One kind in a fresh process: warm up once, then time repeated runs."""
    from extract import UnreadableDocument, extract

    docs = _scanned_pages(ocr_pages, Path(corpus)) if kind == "scan" else _docs(Path(corpus), kind)
    if not docs:
        out.put({"kind": kind, "docs": 0})
        return
    failures = 0
    for name, data in docs:  # warm-up: imports, OCR models, caches
        try:
            extract(data, name=name)
        except UnreadableDocument:
            failures += 1
    pages = 0
    if kind == "pdf":
        import pypdfium2

        pages = sum(len(pypdfium2.PdfDocument(d)) for _, d in docs)
    engine = None
    if kind == "scan":
        from extract.readers import ocr

        if ocr._rapid_available():
            engine = ocr._rapid_engine = _EngineClock(ocr._rapid_engine)  # type: ignore[assignment]
    count = 0
    rounds = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while True:
        for name, data in docs:
            with contextlib.suppress(UnreadableDocument):
                extract(data, name=name)
            count += 1
        rounds += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds or (kind == "scan" and rounds >= 1):
            break
    cpu = time.process_time() - cpu_start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.put(
        {
            "kind": kind,
            "docs": len(docs),
            "extracted": count,
            "seconds": round(elapsed, 3),
            "cpu_seconds": round(cpu, 3),
            "docs_per_s": round(count / elapsed, 2),
            "docs_per_cpu_s": round(count / cpu, 2),
            "pages_per_s": round(pages * rounds / elapsed, 1) if pages else None,
            "s_per_doc": round(elapsed / count, 3),
            "engine_s_per_page": round(engine.cpu / count, 3) if engine is not None else None,
            "engine_calls_per_page": round(engine.calls / count, 2) if engine is not None else None,
            "unreadable": failures,
            "peak_rss_mb": round(peak_mb, 1),
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--ocr-pages", type=int, default=2, help="scanned pages to OCR (0: skip)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per kind")
    args = parser.parse_args(argv)
    kinds = ["html", "text", "pdf", "docx"] + (["scan"] if args.ocr_pages else [])
    ctx = mp.get_context("spawn")
    load_before = os.getloadavg()
    results = []
    for kind in kinds:
        q: mp.Queue = ctx.Queue()
        p = ctx.Process(target=_run, args=(kind, args.corpus, args.seconds, args.ocr_pages, q))
        p.start()
        p.join()
        results.append(q.get() if not q.empty() else {"kind": kind, "error": p.exitcode})
    load_after = os.getloadavg()
    if args.json:
        for r in results:
            print(json.dumps(r))
        print(json.dumps({"load_before": load_before, "load_after": load_after}))
        return 0
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)}")
    print(
        f"{'kind':<6} {'docs':>5} {'docs/s/core':>12} {'docs/CPU-s':>11} {'s/doc':>8} "
        f"{'pages/s':>8} {'peak MB':>8}"
    )
    for r in results:
        if not r.get("docs"):
            print(
                f"{r['kind']:<6} {'-':>5}  (no documents{', error ' + str(r.get('error')) if 'error' in r else ''})"
            )
            continue
        pps = r["pages_per_s"] if r["pages_per_s"] is not None else "-"
        print(
            f"{r['kind']:<6} {r['docs']:>5} {r['docs_per_s']:>12} {r['docs_per_cpu_s']:>11} "
            f"{r['s_per_doc']:>8} {pps:>8} {r['peak_rss_mb']:>8}"
        )
        if r.get("engine_s_per_page") is not None:
            engine_s = r["engine_s_per_page"]
            ours = r["cpu_seconds"] / r["extracted"] - engine_s
            print(
                f"       OCR engine (rapidocr, {r['engine_calls_per_page']} calls/page) "
                f"{engine_s} CPU-s/page; our work around it {ours:.3f} CPU-s/page"
            )
    print(f"load average after:  {' '.join(f'{x:.2f}' for x in load_after)}")
    print("targets: html/text >= 50 docs/s/core, pdf >= 5 docs/s/core, scan ~1-2 s/page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
