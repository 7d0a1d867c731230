"""Reading content/listings from disk, and input errors that stop the build."""

from __future__ import annotations

from pathlib import Path

from sitegen.config import load_config
from sitegen.ingest import load_archive, read_listings

ABSTRACT = "This abstract is long enough to read as prose. It has several sentences, and it goes on for a while so that it looks like a real abstract."


def project(tmp_path: Path, files: dict[str, bytes]) -> Path:
    listings = tmp_path / "content" / "listings"
    listings.mkdir(parents=True)
    for name, data in files.items():
        (listings / name).write_bytes(data)
    return tmp_path


def test_listings_are_read_sorted_and_others_reported(tmp_path):
    root = project(tmp_path, {
        "b.txt": b"B Paper\n" + ABSTRACT.encode(),
        "a.txt": b"A Paper\n" + ABSTRACT.encode(),
        "notes.md": b"# notes",
        ".DS_Store": b"\x00\x01",
    })
    (root / "content" / "listings" / "folder.txt").mkdir()
    raw, problems = read_listings(load_config(root))
    assert [r.source for r in raw] == ["content/listings/a.txt", "content/listings/b.txt"]
    assert [(p.severity, p.file) for p in problems] == [("warning", "content/listings/notes.md")]
    assert "rename it to .txt" in problems[0].message


def test_missing_folder_and_empty_folder_are_errors(tmp_path):
    archive = load_archive(load_config(tmp_path))
    assert [(d.severity, d.file) for d in archive.diagnostics] == [("error", "content/listings")]
    root = project(tmp_path / "p", {"listing.md": b"Paper\n"})
    archive = load_archive(load_config(root))
    assert [(d.severity, d.file) for d in archive.diagnostics] == [
        ("error", "content/listings"), ("warning", "content/listings/listing.md")]
    assert "no listing files (*.txt) found" in archive.errors[0].message


def test_unreadable_file_is_an_error_naming_it(tmp_path):
    root = project(tmp_path, {"good.txt": b"A Paper\n" + ABSTRACT.encode()})
    (root / "content" / "listings" / "gone.txt").symlink_to(root / "nowhere.txt")
    archive = load_archive(load_config(root))
    (error,) = archive.errors
    assert error.file == "content/listings/gone.txt" and "cannot read the file" in error.message
    assert len(archive.papers) == 1


def test_overlong_line_is_an_error_naming_the_line(tmp_path):
    long_line = ("word " * 10_001).encode()
    root = project(tmp_path, {"big.txt": b"A Paper\n" + ABSTRACT.encode() + b"\nB Paper\n" + long_line + b"\n"})
    (error,) = load_archive(load_config(root)).errors
    assert (error.file, error.line) == ("content/listings/big.txt", 4)
    assert "50,005 characters long (limit 50,000)" in error.message


def test_all_files_are_checked_not_just_the_first_bad_one(tmp_path):
    root = project(tmp_path, {
        "a.txt": "Caf\xe9\n".encode("latin-1"),
        "b.txt": b"\x00\x00",
        "c.txt": b"",
        "d.txt": b"Good Paper\n" + ABSTRACT.encode(),
    })
    archive = load_archive(load_config(root))
    assert [(d.severity, d.file) for d in archive.diagnostics] == [
        ("error", "content/listings/a.txt"),
        ("error", "content/listings/b.txt"),
        ("warning", "content/listings/c.txt"),
    ]
    assert [p.title for p in archive.papers] == ["Good Paper"]


def test_custom_content_dir_gives_project_relative_sources(tmp_path):
    (tmp_path / "sitegen.toml").write_text('content_dir = "src"\n[collections]\nmine = "My papers"\n')
    (tmp_path / "src" / "listings").mkdir(parents=True)
    (tmp_path / "src" / "listings" / "mine.txt").write_bytes(b"A Paper\n" + ABSTRACT.encode())
    archive = load_archive(load_config(tmp_path))
    assert archive.collections[0].source == "src/listings/mine.txt"
    assert archive.collections[0].name == "My papers"
