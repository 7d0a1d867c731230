"""Turn raw file-system events into calm batches of project changes.

Editors save through temp files and renames, and a `git checkout` touches
hundreds of files at once; the preview must rebuild once per burst, react
only to files the build reads, and never to its own output.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Literal

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from ..config import CONFIG_NAME

ChangeKind = Literal["config", "content", "theme"]

# Theme-like folders: a change there can alter every page.
THEME_DIRS = ("templates", "static", "themes")

# Only writes count: the build itself opens and reads every source file, and
# reacting to those reads would rebuild forever.
WATCHED_EVENTS: tuple[type[FileSystemEvent], ...] = (
    FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
)

_EDITOR_TEMP_NAME = re.compile(
    r"""
      ~$                      # emacs, kate, gedit backups
    | ^\#.*\#$                # emacs auto-save
    | \.sw[a-px]$             # vim swap files (.swp, .swo, ... .swx)
    | ^4913$                  # vim probes whether it may write the folder
    | \.(tmp|temp|bak|orig|part|crdownload)$
    | ___jb_(tmp|old)___$     # JetBrains safe write
    | ^Thumbs\.db$
    """,
    re.VERBOSE | re.IGNORECASE,
)
_IGNORED_FOLDERS = frozenset({"__pycache__", "node_modules"})


@dataclass(frozen=True, order=True)
class Change:
    kind: ChangeKind
    path: str  # project-relative POSIX path


@dataclass(frozen=True)
class ProjectLayout:
    """Which folders of a site project the build reads, and where it writes."""

    root: Path
    content_dir: str = "content"
    output_dir: str = "site"

    @property
    def watched_dirs(self) -> tuple[str, ...]:
        return (self.content_dir, *THEME_DIRS)


def is_editor_noise(relative: PurePosixPath) -> bool:
    """True for editor temp/swap files and for hidden or tool folders (.git, .idea, node_modules)."""
    if any(part.startswith(".") or part in _IGNORED_FOLDERS for part in relative.parts):
        return True
    return bool(_EDITOR_TEMP_NAME.search(relative.name))


def classify_path(path: str | Path, layout: ProjectLayout) -> Change | None:
    """The change a write to PATH means to the build, or None when the build never reads it."""
    try:
        relative = PurePosixPath(Path(path).relative_to(layout.root).as_posix())
    except ValueError:
        return None
    if not relative.parts or is_editor_noise(relative):
        return None
    if _is_under(relative, layout.output_dir):
        return None
    if relative == PurePosixPath(CONFIG_NAME):
        return Change("config", relative.as_posix())
    if _is_under(relative, layout.content_dir):
        return Change("content", relative.as_posix())
    if any(_is_under(relative, folder) for folder in THEME_DIRS):
        return Change("theme", relative.as_posix())
    return None


def classify_event(event: FileSystemEvent, layout: ProjectLayout) -> tuple[Change, ...]:
    """A moved file is a change at both ends: save-via-rename shows up as temp -> real name."""
    if not isinstance(event, WATCHED_EVENTS):
        return ()
    paths = [event.src_path, event.dest_path] if event.dest_path else [event.src_path]
    changes = (classify_path(_as_text(p), layout) for p in paths)
    return tuple(sorted({change for change in changes if change is not None}))


def _is_under(relative: PurePosixPath, folder: str) -> bool:
    folder_path = PurePosixPath(folder)
    return relative == folder_path or folder_path in relative.parents


def _as_text(path: bytes | str) -> str:
    return path.decode("utf-8", "surrogateescape") if isinstance(path, bytes) else path


@dataclass(frozen=True)
class Timing:
    """How calm the watcher is: wait for QUIET seconds without events, but never longer than MAX_WAIT."""

    quiet: float = 0.15
    max_wait: float = 2.0


@dataclass(frozen=True)
class Burst:
    """Changes seen since the last batch was handed out."""

    changes: frozenset[Change] = frozenset()
    first_at: float = 0.0
    last_at: float = 0.0

    def add(self, changes: Iterable[Change], now: float) -> Burst:
        new = frozenset(changes)
        if not new:
            return self
        if not self.changes:
            return Burst(new, now, now)
        return replace(self, changes=self.changes | new, last_at=now)

    def due_at(self, timing: Timing) -> float:
        # The max wait keeps feedback coming while something writes continuously.
        return min(self.last_at + timing.quiet, self.first_at + timing.max_wait)


@dataclass
class ChangeBatcher:
    """Thread-safe meeting point: the watcher adds changes, the rebuild loop takes calm batches.

    Changes added while a rebuild runs wait here, so they are never lost and
    all of them together cause exactly one more rebuild.
    """

    timing: Timing = field(default_factory=Timing)
    clock: Callable[[], float] = time.monotonic
    _burst: Burst = field(default_factory=Burst, init=False)
    _closed: bool = field(default=False, init=False)
    _condition: threading.Condition = field(default_factory=threading.Condition, init=False)

    def add(self, changes: Iterable[Change]) -> None:
        with self._condition:
            burst = self._burst.add(changes, self.clock())
            if burst is not self._burst:
                self._burst = burst
                self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def take_ready(self) -> tuple[Change, ...] | None:
        """The pending batch if its quiet period is over, else None; never blocks."""
        with self._condition:
            return self._take_if_due()

    def next_batch(self) -> tuple[Change, ...] | None:
        """Block until a calm batch is ready; None once closed."""
        with self._condition:
            while not self._closed:
                batch = self._take_if_due()
                if batch is not None:
                    return batch
                if self._burst.changes:
                    self._condition.wait(max(0.0, self._burst.due_at(self.timing) - self.clock()))
                else:
                    self._condition.wait()
            return None

    def _take_if_due(self) -> tuple[Change, ...] | None:
        if not self._burst.changes or self.clock() < self._burst.due_at(self.timing):
            return None
        batch = tuple(sorted(self._burst.changes))
        self._burst = Burst()
        return batch


class _ProjectEventHandler(FileSystemEventHandler):
    def __init__(self, layout: ProjectLayout, batcher: ChangeBatcher, on_new_folder: Callable[[str], None]):
        self._layout = layout
        self._batcher = batcher
        self._on_new_folder = on_new_folder

    def on_any_event(self, event: FileSystemEvent) -> None:
        changes = classify_event(event, self._layout)
        if not changes:
            return
        for folder in _new_top_level_folders(event, self._layout):
            self._on_new_folder(folder)
        self._batcher.add(changes)


def _new_top_level_folders(event: FileSystemEvent, layout: ProjectLayout) -> list[str]:
    if not isinstance(event, (DirCreatedEvent, DirMovedEvent)):
        return []
    landed = Path(_as_text(event.dest_path or event.src_path))
    if landed.parent != layout.root:
        return []
    return [landed.name] if landed.name in layout.watched_dirs else []


class ProjectWatcher:
    """Watches only what the build reads: sitegen.toml, content/, templates/, static/, themes/.

    The output folder, .git/ and virtualenvs are never watched at all, so a
    build writing thousands of files costs the watcher nothing.
    """

    def __init__(self, layout: ProjectLayout, batcher: ChangeBatcher):
        self._layout = layout
        self._observer: BaseObserver = Observer()
        self._handler = _ProjectEventHandler(layout, batcher, self._watch_folder)
        self._watches: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        # The root is watched flat, to see sitegen.toml and watched folders appearing.
        self._observer.schedule(
            self._handler, str(self._layout.root), recursive=False, event_filter=list(WATCHED_EVENTS)
        )
        for folder in self._layout.watched_dirs:
            if (self._layout.root / folder).is_dir():
                self._watch_folder(folder)
        self._observer.start()

    def stop(self) -> None:
        self._observer.stop()
        self._observer.join(timeout=5)

    def _watch_folder(self, folder: str) -> None:
        with self._lock:
            stale = self._watches.pop(folder, None)
            if stale is not None:
                try:
                    self._observer.unschedule(stale)
                except KeyError:
                    pass
            self._watches[folder] = self._observer.schedule(
                self._handler, str(self._layout.root / folder), recursive=True, event_filter=list(WATCHED_EVENTS)
            )
