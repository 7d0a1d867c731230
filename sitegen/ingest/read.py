"""The only part of ingest that touches the disk: reading content/listings/*.txt."""

from __future__ import annotations

from pathlib import Path

from ..config import SiteConfig
from ..model import Diagnostic, RawListing

STAGE = "ingest"
LISTINGS_FOLDER = "listings"


def read_listings(config: SiteConfig) -> tuple[tuple[RawListing, ...], tuple[Diagnostic, ...]]:
    """Every content/listings/*.txt, sorted by file name, as bytes; problems as diagnostics."""
    folder = config.content_path / LISTINGS_FOLDER
    folder_name = _relative(folder, config.root)
    if not folder.is_dir():
        return (), (Diagnostic("error", STAGE, folder_name, None, "no listings folder; create it and put the listing .txt files in it"),)
    try:
        paths = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        return (), (Diagnostic("error", STAGE, folder_name, None, f"cannot list the folder ({exc.strerror or exc}); check its permissions"),)
    listings: list[RawListing] = []
    diagnostics: list[Diagnostic] = []
    for path in paths:
        source = _relative(path, config.root)
        if path.name.startswith(".") or path.is_dir():
            continue
        if path.suffix.lower() != ".txt":
            diagnostics.append(Diagnostic("warning", STAGE, source, None, "ignored: listings must be .txt files; rename it to .txt to include it"))
            continue
        try:
            listings.append(RawListing(source=source, data=path.read_bytes()))
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            diagnostics.append(Diagnostic("error", STAGE, source, None, f"cannot read the file ({reason}); check that it exists and is readable"))
    if not listings and not any(d.severity == "error" for d in diagnostics):
        diagnostics.append(Diagnostic("error", STAGE, folder_name, None, "no listing files (*.txt) found; add at least one listing"))
    return tuple(listings), tuple(diagnostics)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
