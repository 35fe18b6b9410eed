"""Command line: a thin layer over the library.

Exit codes: 0 all files converted, 1 some file failed, 2 usage error.
Errors print one line per file: ``FAILED <file>: <ErrorClass>: <message>``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="extractor",
        description="Convert budget performance-target PDFs (绩效目标表) to structured JSON.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    convert = sub.add_parser("convert", help="convert PDF files to JSON documents")
    convert.add_argument("files", nargs="+", type=Path, help="PDF files")
    convert.add_argument("-o", "--output", required=True, help="output folder, or - for stdout (one file)")
    convert.add_argument("--password", help="password of encrypted PDFs")
    convert.add_argument("--max-pages", type=int, help="refuse documents with more pages (default 2000)")
    convert.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    schema = sub.add_parser("schema", help="print the JSON Schema of the output")
    schema.set_defaults(files=[])
    return parser


def _convert(args: argparse.Namespace) -> int:
    from .errors import ExtractorError
    from .export import write_document
    from .pipeline import extract
    from .settings import DEFAULT

    settings = DEFAULT if args.max_pages is None else DEFAULT.replace(max_pages=args.max_pages)
    to_stdout = args.output == "-"
    if to_stdout and len(args.files) != 1:
        print("extractor: -o - takes exactly one input file", file=sys.stderr)
        return EXIT_USAGE
    failed = 0
    for path in args.files:
        try:
            doc = extract(path, settings=settings, password=args.password)
        except ExtractorError as exc:
            failed += 1
            print(f"FAILED {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        if to_stdout:
            sys.stdout.write(doc.to_json())
            continue
        target = Path(args.output) / f"{path.stem}.json"
        write_document(doc, target)
        if not args.quiet:
            notes = f", {len(doc.warnings)} warnings" if doc.warnings else ""
            print(f"ok {path} -> {target} ({len(doc.projects)} projects, "
                  f"{sum(len(p.indicators) for p in doc.projects)} indicators{notes})", file=sys.stderr)
            for w in doc.warnings:
                print(f"  warning {w.code} [{w.where}]: {w.message}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "schema":
        from .export import schema_text

        sys.stdout.write(schema_text())
        return EXIT_OK
    return _convert(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
