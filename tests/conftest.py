"""Shared test helpers: a copy of the seed project, and outside-tool gating."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_LISTINGS = REPO_ROOT / "content" / "listings"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(available: bool, reason: str) -> None:
    """Skip on a laptop without the tool; fail under CI=true, so CI never passes by skipping."""
    if available:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI=true: .ci/run must install it)")
    pytest.skip(reason)


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    """A throw-away copy of the default archive (sitegen.toml + content/)."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy2(REPO_ROOT / "sitegen.toml", project / "sitegen.toml")
    shutil.copytree(REPO_ROOT / "content", project / "content")
    return project


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed archive built once per test run (default theme, no base_url); read it, never modify it."""
    from sitegen.build import build

    project = tmp_path_factory.mktemp("seed-site") / "project"
    project.mkdir()
    shutil.copy2(REPO_ROOT / "sitegen.toml", project / "sitegen.toml")
    shutil.copytree(REPO_ROOT / "content", project / "content")
    return build(project).out_dir
