"""Which file changes trigger a rebuild, and how bursts become one batch."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from watchdog.events import (
    DirModifiedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
)

from sitegen.serve.watcher import (
    Change,
    ChangeBatcher,
    ProjectLayout,
    ProjectWatcher,
    Timing,
    classify_event,
    classify_path,
)

ROOT = Path("/projects/site")
LAYOUT = ProjectLayout(root=ROOT)


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("sitegen.toml", Change("config", "sitegen.toml")),
        ("content/listings/a.txt", Change("content", "content/listings/a.txt")),
        ("content/papers/some-paper.md", Change("content", "content/papers/some-paper.md")),
        ("content/listings", Change("content", "content/listings")),
        ("templates/paper.html", Change("theme", "templates/paper.html")),
        ("static/style.css", Change("theme", "static/style.css")),
        ("themes/default/templates/base.html", Change("theme", "themes/default/templates/base.html")),
    ],
)
def test_files_the_build_reads_are_changes(relative, expected):
    assert classify_path(ROOT / relative, LAYOUT) == expected


@pytest.mark.parametrize(
    "relative",
    [
        "site/index.html",  # the output folder: our own writes
        "site/papers/x/index.html",
        ".git/index",
        ".git/objects/ab/cdef",
        "themes/default/.git/HEAD",
        "content/listings/.a.txt.swp",
        "content/listings/.a.txt.swx",
        "content/listings/a.txt.swp",
        "content/listings/a.txt~",
        "content/listings/.#a.txt",
        "content/listings/#a.txt#",
        "content/listings/4913",
        "content/listings/a.txt.tmp",
        "templates/base.html___jb_tmp___",
        "content/.DS_Store",
        ".sitegen-cache/state.json",
        "README.md",  # not part of the site
        "sitegen.toml.bak",
        "themes/default/node_modules/x/index.js",
        "notes/todo.txt",
    ],
)
def test_noise_and_unrelated_files_trigger_nothing(relative):
    assert classify_path(ROOT / relative, LAYOUT) is None


def test_paths_outside_the_project_trigger_nothing():
    assert classify_path(Path("/elsewhere/content/a.txt"), LAYOUT) is None
    assert classify_path(ROOT, LAYOUT) is None


def test_configured_folders_are_respected():
    layout = ProjectLayout(root=ROOT, content_dir="src", output_dir="public")
    assert classify_path(ROOT / "src/listings/a.txt", layout) == Change("content", "src/listings/a.txt")
    assert classify_path(ROOT / "public/index.html", layout) is None
    assert classify_path(ROOT / "content/listings/a.txt", layout) is None


def test_save_via_rename_counts_the_real_file_only():
    event = FileMovedEvent(str(ROOT / "content/papers/.x.md.swp"), str(ROOT / "content/papers/x.md"))
    assert classify_event(event, LAYOUT) == (Change("content", "content/papers/x.md"),)


def test_renaming_a_listing_changes_both_names():
    event = FileMovedEvent(str(ROOT / "content/listings/a.txt"), str(ROOT / "content/listings/b.txt"))
    assert classify_event(event, LAYOUT) == (
        Change("content", "content/listings/a.txt"),
        Change("content", "content/listings/b.txt"),
    )


def test_reads_and_folder_timestamps_trigger_nothing():
    # The build opens every source file; reacting to that would rebuild forever.
    path = str(ROOT / "content/listings/a.txt")
    assert classify_event(FileOpenedEvent(path), LAYOUT) == ()
    assert classify_event(FileClosedNoWriteEvent(path), LAYOUT) == ()
    assert classify_event(DirModifiedEvent(str(ROOT / "content/listings")), LAYOUT) == ()
    assert classify_event(FileModifiedEvent(path), LAYOUT) == (Change("content", "content/listings/a.txt"),)


def test_bytes_paths_from_watchdog_are_understood():
    event = FileCreatedEvent(str(ROOT / "templates/x.html").encode())
    assert classify_event(event, LAYOUT) == (Change("theme", "templates/x.html"),)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_batch_waits_for_a_quiet_period():
    clock = FakeClock()
    batcher = ChangeBatcher(timing=Timing(quiet=0.2, max_wait=5.0), clock=clock)
    batcher.add([Change("content", "content/a.txt")])
    clock.now += 0.1
    assert batcher.take_ready() is None
    batcher.add([Change("content", "content/b.txt")])
    clock.now += 0.15  # 0.25 after the first event, but only 0.15 after the last
    assert batcher.take_ready() is None
    clock.now += 0.1
    assert batcher.take_ready() == (Change("content", "content/a.txt"), Change("content", "content/b.txt"))
    assert batcher.take_ready() is None


def test_an_endless_stream_of_events_still_gets_a_batch_after_max_wait():
    clock = FakeClock()
    batcher = ChangeBatcher(timing=Timing(quiet=0.2, max_wait=1.0), clock=clock)
    batches = []
    for step in range(30):  # an event every 0.1 s for 3 s: never quiet
        batcher.add([Change("content", f"content/{step}.txt")])
        clock.now += 0.1
        if (batch := batcher.take_ready()) is not None:
            batches.append(batch)
    assert 2 <= len(batches) <= 3
    assert sum(len(batch) for batch in batches) <= 30


def test_repeated_events_for_one_file_are_one_change():
    clock = FakeClock()
    batcher = ChangeBatcher(timing=Timing(quiet=0.1), clock=clock)
    for _ in range(50):
        batcher.add([Change("content", "content/a.txt")])
    clock.now += 1
    assert batcher.take_ready() == (Change("content", "content/a.txt"),)


def test_empty_additions_do_not_start_a_batch():
    clock = FakeClock()
    batcher = ChangeBatcher(timing=Timing(quiet=0.1), clock=clock)
    batcher.add([])
    clock.now += 1
    assert batcher.take_ready() is None


def test_hundreds_of_events_in_a_burst_become_one_batch():
    batcher = ChangeBatcher(timing=Timing(quiet=0.2, max_wait=30.0))
    batches: list[tuple[Change, ...]] = []
    taker = threading.Thread(target=lambda: batches.extend(iter(batcher.next_batch, None)))
    taker.start()
    for index in range(500):
        batcher.add([Change("content", f"content/papers/p{index % 120}.md")])
    time.sleep(0.6)
    batcher.close()
    taker.join(timeout=5)
    assert len(batches) == 1
    assert len(batches[0]) == 120


def test_closing_releases_a_waiting_taker():
    batcher = ChangeBatcher()
    result: list[object] = ["not returned"]
    taker = threading.Thread(target=lambda: result.__setitem__(0, batcher.next_batch()))
    taker.start()
    batcher.close()
    taker.join(timeout=5)
    assert result == [None]


def _collect_until_quiet(batcher: ChangeBatcher, settle: float) -> list[tuple[Change, ...]]:
    batches: list[tuple[Change, ...]] = []
    taker = threading.Thread(target=lambda: batches.extend(iter(batcher.next_batch, None)))
    taker.start()
    time.sleep(settle)
    batcher.close()
    taker.join(timeout=5)
    return batches


def _watched_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "content" / "listings").mkdir(parents=True)
    (project / "site").mkdir()
    (project / ".git").mkdir()
    (project / "sitegen.toml").write_text('title = "T"\n')
    (project / "content" / "listings" / "read-only.txt").write_text("A title\n\nAn abstract.\n")
    return project


def test_real_watchdog_burst_of_hundreds_of_files_is_one_rebuild(tmp_path):
    project = _watched_project(tmp_path)
    batcher = ChangeBatcher(timing=Timing(quiet=0.4, max_wait=60.0))
    watcher = ProjectWatcher(ProjectLayout(root=project), batcher)
    watcher.start()
    try:
        papers = project / "content" / "papers"
        papers.mkdir()
        for index in range(300):
            (papers / f"paper-{index:03}.md").write_text(f"# Paper {index}\n")
        batches = _collect_until_quiet(batcher, settle=2.0)
    finally:
        watcher.stop()
    assert len(batches) == 1
    changed = {change.path for change in batches[0]}
    assert "content/papers/paper-000.md" in changed
    assert "content/papers/paper-299.md" in changed


def test_real_watchdog_ignores_output_git_and_swap_files(tmp_path):
    project = _watched_project(tmp_path)
    batcher = ChangeBatcher(timing=Timing(quiet=0.1, max_wait=5.0))
    watcher = ProjectWatcher(ProjectLayout(root=project), batcher)
    watcher.start()
    try:
        for index in range(50):
            (project / "site" / f"page-{index}.html").write_text("<p>built</p>")
        (project / ".git" / "index").write_bytes(b"git")
        (project / "content" / "listings" / ".a.txt.swp").write_bytes(b"swap")
        (project / "content" / "listings" / "a.txt~").write_text("backup")
        (project / "README.md").write_text("readme")
        (project / "content" / "listings" / "read-only.txt").read_bytes()
        batches = _collect_until_quiet(batcher, settle=1.0)
    finally:
        watcher.stop()
    assert batches == []


def test_real_watchdog_reports_edits_inside_a_folder_created_after_start(tmp_path):
    project = _watched_project(tmp_path)
    batcher = ChangeBatcher(timing=Timing(quiet=0.2, max_wait=5.0))
    watcher = ProjectWatcher(ProjectLayout(root=project), batcher)
    watcher.start()
    try:
        (project / "templates").mkdir()
        time.sleep(0.5)
        assert Change("theme", "templates") in (batcher.next_batch() or ())
        (project / "templates" / "paper.html").write_text("{{ broken")
        batches = _collect_until_quiet(batcher, settle=1.0)
    finally:
        watcher.stop()
    assert batches and Change("theme", "templates/paper.html") in batches[0]
