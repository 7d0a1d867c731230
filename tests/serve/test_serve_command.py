"""`sitegen serve` as a user runs it: a real process, a real build, plain HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from serve_process import ServeProcess, wait_until

from sitegen.serve.livereload import SCRIPT_PATH

LISTING = """Mar 12

A Study of Tiny Things

We study tiny things in great detail and find that they are small.

Another Paper About Graphs

Graphs are everywhere; we count their edges carefully.
"""


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    project = tmp_path / "tiny"
    (project / "content" / "listings").mkdir(parents=True)
    (project / "sitegen.toml").write_text('title = "Tiny archive"\n')
    (project / "content" / "listings" / "demo.txt").write_text(LISTING)
    return project


@pytest.fixture
def serve(tiny_project: Path, tmp_path: Path):
    process = ServeProcess(tiny_project, tmp_path).start()
    yield process
    process.stop()


def test_serve_builds_serves_and_rebuilds_on_save(serve, tiny_project):
    serve.wait_for_output("Serving http://127.0.0.1:")
    status, page = serve.get("/papers/a-study-of-tiny-things/")
    assert status == 200
    assert "A Study of Tiny Things" in page
    assert SCRIPT_PATH in page

    override = tiny_project / "content" / "papers" / "a-study-of-tiny-things.md"
    override.parent.mkdir()
    override.write_text("---\ntitle: Tiny Things, Revisited\n---\nA note added while previewing.\n")
    wait_until(lambda: "Tiny Things, Revisited" in serve.get("/papers/a-study-of-tiny-things/")[1],
               message="the edited title to be served")
    assert "A note added while previewing." in serve.get("/papers/a-study-of-tiny-things/")[1]

    assert serve.interrupt() == 0
    assert "Traceback" not in serve.output()


def test_the_project_output_folder_is_left_alone(serve, tiny_project):
    serve.wait_for_output("Serving http://")
    assert serve.get("/")[0] == 200
    assert not (tiny_project / "site").exists()


def test_a_broken_edit_keeps_the_last_good_site_and_names_the_file(serve, tiny_project):
    serve.wait_for_output("Serving http://")
    override = tiny_project / "content" / "papers" / "a-study-of-tiny-things.md"
    override.parent.mkdir()
    override.write_text("---\ntitle: [unclosed\n---\nBody\n")
    serve.wait_for_output("Build failed")
    assert "content/papers/a-study-of-tiny-things.md" in serve.output()
    status, page = serve.get("/papers/a-study-of-tiny-things/")
    assert status == 200 and "A Study of Tiny Things" in page

    override.write_text("---\ntitle: Fixed Title\n---\nBody\n")
    wait_until(lambda: "Fixed Title" in serve.get("/papers/a-study-of-tiny-things/")[1],
               message="the fixed page to be served")
    assert serve.interrupt() == 0
    assert "Traceback" not in serve.output()


def test_a_deleted_paper_gets_the_site_404_page(serve, tiny_project):
    serve.wait_for_output("Serving http://")
    assert serve.get("/papers/another-paper-about-graphs/")[0] == 200
    listing = tiny_project / "content" / "listings" / "demo.txt"
    listing.write_text(LISTING.split("Another Paper About Graphs")[0])
    wait_until(lambda: serve.get("/papers/another-paper-about-graphs/")[0] == 404,
               message="the deleted paper's page to disappear")
    status, page = serve.get("/papers/another-paper-about-graphs/")
    assert "Page not found" in page and "Tiny archive" in page


def test_base_url_path_is_mirrored_in_the_preview(tiny_project, tmp_path):
    (tiny_project / "sitegen.toml").write_text('title = "Tiny"\nbase_url = "https://someone.github.io/tiny-repo/"\n')
    serve = ServeProcess(tiny_project, tmp_path).start()
    try:
        serve.wait_for_output(f"Serving http://127.0.0.1:{serve.port}/tiny-repo/")
        assert serve.get("/tiny-repo/papers/a-study-of-tiny-things/")[0] == 200
        status, page = serve.get("/")  # urllib follows the redirect to /tiny-repo/
        assert status == 200 and "A Study of Tiny Things" in page
        # Canonical links point at the preview, not at the live site.
        assert f"http://127.0.0.1:{serve.port}/tiny-repo/papers/a-study-of-tiny-things/" in serve.get(
            "/tiny-repo/papers/a-study-of-tiny-things/")[1]
    finally:
        serve.stop()


def test_a_taken_port_is_a_clear_message_without_traceback(serve, tiny_project, tmp_path):
    serve.wait_for_output("Serving http://")
    second = ServeProcess(tiny_project, tmp_path / "second-logs", port=serve.port)
    second.stdout_path.parent.mkdir()
    second.start()
    try:
        assert second.process.wait(timeout=30) == 1
        assert f"port {serve.port} on 127.0.0.1 is already in use" in second.output()
        assert "Traceback" not in second.output()
    finally:
        second.stop()


def test_sigterm_stops_as_cleanly_as_ctrl_c(serve):
    serve.wait_for_output("Serving http://")
    serve.process.terminate()
    assert serve.process.wait(timeout=15) == 0
    assert "Stopped." in serve.output()
    assert "Traceback" not in serve.output()


def test_build_watch_rebuilds_the_output_folder_on_change(tiny_project, tmp_path):
    watcher = ServeProcess(tiny_project, tmp_path, arguments=("build", "--watch")).start()
    try:
        watcher.wait_for_output("Watching for changes")
        page = tiny_project / "site" / "papers" / "a-study-of-tiny-things" / "index.html"
        assert "A Study of Tiny Things" in page.read_text()
        assert "/__sitegen/" not in page.read_text()  # the reload script exists only in served responses
        listing = tiny_project / "content" / "listings" / "demo.txt"
        listing.write_text(LISTING + "\nA Third Paper on Trees\n\nTrees grow.\n")
        new_page = tiny_project / "site" / "papers" / "a-third-paper-on-trees" / "index.html"
        wait_until(new_page.exists, message="the new paper's page to be written")
        assert watcher.interrupt() == 0
        assert "Traceback" not in watcher.output()
    finally:
        watcher.stop()
