from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def seed_bytes():
    def load(name: str) -> bytes:
        (path,) = SEEDS.glob(f"{name}_*.txt")
        return path.read_bytes()

    return load
