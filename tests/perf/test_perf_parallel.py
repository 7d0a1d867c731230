"""The search index made in a second process is the one the build would make itself."""

from __future__ import annotations

import pytest

import sitegen.build
from sitegen.background import in_background
from sitegen.build import build
from sitegen.errors import SitegenError
from tests.perf.perf_helpers import Project, snapshot


def test_a_build_with_search_in_a_second_process_gives_the_same_site(tmp_path, monkeypatch):
    project = Project(tmp_path / "project")
    build(project.root, out_dir=tmp_path / "serial")
    monkeypatch.setattr(sitegen.build, "PARALLEL_SEARCH_MIN_PAPERS", 1)
    monkeypatch.setattr(sitegen.build.os, "cpu_count", lambda: 2)
    build(project.root, out_dir=tmp_path / "parallel")
    assert snapshot(tmp_path / "parallel") == snapshot(tmp_path / "serial")


def test_a_background_job_returns_its_result_and_raises_its_error():
    with in_background(sorted, [3, 1, 2]) as result:
        assert result() == [1, 2, 3]
    with in_background(int, "not a number") as result, pytest.raises(ValueError, match="not a number"):
        result()


def _fail_like_a_user_error():
    raise SitegenError("search", "content/x.txt", "bad input")


def test_an_error_that_cannot_travel_as_itself_still_reaches_the_caller_with_its_message():
    with in_background(_fail_like_a_user_error) as result, pytest.raises(RuntimeError, match="bad input"):
        result()
