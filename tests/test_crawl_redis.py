"""Distributed mode: two crawler processes share one frontier through a real
redis-server on a loopback port; every page is fetched exactly once across
both, and nothing is lost."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections import Counter

import pytest

from archive.store import DataDir
from crawler.localportal import LocalPortal
from crawler.run import crawl

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def test_two_processes_share_one_frontier(tmp_path, redis_url):
    # Slow enough (one request at a time, a small delay) that both workers
    # take part; hostility off so that retries do not blur "exactly once".
    # One request in flight per crawler, so that the frontier stays in Redis
    # (a worker pulls requests only as it has room for them).
    settings = {"DOWNLOAD_DELAY": 0.02, "CONCURRENT_REQUESTS": 1, "XXGK_SHARED_IDLE_CLOSE": 6}
    with LocalPortal() as lp:
        portals = lp.portals()
        summaries = {}

        def worker(name: str) -> None:
            summaries[name] = crawl(
                portals,
                tmp_path / name,
                redis_url=redis_url,
                frontier="test-frontier",
                polite=False,
                settings=settings,
            )

        threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=240)
        expected = {e["url"] for e in lp.expected()}
        served = Counter(path for method, path, _ in lp.requests if not path.endswith("robots.txt"))

    recs = {
        name: [
            r
            for r in DataDir(tmp_path / name).fetches.read(summaries[name]["run"])
            if r["role"] != "robots"
        ]
        for name in ("a", "b")
    }
    assert recs["a"] and recs["b"], "both workers must have fetched something"
    keys = Counter((r["method"], r["url"]) for rs in recs.values() for r in rs)
    assert max(keys.values()) == 1  # each page fetched exactly once across both
    assert max(served.values()) == 1  # and the server saw each request once
    found = {r["url"] for rs in recs.values() for r in rs if r["role"] == "report" and r["sha256"]}
    assert found == expected  # nothing lost
