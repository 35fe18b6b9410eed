"""Command line: a thin layer over the library.

Exit codes: 0 all files converted, 1 some file failed, 2 usage error
(130: ``convert`` interrupted).  Errors print one line per file:
``FAILED <file>: <ErrorClass>: <message>``.  ``convert`` runs on the batch
engine (``extractor.batch``): parallel, resumable, with a run report.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .extras import install_hint
from .fsnames import json_text, shown

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


#: Examples shown at the end of each command's --help (its epilog).
EXAMPLES = {
    "extractor": """examples:
  extractor convert samples/julu-2023-zonggonghui.pdf -o out/
  extractor convert archive/ -o out/ --jobs 4 --tables csv
  extractor inspect samples/julu-2023-zonggonghui.pdf --pages 5-6 -o /tmp/inspect
  extractor schema > document.schema.json
  extractor -v convert scan.pdf -o out/

Run 'extractor COMMAND --help' for a command's options.""",
    "convert": """examples:
  extractor convert report.pdf -o out/                 one file -> out/report.json
  extractor convert report.pdf -o - | jq .projects     its JSON on stdout
  extractor convert archive/ -o out/ --tables csv      a folder, recursively, with combined tables
  extractor convert 'archive/*/2023' -o out/ --jobs 4  a glob pattern, 4 worker processes
  extractor convert archive/ -o out/                   again: only new or failed files are converted
  extractor convert scan.pdf -o out/ --ocr             read every page by OCR""",
    "schema": """examples:
  extractor schema > document.schema.json""",
    "inspect": """examples:
  extractor inspect report.pdf -o /tmp/report-inspect          every page, then open index.html
  extractor inspect report.pdf --pages 5-6,9 -o /tmp/inspect   some pages
  extractor inspect budget.pdf --all-pages -o /tmp/inspect     read the pages the first pass skips too""",
    "golden": """examples:
  extractor golden check
  extractor golden update julu-2023-zonggonghui""",
    "check": """examples:
  extractor golden check                       every sample of samples/ against golden/
  extractor golden check samples/NAME.pdf      one sample""",
    "update": """examples:
  extractor golden update NAME           show the diff, ask, write golden/NAME.json and NAME.md
  extractor golden update NAME --yes     write without asking (scripts)""",
}


def _verbosity(parser: argparse.ArgumentParser, default=argparse.SUPPRESS) -> None:
    # SUPPRESS on the subcommands: "-v" before or after the command name
    # both count, and a subcommand without it does not reset it.
    parser.add_argument("-v", "--verbose", action="count", default=default,
                        help="log what is done on stderr (-v: each file and page decision, -vv: debugging detail)")


def _sub(sub, name: str, **kwargs) -> argparse.ArgumentParser:
    parser = sub.add_parser(name, epilog=EXAMPLES[name], formatter_class=argparse.RawDescriptionHelpFormatter,
                            **kwargs)
    _verbosity(parser)
    return parser


