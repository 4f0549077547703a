"""The five seed reports, extracted exactly: every cell, year, agency, format.

Expected values were written out by reading the documents themselves
(tests/fixtures/seeds/, copied from shared/seeds/). ``None`` is a cell printed
blank; a row absent from EXPECTED must be absent from the record.
"""

import pytest

from extract import extract

Z3, Z5, Z7 = [0] * 3, [0] * 5, [0] * 7
N7 = [None] * 7

T3_ROWS_2021 = [
    "new_received", "carried_over", "granted", "partially_granted",
    "withheld_state_secret", "withheld_prohibited_by_law", "withheld_security_stability",
    "withheld_third_party", "withheld_internal_affairs", "withheld_process_info",
    "withheld_enforcement_file", "withheld_admin_query",
    "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
    "rejected_petition", "rejected_duplicate", "rejected_publication",
    "rejected_excessive", "rejected_reconfirmation",
    "other_overdue_correction", "other_overdue_fee", "other_misc",
    "total_handled", "carried_forward",
]  # fmt: skip


def t3_2021(**nonzero):
    return {("t3", row): nonzero.get(row, Z7) for row in T3_ROWS_2021}


T4_ZERO = {("t4", "review"): Z5, ("t4", "suit_direct"): Z5, ("t4", "suit_after_review"): Z5}

T2_2021_ZERO = {
    ("t2", "regulations"): Z3,
    ("t2", "normative_documents"): Z3,
    ("t2", "licensing"): [0],
    ("t2", "punishment"): [0],
    ("t2", "enforcement"): [0],
    ("t2", "fees"): [0],
}

SEEDS = {
    "000": dict(
        agency="北仑区经济和信息化局",
        year=2022,
        format="2021",
        cells={
            **T2_2021_ZERO,
            ("t2", "normative_documents"): [2, 0, 2],
            **t3_2021(
                new_received=[2, 0, 0, 0, 0, 0, 2],
                granted=[1, 0, 0, 0, 0, 0, 1],
                other_misc=[1, 0, 0, 0, 0, 0, 1],
                total_handled=[2, 0, 0, 0, 0, 0, 2],
            ),
            **T4_ZERO,
        },
    ),
    "001": dict(
        agency="宁波市海曙区人民政府办公室",
        year=2022,
        format="2021",
        cells={
            **T2_2021_ZERO,
            ("t2", "normative_documents"): [10, 0, 102],
            **t3_2021(
                new_received=[37, 5, 0, 0, 0, 0, 42],
                carried_over=[1, 0, 0, 0, 0, 0, 1],
                granted=[13, 0, 0, 0, 0, 0, 13],
                partially_granted=[7, 1, 0, 0, 0, 0, 8],
                withheld_enforcement_file=[1, 0, 0, 0, 0, 0, 1],
                unavailable_not_held=[12, 4, 0, 0, 0, 0, 16],
                rejected_petition=[1, 0, 0, 0, 0, 0, 1],
                total_handled=[34, 5, 0, 0, 0, 0, 39],
                carried_forward=[4, 0, 0, 0, 0, 0, 4],
            ),
            ("t4", "review"): [1, 0, 0, 1, 2],
            ("t4", "suit_direct"): [1, 0, 0, 0, 1],
            ("t4", "suit_after_review"): Z5,
        },
    ),
    # 2019 template (2020 report): 表三's result rows are printed blank.
    "002": dict(
        agency="发展局",
        year=2020,
        format="2019",
        cells={
            ("t2", "regulations"): Z3,
            ("t2", "normative_documents"): [4, 4, 4],
            ("t2", "licensing"): Z3,
            ("t2", "other_admin_services"): [11, 0, 11],
            ("t2", "punishment"): Z3,
            ("t2", "enforcement"): Z3,
            ("t2", "fees"): [0, 0],
            ("t2", "procurement"): [4, 560100],
            ("t3", "new_received"): Z7,
            ("t3", "carried_over"): Z7,
            **{("t3", row): N7 for row in [*T3_ROWS_2021[2:20], "other"]},
            ("t3", "total_handled"): Z7,
            ("t3", "carried_forward"): Z7,
            **T4_ZERO,
        },
    ),
    # Misaligned 表三: from （二） on, rows print 8 or 9 numbers for 7 columns.
    # Only rows with exactly 7 values are placed; （一）予以公开 prints one
    # number, under 总计, and only that one is kept.
    "003": dict(
        agency="工信局",
        year=2022,
        format="2021",
        cells={
            **T2_2021_ZERO,
            ("t3", "new_received"): Z7,
            ("t3", "carried_over"): Z7,
            ("t3", "granted"): {"total": 0},
            ("t3", "withheld_state_secret"): Z7,
            **T4_ZERO,
        },
    ),
    "004": dict(
        agency="北仑区统计局",
        year=2023,
        format="2021",
        cells={
            **T2_2021_ZERO,
            ("t2", "punishment"): [1],
            **t3_2021(
                new_received=[2, 0, 0, 0, 0, 0, 2],
                granted=[1, 0, 0, 0, 0, 0, 1],
                unavailable_not_held=[1, 0, 0, 0, 0, 0, 1],
                total_handled=[2, 0, 0, 0, 0, 0, 2],
            ),
            **T4_ZERO,
        },
    ),
}

