"""The packs the dashboard's tests upload: the e2e tests' Kaggle club pack, and a broken copy."""

from __future__ import annotations

from pathlib import Path

PACKS = Path(__file__).resolve().parent.parent / "e2e" / "packs"
V1 = (PACKS / "kaggle-track-1.0.0.yaml").read_bytes()
V11 = (PACKS / "kaggle-track-1.1.0.yaml").read_bytes()
#: 1.1.0 with a difficulty out of range in its second question.
BROKEN = V11.replace(b"    difficulty: 3\n", b"    difficulty: 9\n", 1)
assert BROKEN != V11


def line_of(data: bytes, text: bytes) -> int:
    """The 1-based line of the first line containing `text`."""
    for number, line in enumerate(data.splitlines(), start=1):
        if text in line:
            return number
    raise ValueError(text)