def _parser() -> argparse.ArgumentParser:
    from . import __version__
    from .extras import DISTRIBUTION

    parser = argparse.ArgumentParser(
        prog="extractor",
        description="Convert budget performance-target PDFs (绩效目标表) to structured JSON.",
        epilog=EXAMPLES["extractor"], formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"extractor {__version__} ({DISTRIBUTION})")
    _verbosity(parser, default=0)
    sub = parser.add_subparsers(dest="command", required=True)
    convert = _sub(
        sub, "convert", help="convert PDF files to JSON documents",
        description="Convert PDFs to JSON documents in OUTDIR (mirroring the inputs' folders), with a run report "
                    "OUTDIR/_report.json.  Re-running the same command skips files already converted.",
    )
    convert.add_argument("files", nargs="+", metavar="PATH",
                         help="PDF files, folders (searched recursively for *.pdf) or glob patterns ('**' recurses)")
    convert.add_argument("-o", "--output", required=True, metavar="OUTDIR",
                         help="output folder, or - for stdout (one file)")
    convert.add_argument("-j", "--jobs", type=int, metavar="N",
                         help="worker processes (default: one per CPU core); with --engine dask and no "
                              "--scheduler, the local cluster's workers")
    convert.add_argument("--force", action="store_true",
                         help="convert again files whose output exists for the same input and extractor version")
    convert.add_argument("--prune", action="store_true",
                         help="remove the outputs (and their manifest entries) that earlier runs wrote into OUTDIR "
                              "for inputs not in this run; without it they are kept and listed as orphaned in "
                              "the report")
    convert.add_argument("--tables", choices=("csv", "parquet", "xlsx"),
                         help="also write the combined tables (documents, projects, indicators, spending_plan, "
                              "overall_indicators, departments, warnings) of the run to OUTDIR/_tables/ (csv: "
                              f"UTF-8 with a byte-order mark, for Excel; parquet and xlsx: {install_hint('tables')})")
    convert.add_argument("--engine", choices=("local", "dask"),
                         help=f"local worker processes (default) or a Dask cluster ({install_hint('dask')})")
    convert.add_argument("--scheduler", metavar="ADDRESS",
                         help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --engine dask; "
                              "without it, --engine dask starts a local cluster)")
    convert.add_argument("--password", help="password of encrypted PDFs")
    convert.add_argument("--max-pages", type=int, help="refuse documents with more pages (default 2000)")
    convert.add_argument("--timeout", type=float, metavar="SECONDS",
                         help="stop a file's conversion after this long and go on with the next (default 600; 0: no limit)")
    convert.add_argument("--max-memory", type=int, metavar="MB",
                         help="memory for the whole run, shared by the files converted at once: a file's conversion "
                              "that needs more than its share is stopped (default: 4096 per file, all together "
                              "at most 3/4 of the machine's memory; 0: no limit)")
    convert.add_argument("--ocr", dest="ocr", action="store_const", const="force", default="auto",
                         help="read every page by OCR, even pages with a text layer (needs the ocr extra: "
                              f"{install_hint('ocr')}); by default OCR reads only pages without a usable text layer")
    convert.add_argument("--no-ocr", dest="ocr", action="store_const", const="off",
                         help="never OCR: pages without a usable text layer stay unread")
    convert.add_argument("--reader", choices=("pdfplumber", "pdfium"),
                         help="the parser that reads the pages' content: pdfplumber (pdfminer, in Python) or pdfium "
                              "(several times faster); the same JSON on every test document (default: Settings.reader)")
    convert.add_argument("-q", "--quiet", action="store_true", help="print only errors and the summary")
    schema = _sub(sub, "schema", help="print the JSON Schema of the output")
    schema.set_defaults(files=[])
    inspect = _sub(sub, "inspect", help="draw the detected structure on the pages; DIR/index.html shows them beside the extracted rows")
    inspect.add_argument("file", type=Path, help="PDF file")
    inspect.add_argument("-o", "--output", required=True, type=Path, help="output folder (page PNGs and index.html)")
    inspect.add_argument("--pages", help="pages to draw, e.g. 5-6 or 5,10,11 (default all)")
    inspect.add_argument("--resolution", type=int, default=130, help="image resolution in dpi (default 130)")
    inspect.add_argument("--password", help="password of an encrypted PDF")
    inspect.add_argument("--all-pages", action="store_true",
                         help="read every page: without it, the first pass leaves the pages before the performance "
                              "section unread (each page image says why a page was or was not read)")
    golden = _sub(sub, "golden", help="compare samples with their golden files, or rewrite a golden file")
    golden_sub = golden.add_subparsers(dest="golden_command", required=True)
    check = _sub(golden_sub, "check", help="convert each sample and diff it with its golden file; exit 1 on any difference")
    check.add_argument("samples", nargs="?", default="samples", help="folder of sample PDFs, or one PDF (default samples/)")
    check.add_argument("golden", nargs="?", default="golden", help="folder of golden files (default golden/)")
    check.add_argument("--limit", type=int, default=40, help="differences shown per document (default 40)")
    update = _sub(golden_sub, "update", help="show the diff, then write golden/NAME.json and NAME.md from the current extraction")
    update.add_argument("names", nargs="+", metavar="NAME", help="sample name (samples/NAME.pdf)")
    update.add_argument("--yes", action="store_true", help="write without asking (required when not interactive)")
    update.add_argument("--samples", default="samples", help="folder of sample PDFs (default samples/)")
    update.add_argument("--golden", default="golden", help="folder of golden files (default golden/)")
    update.add_argument("--limit", type=int, default=200, help="differences shown per document (default 200)")
    return parser


