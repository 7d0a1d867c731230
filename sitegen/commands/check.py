"""`sitegen check`: parse the listings and report what was found, without writing anything."""

from __future__ import annotations

import argparse
import json
from collections import Counter

from ..config import load_config
from ..ingest import load_archive
from ..model import Archive, Diagnostic


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="parse the listings and report papers, duplicates, links and problems",
        description="Parse content/listings/*.txt and report papers and entries per collection, "
        "duplicates merged, papers with code links, and every warning and error. "
        "Exits with status 1 when there are errors.",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON, for scripts")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    archive = load_archive(load_config(args.project))
    report = summarize(archive)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_report(report))
    return 1 if archive.errors else 0


def summarize(archive: Archive) -> dict:
    entries = Counter()
    papers = Counter()
    with_code = Counter()
    for paper in archive.papers:
        for appearance in paper.appearances:
            entries[appearance.collection] += 1
        for key in paper.collections:
            papers[key] += 1
            with_code[key] += paper.has_code
    return {
        "papers": len(archive.papers),
        "entries": archive.entry_count,
        "duplicates": archive.duplicates_merged,
        "papers_with_code": sum(paper.has_code for paper in archive.papers),
        "collections": [
            {
                "key": c.key,
                "name": c.name,
                "source": c.source,
                "date_label": c.date_label,
                "entries": entries[c.key],
                "papers": papers[c.key],
                "papers_with_code": with_code[c.key],
            }
            for c in archive.collections
        ],
        "warnings": [_diagnostic(d) for d in archive.warnings],
        "errors": [_diagnostic(d) for d in archive.errors],
    }


def format_report(report: dict) -> str:
    lines = ["Collections:"]
    for c in report["collections"]:
        lines.append(
            f"  {c['key']}  {c['name']!r}: {c['entries']} entries, {c['papers']} papers, "
            f"{c['papers_with_code']} with code ({c['source']})"
        )
    if not report["collections"]:
        lines.append("  (none)")
    lines.append(
        f"Totals: {report['entries']} entries, {report['papers']} papers, "
        f"{report['duplicates']} duplicates merged, {report['papers_with_code']} papers with code links"
    )
    for title, items in (("Warnings", report["warnings"]), ("Errors", report["errors"])):
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines.extend(f"  {_location(item)}: {item['message']}" for item in items)
    lines.append(
        f"Summary: {report['papers']} papers from {report['entries']} entries in "
        f"{len(report['collections'])} collections; {_count(report['warnings'], 'warning')}, {_count(report['errors'], 'error')}"
        + ("; fix the errors above before building" if report["errors"] else "")
    )
    return "\n".join(lines)


def _count(items: list, noun: str) -> str:
    return f"{len(items)} {noun}" + ("" if len(items) == 1 else "s")


def _diagnostic(diagnostic: Diagnostic) -> dict:
    return {"file": diagnostic.file, "line": diagnostic.line, "message": diagnostic.message}


def _location(item: dict) -> str:
    return f"{item['file']}:{item['line']}" if item["line"] else item["file"]
