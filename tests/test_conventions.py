"""What a user of a packaged tool expects around the conversion itself: a
version, logging on request, examples in every --help, install hints that
work, the files a distribution carries, and tests that say why they skip."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import extractor
from conftest import ROOT, SAMPLE


def cli(*args: str):
    return subprocess.run([sys.executable, "-m", "extractor", *args], capture_output=True, text=True, timeout=120)


def test_version_names_the_release_and_the_distribution():
    proc = cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"extractor {extractor.__version__} (jixiao-extractor)"


def _commands(parser, path=()):
    """Every (sub)command's parser, with its command path."""
    import argparse

    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, (*path, name))


def test_every_help_ends_with_examples_that_parse():
    """Each example line of each --help is a command line the parser
    accepts (it is parsed, not run)."""
    from extractor.cli import _parser

    commands = list(_commands(_parser()))
    assert len(commands) == 7
    for path, parser in commands:
        text = parser.format_help()
        assert "\nexamples:\n" in text, path
        examples = [line.split("  ", 2)[1] if line.startswith("  extractor") else None
                    for line in text.split("\nexamples:\n", 1)[1].splitlines()]
        examples = [e.split(" | ")[0].split(" > ")[0] for e in examples if e]
        assert examples, path
        for example in examples:
            args = [a.strip("'") for a in example.split()[1:]]
            _parser().parse_args(args)  # exits (SystemExit) on a bad example


def test_verbose_logs_the_conversion_on_stderr_before_or_after_the_command(golden_sample):
    counts = f"11 pages, {len(golden_sample['projects'])} projects, {len(golden_sample['warnings'])} warnings"
    for args in (("-v", "convert"), ("convert", "-v")):
        proc = cli(*args, str(SAMPLE), "-o", "-")
        assert proc.returncode == 0
        assert f"extractor: INFO: {SAMPLE.name}: {counts}" in proc.stderr
        assert "DEBUG" not in proc.stderr
    quiet = cli("convert", str(SAMPLE), "-o", "-")
    assert "INFO" not in quiet.stderr
    debug = cli("-vv", "convert", str(SAMPLE), "-o", "-")
    assert f"extractor: DEBUG: {SAMPLE.name}: page 5: 1 tables" in debug.stderr


def test_install_hints_name_this_clone_or_the_distribution():
    from extractor.extras import DISTRIBUTION, install_command, install_hint, source_tree

    assert source_tree() == ROOT  # the tests run from a clone
    assert install_hint("ocr") == f"pip install -e '{ROOT}[ocr]'"
    assert install_command("ocr", None) == "pip install 'jixiao-extractor[ocr]'"
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'name = "{DISTRIBUTION}"' in project
    for extra in ("ocr", "tables", "dask", "notebook"):
        assert re.search(rf"^{extra} = \[", project, re.M), extra


def test_no_message_sends_users_to_the_unrelated_extractor_package():
    """``pip install 'extractor[...]'`` installs someone else's project."""
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "extractor").rglob("*.py")
                 if re.search(r"pip install '?extractor\[", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_distribution_carries_license_changelog_and_type_marker():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert f"## {extractor.__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert (ROOT / "extractor" / "py.typed").exists()
    project = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "[project.urls]" in project and '"py.typed"' in project


@pytest.mark.parametrize("ci, outcome", [("", "skipped"), ("true", "failed")])
def test_a_missing_requirement_skips_with_its_reason_or_fails_in_ci(tmp_path, ci, outcome):
    """``conftest.require``: outside CI a skip whose reason the -ra summary
    shows; in CI (which provides everything) a failure."""
    test = tmp_path / "test_needs.py"
    test.write_text("from conftest import require\n\n"
                    "def test_needs():\n    require(False, 'the widget is not beside this checkout')\n")
    env = {k: v for k, v in __import__("os").environ.items() if k != "CI"}
    if ci:
        env["CI"] = ci
    proc = subprocess.run([sys.executable, "-m", "pytest", "-ra", "-p", "no:cacheprovider", str(test),
                           "--rootdir", str(tmp_path), "-c", str(ROOT / "pyproject.toml")],
                          capture_output=True, text=True, timeout=120, env=env,
                          cwd=ROOT / "tests")
    assert f"1 {outcome}" in proc.stdout, proc.stdout
    assert "the widget is not beside this checkout" in proc.stdout
