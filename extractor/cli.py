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
    convert.add_argument("--timeout", type=float, metavar="SECONDS",
                         help="stop a file's conversion after this long and go on with the next (default 600; 0: no limit)")
    convert.add_argument("--max-memory", type=int, metavar="MB",
                         help="stop a file's conversion when it needs more memory than this (default 4096; 0: no limit)")
    convert.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    schema = sub.add_parser("schema", help="print the JSON Schema of the output")
    schema.set_defaults(files=[])
    inspect = sub.add_parser("inspect", help="draw the detected structure on the pages; DIR/index.html shows them beside the extracted rows")
    inspect.add_argument("file", type=Path, help="PDF file")
    inspect.add_argument("-o", "--output", required=True, type=Path, help="output folder (page PNGs and index.html)")
    inspect.add_argument("--pages", help="pages to draw, e.g. 5-6 or 5,10,11 (default all)")
    inspect.add_argument("--resolution", type=int, default=130, help="image resolution in dpi (default 130)")
    inspect.add_argument("--password", help="password of an encrypted PDF")
    golden = sub.add_parser("golden", help="compare samples with their golden files, or rewrite a golden file")
    golden_sub = golden.add_subparsers(dest="golden_command", required=True)
    check = golden_sub.add_parser("check", help="convert each sample and diff it with its golden file; exit 1 on any difference")
    check.add_argument("samples", nargs="?", default="samples", help="folder of sample PDFs, or one PDF (default samples/)")
    check.add_argument("golden", nargs="?", default="golden", help="folder of golden files (default golden/)")
    check.add_argument("--limit", type=int, default=40, help="differences shown per document (default 40)")
    update = golden_sub.add_parser("update", help="show the diff, then write golden/NAME.json and NAME.md from the current extraction")
    update.add_argument("names", nargs="+", metavar="NAME", help="sample name (samples/NAME.pdf)")
    update.add_argument("--yes", action="store_true", help="write without asking (required when not interactive)")
    update.add_argument("--samples", default="samples", help="folder of sample PDFs (default samples/)")
    update.add_argument("--golden", default="golden", help="folder of golden files (default golden/)")
    update.add_argument("--limit", type=int, default=200, help="differences shown per document (default 200)")
    return parser


def _convert(args: argparse.Namespace) -> int:
    from .errors import ExtractorError
    from .export import write_document
    from .guard import extract_guarded
    from .settings import DEFAULT

    limits = {"max_pages": args.max_pages, "timeout": args.timeout, "max_memory_mb": args.max_memory}
    settings = DEFAULT.replace(**{k: v for k, v in limits.items() if v is not None})
    to_stdout = args.output == "-"
    if to_stdout and len(args.files) != 1:
        print("extractor: -o - takes exactly one input file", file=sys.stderr)
        return EXIT_USAGE
    failed = 0
    for path in args.files:
        try:
            doc = extract_guarded(path, settings=settings, password=args.password)
        except ExtractorError as exc:
            failed += 1
            print(f"FAILED {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        if to_stdout:
            sys.stdout.write(doc.to_json())
            continue
        target = Path(args.output) / f"{path.stem}.json"
        try:
            write_document(doc, target)  # atomic: never a partial file
        except OSError as exc:
            failed += 1
            print(f"FAILED {path}: {type(exc).__name__}: cannot write {target}: {exc.strerror or exc}", file=sys.stderr)
            continue
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
    if args.command == "inspect":
        from .inspect_view import run

        return run(args)
    if args.command == "golden":
        from .goldens import run

        return run(args)
    return _convert(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
