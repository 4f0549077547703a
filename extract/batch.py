"""Extract many documents in parallel, each in a worker process with a time
and memory limit, so one hostile file cannot stall or kill a batch.

    for key, result in extract_many(jobs, workers=2, timeout=60, memory_mb=1024):
        if result.get("failure"): ...   # {"failure": "timeout after 60 s", ...}

A failure is recorded with a one-line reason; the worker is replaced and the
batch goes on.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import resource
import signal
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Job:
    key: str
    path: str  # file to read
    source: str | None = None  # as recorded in the record (path or URL)
    name: str | None = None  # original file name, a hint for the type


MAX_BYTES = 100 * 1024 * 1024  # no report is this large; a file that is gets refused unread


def _on_terminate(signum: int, frame: Any) -> None:
    """Killed for overrunning its time: take the converters (LibreOffice runs
    in its own session) down too, then go."""
    from extract.readers.word import kill_converters

    kill_converters()
    os._exit(1)


def _worker(conn: Connection, memory_mb: int | None, max_bytes: int | None = MAX_BYTES) -> None:
    signal.signal(signal.SIGTERM, _on_terminate)
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        _serve(conn, memory_mb, max_bytes)
    finally:
        from extract.readers.word import cleanup

        cleanup()


def _serve(conn: Connection, memory_mb: int | None, max_bytes: int | None) -> None:
    from extract import UnreadableDocument, extract

    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
            size = os.stat(job.path).st_size
            if max_bytes and size > max_bytes:
                conn.send(
                    (
                        job.key,
                        {
                            "failure": f"file too large: {size / 2**20:.0f} MB "
                            f"(limit {max_bytes / 2**20:.0f} MB)",
                            "kind": "too_large",
                        },
                    )
                )
                continue
            data = Path(job.path).read_bytes()
            record = extract(data, source=job.source or job.path, name=job.name or job.path)
            conn.send((job.key, record))
        except UnreadableDocument as e:
            conn.send((job.key, {"failure": str(e), "kind": "unreadable"}))
        except MemoryError:
            conn.send(
                (job.key, {"failure": f"memory limit ({memory_mb} MB) exceeded", "kind": "memory"})
            )
        except Exception as e:  # a reader bug must not kill the batch
            line = traceback.format_exception_only(type(e), e)[-1].strip()
            conn.send((job.key, {"failure": f"reader error: {line}", "kind": "error"}))


class _Slot:
    def __init__(self, ctx: Any, memory_mb: int | None, max_bytes: int | None):
        self.ctx = ctx
        self.memory_mb = memory_mb
        self.max_bytes = max_bytes
        self.start()

    def start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(
            target=_worker, args=(child, self.memory_mb, self.max_bytes), daemon=True
        )
        self.proc.start()
        child.close()
        self.job: Job | None = None
        self.started = 0.0

    def kill(self) -> None:
        """SIGTERM first, so the worker can kill its converters; SIGKILL if
        it does not go at once (stuck in C code)."""
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


def extract_many(
    jobs: Iterable[Job],
    *,
    workers: int = 2,
    timeout: float = 120.0,
    memory_mb: int | None = 2048,
    max_bytes: int | None = MAX_BYTES,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (key, record or failure) for every job, in completion order.

    Each document gets ``timeout`` seconds and ``memory_mb`` of address space
    in a worker process; a file over ``max_bytes`` is refused unread."""
    ctx = mp.get_context("forkserver")
    pending = iter(jobs)
    slots = [_Slot(ctx, memory_mb, max_bytes) for _ in range(max(1, workers))]
    exhausted = False
    try:
        while True:
            for slot in slots:
                if slot.job is None and not exhausted:
                    job = next(pending, None)
                    if job is None:
                        exhausted = True
                        break
                    slot.job, slot.started = job, time.monotonic()
                    try:
                        slot.conn.send(job)
                    except OSError:  # the worker died before taking the job
                        code = slot.proc.exitcode
                        slot.kill()
                        slot.start()
                        slot.job = None
                        yield (
                            job.key,
                            {"failure": f"worker died (exit code {code})", "kind": "crash"},
                        )
            busy = [s for s in slots if s.job is not None]
            if not busy:
                return
            for slot in busy:
                job = slot.job
                assert job is not None
                if slot.conn.poll(0.05):
                    try:
                        key, result = slot.conn.recv()
                    except (EOFError, OSError):
                        code = slot.proc.exitcode
                        slot.kill()
                        slot.start()
                        yield (
                            job.key,
                            {"failure": f"worker died (exit code {code})", "kind": "crash"},
                        )
                        continue
                    slot.job = None
                    yield key, result
                elif not slot.proc.is_alive():
                    code = slot.proc.exitcode
                    slot.kill()
                    slot.start()
                    yield job.key, {"failure": f"worker died (exit code {code})", "kind": "crash"}
                elif time.monotonic() - slot.started > timeout:
                    slot.kill()
                    slot.start()
                    yield job.key, {"failure": f"timeout after {timeout:g} s", "kind": "timeout"}
    finally:
        for slot in slots:
            if slot.proc.is_alive():
                with contextlib.suppress(OSError):
                    slot.conn.send(None)
                slot.proc.join(1)
                if slot.proc.is_alive():
                    slot.kill()


