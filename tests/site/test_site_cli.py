"""`sitegen build` on the command line: summary line, errors with file and stage, quiet off a terminal."""

from __future__ import annotations

import io

from sitegen.cli import main
from sitegen.commands.build import TerminalProgress
from site_helpers import make_project

PAPERS = [("Learning to Rank Tiny Things", "We rank tiny things with a tiny model and report it here.")]


def test_build_prints_one_summary_line_and_nothing_else_off_a_terminal(tmp_path, capsys):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS})
    out = tmp_path / "public"
    assert main(["-C", str(project), "build", "--out", str(out), "--base-url", "https://example.org/sub"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    lines = captured.out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Built ") and f"into {out}" in lines[0] and "0 warnings" in lines[0]
    assert "render " in lines[0] and "write " in lines[0]
    assert "https://example.org/sub/" in (out / "sitemap.xml").read_text()


def test_build_error_names_file_line_and_stage_without_traceback(tmp_path, capsys):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS},
                           files={"templates/home.html": "ok\n{% for %}\n"})
    assert main(["-C", str(project), "build"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("templates/home.html:2: error (render): template syntax error")
    assert "Traceback" not in err
    assert not (project / "site").exists()


def test_bad_base_url_option_is_reported_like_the_setting(tmp_path, capsys):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS})
    assert main(["-C", str(project), "build", "--base-url", "user.github.io/repo"]) == 1
    assert "'base_url' must start with http://, https:// or /" in capsys.readouterr().err


def test_warnings_are_listed_before_the_summary(tmp_path, capsys):
    project = make_project(tmp_path / "project", {"000_tiny": PAPERS},
                           files={"content/papers/nobody.md": "notes\n"})
    assert main(["-C", str(project), "build"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("content/papers/nobody.md: warning (documents): no paper has the slug")
    assert "1 warning " in captured.out


def test_terminal_progress_overwrites_one_line_and_clears_it():
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    progress.update("ingest", 0, 0)
    for done in range(1, 201):
        progress.update("render", done, 200)
    progress.clear()
    written = stream.getvalue()
    assert written.startswith("\r\033[Kingest ...")
    assert written.count("\r") == 1 + 101 + 1, "the stage, one redraw per percent (0..100), the final clear"
    assert "render [#########################] 200/200" in written and written.endswith("\r\033[K")
