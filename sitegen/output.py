"""Write the rendered site to disk: atomically for a clean build, minimally for an incremental one."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SitegenError

STAGE = "write"
# A folder holding one of these is a previous build, safe to replace.
SITE_MARKERS = ("index.html", "404.html")


@dataclass(frozen=True)
class FileState:
    """A file as a build left it. While its size and mtime stay the same, it still holds DATA."""

    size: int
    mtime_ns: int
    data: bytes


@dataclass(frozen=True)
class WriteReport:
    written: int
    unchanged: int
    removed: int
    # Every file of the site as left on disk; filled only when the caller passed `known`.
    states: Mapping[str, FileState] = field(default_factory=dict)


def write_site(files: Mapping[str, bytes], out_dir: Path, *, project: Path, incremental: bool,
               known: Mapping[str, FileState] | None = None) -> WriteReport:
    """Write FILES into OUT_DIR.

    KNOWN is what the previous build's report said about OUT_DIR: an incremental build then
    skips, without reading it, every file whose bytes, size and mtime are as that build left them.
    """
    _check_target(out_dir, project)
    if incremental and out_dir.is_dir():
        return _write_changes(files, out_dir, known)
    return _replace_folder(files, out_dir, record=known is not None)


def _check_target(out_dir: Path, project: Path) -> None:
    target, root = out_dir.resolve(), project.resolve()
    if target == root or target in root.parents:
        raise SitegenError(STAGE, str(out_dir), "the output folder contains the site project; "
                           "choose a folder inside it, e.g. --out site")
    for protected in ("content", "templates", "static", "themes", ".git"):
        if target == root / protected or (root / protected) in target.parents:
            raise SitegenError(STAGE, str(out_dir), f"the output folder is inside the project's {protected}/; "
                               "choose another folder, e.g. --out site")
    if target.is_dir() and any(target.iterdir()) and not any((target / m).is_file() for m in SITE_MARKERS):
        raise SitegenError(STAGE, str(out_dir), "the folder is not empty and holds no previous build "
                           "(no index.html), so sitegen will not replace it; choose an empty or new folder")


def _replace_folder(files: Mapping[str, bytes], out_dir: Path, *, record: bool) -> WriteReport:
    """Build next to the target and swap it in, so a failure leaves the last good site whole."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    previous = _existing_paths(out_dir) if out_dir.is_dir() else set()
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        made: set[Path] = set()
        states: dict[str, FileState] = {}
        for relative, data in files.items():
            path = staging / relative
            if path.parent not in made:
                path.parent.mkdir(parents=True, exist_ok=True)
                made.add(path.parent)
            path.write_bytes(data)
            if record:
                states[relative] = _state(path, data)
        _make_readable(staging)
        retired = None
        if out_dir.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.replace(out_dir, retired / "site")
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
    # os.replace moves the folder whole, so the files keep the sizes and mtimes recorded above.
    return WriteReport(written=len(files), unchanged=0, removed=len(previous - set(files)), states=states)


def _make_readable(folder: Path) -> None:
    # mkdtemp creates a 0700 folder; a published site must be readable by the web server.
    folder.chmod(0o755)


def _write_changes(files: Mapping[str, bytes], out_dir: Path, known: Mapping[str, FileState] | None) -> WriteReport:
    """Rewrite only files whose bytes differ and delete files no longer produced."""
    existing, empty_folders = _scan(out_dir)
    written = unchanged = 0
    states: dict[str, FileState] = {}
    for relative, data in files.items():
        on_disk = existing.get(relative)
        state = known.get(relative) if known is not None and on_disk is not None else None
        if state is not None and on_disk == (state.size, state.mtime_ns) and state.data == data:
            unchanged += 1
            states[relative] = state
            continue
        path = out_dir / relative
        if on_disk is not None and on_disk[0] == len(data) and path.read_bytes() == data:
            unchanged += 1
        else:
            _replace_file(path, data)
            written += 1
        if known is not None:
            states[relative] = _state(path, data)
    stale = sorted(existing.keys() - files.keys())
    for relative in stale:
        (out_dir / relative).unlink()
    if stale or empty_folders:
        _remove_empty_folders(out_dir)
    return WriteReport(written=written, unchanged=unchanged, removed=len(stale), states=states)


def _state(path: Path, data: bytes) -> FileState:
    status = path.stat()
    return FileState(size=status.st_size, mtime_ns=status.st_mtime_ns, data=data)


def _replace_file(path: Path, data: bytes) -> None:
    # A server reading the file mid-write must see the old or the new version, never half.
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _existing_paths(folder: Path) -> set[str]:
    return set(_scan(folder)[0])


def _scan(folder: Path) -> tuple[dict[str, tuple[int, int]], bool]:
    """(size, mtime) of every file under FOLDER by relative POSIX path, and whether some folder in it is empty."""
    files: dict[str, tuple[int, int]] = {}
    empty = False
    pending = [("", str(folder))]
    while pending:
        prefix, directory = pending.pop()
        with os.scandir(directory) as entries:
            seen_any = False
            for entry in entries:
                seen_any = True
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                else:
                    status = entry.stat(follow_symlinks=False)
                    files[prefix + entry.name] = (status.st_size, status.st_mtime_ns)
        empty = empty or (not seen_any and directory != str(folder))
    return files, empty


def _remove_empty_folders(folder: Path) -> None:
    for parent, _, _ in os.walk(folder, topdown=False):
        path = Path(parent)
        if path != folder and not any(path.iterdir()):
            path.rmdir()
