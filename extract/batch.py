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
import resource
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


def _worker(conn: Connection, memory_mb: int | None) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from extract import UnreadableDocument, extract

    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        try:
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
    def __init__(self, ctx: Any, memory_mb: int | None):
        self.ctx = ctx
        self.memory_mb = memory_mb
        self.start()

    def start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child, self.memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.job: Job | None = None
        self.started = 0.0

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


def extract_many(
    jobs: Iterable[Job],
    *,
    workers: int = 2,
    timeout: float = 120.0,
    memory_mb: int | None = 2048,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (key, record or failure) for every job, in completion order."""
    ctx = mp.get_context("forkserver")
    pending = iter(jobs)
    slots = [_Slot(ctx, memory_mb) for _ in range(max(1, workers))]
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
                    slot.conn.send(job)
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
