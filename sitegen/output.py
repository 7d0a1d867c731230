"""Write the rendered site to disk: atomically for a clean build, minimally for an incremental one.

Files arrive one at a time, as the renderer makes them, and each is written before the next is
asked for, so a build never holds the whole site in memory. Nothing is replaced in the output
folder until the last file has been made: a render error half-way leaves the previous site whole.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SitegenError

STAGE = "write"
# A folder holding one of these is a previous build, safe to replace.
SITE_MARKERS = ("index.html", "404.html")
# One open, one write and one close per file, on str paths: no buffered file object or pathlib
# work per file, which costs about as much as the system calls themselves on a site of small pages.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


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


def write_site(files: Iterable[tuple[str, bytes]], out_dir: Path, *, project: Path, incremental: bool,
               known: Mapping[str, FileState] | None = None) -> WriteReport:
    """Write FILES, (site-relative POSIX path, bytes) pairs, into OUT_DIR; a later pair for a path wins.

    Making FILES may raise (a template error): the output folder is then left as it was.
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


def _replace_folder(files: Iterable[tuple[str, bytes]], out_dir: Path, *, record: bool) -> WriteReport:
    """Build next to the target and swap it in, so a failure leaves the last good site whole."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = _staging_folder(out_dir)
    try:
        folder = _Folder(staging, record=record)
        states: dict[str, FileState] = {}
        for relative, data in files:
            status = folder.write(relative, data)
            if status is not None:
                states[relative] = FileState(status.st_size, status.st_mtime_ns, data)
        _make_readable(staging)
        previous = _file_names(out_dir) if out_dir.is_dir() else set()
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
    return WriteReport(written=len(folder.written), unchanged=0, removed=len(previous - folder.written),
                       states=states)


def _make_readable(folder: Path) -> None:
    # mkdtemp creates a 0700 folder; a published site must be readable by the web server.
    folder.chmod(0o755)


def _write_changes(files: Iterable[tuple[str, bytes]], out_dir: Path,
                   known: Mapping[str, FileState] | None) -> WriteReport:
    """Rewrite only files whose bytes differ and delete files no longer produced.

    Changed files are first written to a folder beside OUT_DIR and moved in only once every file
    has been made, so a render error half-way changes nothing in OUT_DIR.
    """
    existing, empty_folders = _scan(out_dir)
    staging = _staging_folder(out_dir)
    try:
        folder = _Folder(staging, record=known is not None)
        changed: set[str] = set()
        states: dict[str, FileState] = {}
        produced: set[str] = set()
        for relative, data in files:
            produced.add(relative)
            on_disk = existing.get(relative)
            state = known.get(relative) if known is not None and on_disk is not None else None
            if state is not None and on_disk == (state.size, state.mtime_ns) and state.data == data:
                changed.discard(relative)
                states[relative] = state
            elif on_disk is not None and on_disk[0] == len(data) and (out_dir / relative).read_bytes() == data:
                changed.discard(relative)
                if known is not None:
                    states[relative] = FileState(on_disk[0], on_disk[1], data)
            else:
                status = folder.write(relative, data)
                changed.add(relative)
                if status is not None:
                    # The move below keeps the file, so its size and mtime are the ones written here.
                    states[relative] = FileState(status.st_size, status.st_mtime_ns, data)
        stale = sorted(existing.keys() - produced)
        # Stale files go first: a path that was a file may now be a folder, or the other way round.
        for relative in stale:
            (out_dir / relative).unlink()
        if stale or empty_folders:
            _remove_empty_folders(out_dir)
        made: set[str] = set()
        for relative in sorted(changed):
            _make_parents(str(out_dir), relative, made)
            os.replace(os.path.join(staging, relative), os.path.join(out_dir, relative))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return WriteReport(written=len(changed), unchanged=len(produced) - len(changed), removed=len(stale),
                       states=states)


class _Folder:
    """Writes files under ROOT, creating each parent folder once, and remembers what it wrote.
    With RECORD, write() gives each file's status as written; else None."""

    def __init__(self, root: Path, *, record: bool):
        self.root = str(root)
        self.record = record
        self.written: set[str] = set()
        self._made: set[str] = set()

    def write(self, relative: str, data: bytes) -> os.stat_result | None:
        _make_parents(self.root, relative, self._made)
        descriptor = os.open(os.path.join(self.root, relative), _NEW_FILE, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(descriptor, view):]
            status = os.fstat(descriptor) if self.record else None
        finally:
            os.close(descriptor)
        self.written.add(relative)
        return status


def _make_parents(root: str, relative: str, made: set[str]) -> None:
    parent = relative.rpartition("/")[0]
    if parent and parent not in made:
        os.makedirs(os.path.join(root, parent), exist_ok=True)
        made.add(parent)


def _staging_folder(out_dir: Path) -> Path:
    # Beside the target, on the same file system, so its files and itself move in with a rename.
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))


def _file_names(folder: Path) -> set[str]:
    """Relative POSIX paths of the files under FOLDER, without a stat per file."""
    names: set[str] = set()
    for parent, _, files in os.walk(folder):
        prefix = os.path.relpath(parent, folder).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        names.update(prefix + name for name in files)
    return names


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
