from pathlib import Path

from extract.batch import Job, extract_many

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def test_batch_extracts_all_and_records_failures(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7 truncated")
    jobs = [Job(p.stem, str(p)) for p in sorted(SEEDS.glob("*.txt"))]
    jobs.append(Job("bad", str(bad)))
    jobs.append(Job("missing", str(tmp_path / "missing.txt")))
    results = dict(extract_many(jobs, workers=2, timeout=60))
    assert set(results) == {j.key for j in jobs}
    ok = [k for k, r in results.items() if "failure" not in r]
    assert len(ok) == 5
    assert results["001_3ea6a6549f11e7d9"]["agency"] == "宁波市海曙区人民政府办公室"
    assert "failure" in results["bad"]
    assert results["missing"]["kind"] == "error"
    assert "\n" not in results["missing"]["failure"]
