"""`sitegen check` and `sitegen check --json`."""

from __future__ import annotations

import json

from sitegen.cli import main

ABSTRACT = "This abstract is long enough to read as prose. It has several sentences, and it goes on for a while so that it looks like a real abstract."


def test_check_reports_the_seed_archive(seed_project, capsys):
    assert main(["-C", str(seed_project), "check"]) == 0
    out = capsys.readouterr().out
    assert "002_e12fe880368f1c2e  'Trending, daily digest': 254 entries, 254 papers" in out
    assert "Totals: 535 entries, 463 papers, 72 duplicates merged" in out
    assert "papers with code links" in out
    assert out.rstrip().endswith("0 warnings, 0 errors")


def test_check_json_gives_totals_collections_and_warnings(seed_project, capsys):
    listings = seed_project / "content" / "listings"
    (listings / "zz_extra.txt").write_text(f"Mar 14\nDeep Nets\n{ABSTRACT}\nLonely Title\n", encoding="utf-8")
    assert main(["-C", str(seed_project), "check", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["papers"], report["entries"], report["duplicates"]) == (465, 537, 72)
    assert report["errors"] == []
    assert report["warnings"] == [{
        "file": "content/listings/zz_extra.txt",
        "line": 4,
        "message": "title 'Lonely Title' has no abstract (it is the last line of the file); the paper is kept without one",
    }]
    extra = report["collections"][-1]
    assert extra == {"key": "zz_extra", "name": "Zz Extra, Mar 14", "source": "content/listings/zz_extra.txt",
                     "date_label": "Mar 14", "entries": 2, "papers": 2, "papers_with_code": 0}
    assert sum(c["entries"] for c in report["collections"]) == 537


def test_check_exits_1_on_errors_and_lists_them(seed_project, capsys):
    (seed_project / "content" / "listings" / "broken.txt").write_bytes(b"Title\nCaf\xe9 au lait\n")
    assert main(["-C", str(seed_project), "check"]) == 1
    out = capsys.readouterr().out
    assert "content/listings/broken.txt:2: not UTF-8 text (byte 0xe9 cannot be decoded); save it as UTF-8" in out
    assert "1 error; fix the errors above before building" in out
    assert main(["-C", str(seed_project), "check", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["errors"][0]["line"] == 2


def test_check_on_a_bad_config_prints_the_error_without_traceback(tmp_path, capsys):
    (tmp_path / "sitegen.toml").write_text("titel = 'x'\n")
    assert main(["-C", str(tmp_path), "check"]) == 1
    err = capsys.readouterr().err
    assert "unknown setting 'titel'" in err and "Traceback" not in err