def _convert(args: argparse.Namespace) -> int:
    from .settings import DEFAULT

    limits = {"max_pages": args.max_pages, "timeout": args.timeout, "max_memory_mb": args.max_memory,
              "reader": args.reader}
    settings = DEFAULT.replace(**{k: v for k, v in limits.items() if v is not None})
    from . import batch, ocr

    try:
        batch.check_limits(settings)
    except batch.UsageError as exc:
        print(f"extractor: {exc}", file=sys.stderr)
        return EXIT_USAGE

    if args.ocr == "force" and ocr.missing_modules():
        print(f"extractor: --ocr needs the ocr extra ({', '.join(ocr.missing_modules())} missing): "
              f"{install_hint('ocr')}", file=sys.stderr)
        return EXIT_USAGE
    if args.output == "-":
        if args.tables:
            print("extractor: --tables writes files: give an output folder (-o DIR), not -o -", file=sys.stderr)
            return EXIT_USAGE
        return _convert_to_stdout(args, settings)
    engine = args.engine or ("dask" if args.scheduler else "local")
    if args.scheduler and engine != "dask":
        print("extractor: --scheduler needs --engine dask", file=sys.stderr)
        return EXIT_USAGE
    try:
        stderr_is_tty = sys.stderr.isatty()
    except (AttributeError, ValueError):
        stderr_is_tty = False
    options = batch.Options(settings=settings, password=args.password, force=args.force, ocr=args.ocr,
                            ocr_progress=not args.quiet and not stderr_is_tty, memory_budget_mb=args.max_memory)
    try:
        return batch.convert_batch(args.files, args.output, options=options, jobs=args.jobs, engine=engine,
                                   scheduler=args.scheduler, tables=args.tables, quiet=args.quiet,
                                   prune=args.prune)
    except batch.UsageError as exc:
        print(f"extractor: {shown(str(exc))}", file=sys.stderr)
        return EXIT_USAGE


def _convert_to_stdout(args: argparse.Namespace, settings) -> int:
    """``-o -``: one file, its JSON on stdout, no report."""
    from . import ocr
    from .batch import UsageError, discover
    from .errors import ExtractorError
    from .guard import extract_guarded

    if len(args.files) != 1:
        print("extractor: -o - takes exactly one input file", file=sys.stderr)
        return EXIT_USAGE
    try:
        files = discover(args.files)
    except UsageError as exc:
        print(f"extractor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if len(files) != 1:
        print("extractor: -o - takes exactly one input file", file=sys.stderr)
        return EXIT_USAGE
    ((path, _name),) = files
    progress = None if args.quiet else ocr.print_progress
    try:
        doc = extract_guarded(path, settings=settings, password=args.password, ocr=args.ocr, progress=progress)
    except ExtractorError as exc:
        from .conversion import _message

        print(shown(f"FAILED {path}: {type(exc).__name__}: {_message(exc)}"), file=sys.stderr)
        return EXIT_FAILED
    return _write_stdout(json_text(doc.to_json()))


def _write_stdout(text: str) -> int:
    """``-o -``'s output: a closed or broken stdout is one line and exit
    code 2 (the output side failed), not a traceback."""
    try:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is not None:  # UTF-8 whatever the locale says
            buffer.write(text.encode("utf-8"))
        else:
            sys.stdout.write(text)
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError) as exc:
        try:  # nothing more may go to the broken stdout when Python exits
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        print(f"extractor: cannot write to stdout: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def configure_logging(verbose: int) -> None:
    """Log records of the ``extractor`` loggers at the level ``-v`` asks
    for (warnings only without it) on stderr, one line each; converting
    children inherit it when they are forked."""
    import logging

    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("extractor: %(levelname)s: %(message)s"))
    logger = logging.getLogger("extractor")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(args.verbose)
    if args.command == "schema":
        from .export import schema_text

        sys.stdout.write(schema_text())
        return EXIT_OK
    if args.command == "inspect":
        from .inspect_render import run

        return run(args)
    if args.command == "golden":
        from .goldens import run

        return run(args)
    return _convert(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
