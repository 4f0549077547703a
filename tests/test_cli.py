"""The `xxgk` command line, run as a user runs it (a real subprocess)."""

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from archive.cli import cli

SEED = next((Path(__file__).parent / "fixtures" / "seeds").glob("001_*.txt"))


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "archive", *args],
        input=stdin,
        capture_output=True,
        timeout=60,
    )


def test_extract_json_follows_contract():
    proc = run("extract", str(SEED), "--json")
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert list(record)[:8] == [
        "source", "sha256", "agency", "year", "format", "cells", "checks", "sections",
    ]  # fmt: skip
    assert record["source"] == str(SEED)
    assert len(record["sha256"]) == 64
    assert record["agency"] == "宁波市海曙区人民政府办公室"
    cell = record["cells"][0]
    assert {"table", "row", "col", "value"} <= set(cell)
    check = record["checks"][0]
    assert {"rule", "ok", "expected", "actual"} <= set(check)


def test_extract_reads_stdin():
    proc = run("extract", "-", stdin=SEED.read_bytes())
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["source"] == "-"
    assert record["year"] == 2022


def test_extract_pretty_is_for_people():
    proc = run("extract", str(SEED), "--pretty")
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert "宁波市海曙区人民政府办公室 · 2022 · format 2021" in out
    assert "new_received" in out and "natural_person=37" in out
    assert "0 failed" in out


def test_extract_pretty_spells_out_failed_checks_and_suggestions(tmp_path):
    """A report whose narrative disagrees with its table and one of whose
    表三 totals has a digit too many: --pretty names the failed checks, quotes the
    sentence, and shows the repair it suggests without applying it."""
    from reportgen import make_values, to_text

    values = make_values(1)
    row = next(r for r in ("granted", "partially_granted", "unavailable_not_held")
               if values[("t3", r, "total")] not in ("0", ""))  # fmt: skip
    printed = values[("t3", row, "total")]
    values[("t3", row, "total")] = printed + "0"
    text = to_text(values, style="spaced").replace(
        "本机关认真贯彻落实政府信息公开工作。", "本年度共收到政府信息公开申请9999件。"
    )
    doc = tmp_path / "report.txt"
    doc.write_text(text, encoding="utf-8")
    proc = run("extract", str(doc), "--pretty")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert "FAILED narrative_new_received" in out and "9999" in out
    assert f"reading {printed} makes the identity hold" in out
    assert "suggestion (not applied)" in out


def test_unreadable_input_is_one_line_error(tmp_path):
    missing = run("extract", str(tmp_path / "nope.txt"))
    assert missing.returncode == 1
    assert missing.stderr.decode().count("\n") == 1
    assert b"Traceback" not in missing.stderr
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.4 not really")
    proc = run("extract", str(pdf))
    assert proc.returncode != 0 and b"Traceback" not in proc.stderr
    assert proc.stderr.decode().startswith("xxgk: error:")
    binary = tmp_path / "noise.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    proc = run("extract", str(binary))
    assert proc.returncode == 1 and b"Traceback" not in proc.stderr


def test_every_command_documents_an_example():
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert "Example:" in (command.help or ""), name
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output
