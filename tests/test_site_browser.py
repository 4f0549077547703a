"""The site in a real browser: ``xxgk serve`` on 127.0.0.1 and Debian's
headless chromium driven by Playwright (never a downloaded browser). Opens
the site, runs a canned query, opens a report and its archived copy, checks
that a crawled page's ``<script>`` does not run, and saves screenshots into
``test-artifacts/``."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from archive.scenario import build_scenario

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    db_path, info = build_scenario(root)
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "archive",
            "serve",
            "--db",
            str(db_path),
            "--data",
            str(root),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(
                    f"xxgk serve did not start: {proc.stdout.read().decode()[-500:]}"
                ) from None
            time.sleep(0.2)
    yield base, info
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip(
            "Debian's chromium is not installed (scripts/apt-packages.txt installs it in CI)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def test_site_query_report_and_archived_copy(server, browser):
    base, info = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/")
    assert "政府信息公开工作年度报告档案" in page.content()

    # the database page lists the canned queries; run question 1 for 2022
    page.goto(base + "/xxgk")
    page.click("text=1. 哪些机关收到的申请最多")
    page.fill("input[name=year]", "2022")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    table = page.inner_text("table.rows-and-columns")
    assert "宁波市海曙区人民政府办公室" in table
    assert page.locator("text=Show charting options").count() == 1  # datasette-vega
    page.screenshot(path=str(ARTIFACTS / "site-query.png"), full_page=True)

    # a report with its facets, then its row page and its archived copy
    page.goto(base + "/xxgk/report_metrics?agency=宁波市海曙区人民政府办公室&year=2022")
    assert "宁波市海曙区人民政府办公室" in page.inner_text("table.rows-and-columns")
    page.screenshot(path=str(ARTIFACTS / "site-reports.png"), full_page=False)
    link = page.locator("a", has_text="archived copy").first
    href = link.get_attribute("href")
    assert href == f"/-/original/{info['sha256']['haishu_2022']}"
    assert page.locator(f"a[href='{info['urls']['haishu_2022']}']").count() == 1
    link.click()
    page.wait_for_load_state()
    assert "政府信息公开工作年度报告" in page.content()
    page.screenshot(path=str(ARTIFACTS / "site-archived-copy.png"))


def test_archived_html_cannot_run_script(server, browser):
    base, info = server
    page = browser.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base + f"/-/original/{info['sha256']['gongxin_page']}")
    page.wait_for_timeout(300)
    assert page.title() == "工信局2022年政府信息公开工作年度报告"  # the script would set 'pwned'
    assert not any(u.endswith("/xxgk.json") for u in requests)
    assert page.evaluate("() => window.origin") == "null"  # sandboxed: an opaque origin


def test_serve_is_read_only_with_a_time_limit(server):
    import json

    base, _ = server
    settings = json.loads(urllib.request.urlopen(base + "/-/settings.json", timeout=10).read())
    assert settings["sql_time_limit_ms"] == 3000
    databases = json.loads(urllib.request.urlopen(base + "/-/databases.json", timeout=10).read())
    assert [(d["name"], d["is_mutable"]) for d in databases] == [("xxgk", False)]