COLS = {
    "t3": ["natural_person", "commercial", "research", "social_welfare",
           "legal_services", "other_org", "total"],
    "t4": ["upheld", "corrected", "other", "pending", "total"],
    ("t2", "2021"): {
        "regulations": ["issued", "repealed", "in_force"],
        "normative_documents": ["issued", "repealed", "in_force"],
        "licensing": ["decisions"], "punishment": ["decisions"],
        "enforcement": ["decisions"], "fees": ["amount"],
    },
    ("t2", "2019"): {
        "regulations": ["made", "published", "public_total"],
        "normative_documents": ["made", "published", "public_total"],
        "licensing": ["prev_count", "change", "decisions"],
        "other_admin_services": ["prev_count", "change", "decisions"],
        "punishment": ["prev_count", "change", "decisions"],
        "enforcement": ["prev_count", "change", "decisions"],
        "fees": ["prev_count", "change"],
        "procurement": ["items", "amount"],
    },
}  # fmt: skip


def expected_cells(spec):
    out = {}
    for (table, row), values in spec["cells"].items():
        if isinstance(values, dict):
            for col, v in values.items():
                out[(table, row, col)] = v
            continue
        cols = COLS[table] if table != "t2" else COLS[("t2", spec["format"])][row]
        assert len(cols) == len(values), (table, row)
        out.update({(table, row, col): v for col, v in zip(cols, values, strict=True)})
    return out


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_metadata(seed, seed_bytes):
    record = extract(seed_bytes(seed), source=seed)
    spec = SEEDS[seed]
    assert (record["agency"], record["year"], record["format"]) == (
        spec["agency"],
        spec["year"],
        spec["format"],
    )


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_cells_exact(seed, seed_bytes):
    record = extract(seed_bytes(seed), source=seed)
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in record["cells"]}
    want = expected_cells(SEEDS[seed])
    assert set(got) - set(want) == set(), "cells that are not in the document"
    assert set(want) - set(got) == set(), "cells missed"
    wrong = {k: (got[k], v) for k, v in want.items() if got[k] != v or type(got[k]) is not type(v)}
    assert wrong == {}


def test_seed_002_blank_is_not_zero(seed_bytes):
    record = extract(seed_bytes("002"), source="002")
    granted = [c for c in record["cells"] if c["row"] == "granted"]
    assert len(granted) == 7
    assert all(c["value"] is None and c["kind"] == "blank" for c in granted)
    zero = next(c for c in record["cells"] if c["row"] == "new_received" and c["col"] == "total")
    assert zero["value"] == 0 and zero["kind"] == "zero"


def test_seed_003_says_what_it_left_out(seed_bytes):
    record = extract(seed_bytes("003"), source="003")
    codes = {(w["code"], w.get("row")) for w in record["warnings"]}
    assert ("row_partial", "granted") in codes
    assert ("row_misaligned", "partially_granted") in codes
    assert ("row_misaligned", "total_handled") in codes
    # Nothing was shifted into a neighbour: no partially_granted cell at all.
    assert not [c for c in record["cells"] if c["row"] == "partially_granted"]
    # Checks that need the missing rows are not computed, not failed.
    balance = [c for c in record["checks"] if c["rule"] == "t3_balance"]
    assert balance and all(c["ok"] is None and c["missing"] for c in balance)


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_seed_checks_hold(seed, seed_bytes):
    record = extract(seed_bytes(seed), source=seed)
    rules = {c["rule"] for c in record["checks"]}
    assert rules == {"t3_balance", "t3_row_total", "t3_results_total", "t4_total"}
    assert [c for c in record["checks"] if c["ok"] is not True] == []


def test_seed_001_balance_values(seed_bytes):
    record = extract(seed_bytes("001"), source="001")
    total = next(c for c in record["checks"] if c["rule"] == "t3_balance" and c["col"] == "total")
    assert (total["ok"], total["expected"], total["actual"]) == (True, 43, 43)


def test_cells_carry_provenance(seed_bytes):
    record = extract(seed_bytes("001"), source="001")
    cell = next(
        c for c in record["cells"] if c["row"] == "normative_documents" and c["col"] == "in_force"
    )
    assert cell["raw"] == "102"
    assert cell["source"]["reader"] == "text"
    assert cell["source"]["line"] == 32


SECTION_KEYS = ["overview", "proactive", "requests", "review_litigation", "problems", "other"]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_sections(seed, seed_bytes):
    record = extract(seed_bytes(seed), source=seed)
    assert list(record["sections"]) == SECTION_KEYS
    assert record["sections"]["overview"]
    assert record["sections"]["problems"]
    assert "存在的主要问题" not in record["sections"]["overview"]


def test_seed_001_section_text(seed_bytes):
    sections = extract(seed_bytes("001"), source="001")["sections"]
    assert sections["overview"].startswith("2022年，海曙区政府办公室坚持以人民为中心")
    assert "一是政府信息公开的质量有待提高" in sections["problems"]
    assert sections["other"] == "信息收费情况：0。"
    # Table cells are not narrative.
    assert "本年制发件数" not in sections["proactive"]
