"""Fixtures for the catalog tests: the valid fixture packs and paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import Catalog, Pack, load_pack_dir

HERE = Path(__file__).resolve().parent
PACKS_DIR = HERE / "packs"
MALFORMED_DIR = HERE / "malformed"
CONTENT_DIR = HERE.parents[1] / "content"


@pytest.fixture(scope="session")
def fixture_packs() -> list[Pack]:
    """tests/catalog/packs/: roadmap.yaml (2 tracks, 5 skills) and starter.yaml."""
    return load_pack_dir(PACKS_DIR)


@pytest.fixture(scope="session")
def fixture_catalog(fixture_packs: list[Pack]) -> Catalog:
    return Catalog.build(fixture_packs)