def iter_documents(root: Path) -> Iterator[Path]:
    """Every regular file under ``root``, sorted, hidden ones skipped."""
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and not path.is_symlink():
            yield path


def run_batch(
    root: Path,
    *,
    jobs: int,
    timeout: float,
    memory_mb: int | None,
    max_mb: float | None,
    out: Any,
) -> dict[str, int]:
    """Extract every document under ``root``, writing one JSON line per
    document (the record, or ``{"source", "failure", "kind"}``) to ``out``
    as each finishes. Returns counts by outcome."""
    import json

    todo = [Job(str(p), str(p), source=str(p), name=p.name) for p in iter_documents(root)]
    counts: dict[str, int] = {"documents": len(todo), "read": 0}
    max_bytes = int(max_mb * 2**20) if max_mb else None
    for key, result in extract_many(
        todo, workers=jobs, timeout=timeout, memory_mb=memory_mb, max_bytes=max_bytes
    ):
        if "failure" in result:
            result = {"source": key, **result}
            counts[result.get("kind") or "failure"] = (
                counts.get(result.get("kind") or "failure", 0) + 1
            )
        else:
            counts["read"] += 1
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return counts


_BATCH_HELP = """PATH a directory: every document under it, in parallel, one JSON line
each (record or failure); a summary on stderr."""


def _extract_command() -> Any:
    """The built-in one-document ``extract`` verb, extended to directories.

    Its parameters are the built-in verb's own plus the batch options, so an
    option the archive adds to ``extract`` keeps working; a file (or ``-``)
    is handed to the built-in verb unchanged."""
    import inspect

    import click

    from archive import cli as archive_cli

    single = archive_cli.extract
    own = {p.name for p in single.params}
    batch_options = [
        click.Option(["--jobs", "-j"], type=click.IntRange(1, 64), default=2, show_default=True,
                     help="Worker processes, when PATH is a directory."),
        click.Option(["--timeout"], type=click.FloatRange(1), default=120, show_default=True,
                     help="Seconds per document before it is recorded as a failure."),
        click.Option(["--memory", "memory_mb"], type=click.IntRange(64), default=2048,
                     show_default=True, help="Address-space limit per worker, in MB."),
        click.Option(["--max-size", "max_mb"], type=click.FloatRange(0.001), default=100,
                     show_default=True, help="Refuse files larger than this many MB unread."),
    ]  # fmt: skip

    @click.pass_context
    def callback(ctx: click.Context, **kwargs: Any) -> None:
        import sys

        path = kwargs.get("path")
        if path is None or path == "-" or not Path(path).is_dir():
            ctx.invoke(single, **{k: v for k, v in kwargs.items() if k in own})
            return
        if kwargs.get("pretty"):
            archive_cli.fail("--pretty prints one document; give a file, not a directory", 2)
        counts = run_batch(
            Path(path),
            jobs=kwargs["jobs"],
            timeout=kwargs["timeout"],
            memory_mb=kwargs["memory_mb"],
            max_mb=kwargs["max_mb"],
            out=sys.stdout,
        )
        failed = {k: v for k, v in counts.items() if k not in ("documents", "read")}
        detail = ", ".join(f"{v} {k}" for k, v in sorted(failed.items()))
        click.echo(
            f"xxgk: {counts['documents']} documents: {counts['read']} read"
            + (f", {sum(failed.values())} failed ({detail})" if failed else ""),
            err=True,
        )

    return click.Command(
        "extract",
        params=[*single.params, *(o for o in batch_options if o.name not in own)],
        callback=callback,
        help=inspect.cleandoc(single.help or "") + "\n\n" + _BATCH_HELP,
        context_settings=single.context_settings,
    )


def __getattr__(name: str) -> Any:
    # Built on first use, so importing extract.batch does not import the CLI.
    if name == "extract_command":
        return _extract_command()
    raise AttributeError(name)
