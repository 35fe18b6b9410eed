"""How to install an optional extra, said so that the command works.

The distribution is named ``jixiao-extractor`` (the name ``extractor`` on
the package index belongs to an unrelated project), while it imports and
runs as ``extractor``.  A hint naming ``extractor[ocr]`` would install that
other project; from a clone of the repository the package index is not the
source at all.  ``install_hint`` therefore names the clone when this package
runs from one (an editable install), and the published distribution
otherwise.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Optional

#: The distribution's name on the package index (pyproject.toml's [project] name).
DISTRIBUTION = "jixiao-extractor"


@functools.cache
def source_tree() -> Optional[Path]:
    """The clone this package runs from (the folder holding its
    pyproject.toml and the ``extractor`` package), or None for an
    installed copy."""
    root = Path(__file__).resolve().parent.parent
    project = root / "pyproject.toml"
    try:
        if project.is_file() and f'name = "{DISTRIBUTION}"' in project.read_text(encoding="utf-8"):
            return root
    except OSError:  # pragma: no cover - an unreadable checkout
        pass
    return None


def install_command(extra: str, tree: Optional[Path] = None) -> str:
    """The pip command that installs ``extra``: from the clone ``tree``
    (editable, with its path, so that it works from any folder), or from
    the package index."""
    if tree is not None:
        return f"pip install -e '{tree}[{extra}]'"
    return f"pip install '{DISTRIBUTION}[{extra}]'"


def install_hint(extra: str) -> str:
    """``install_command`` for this installation."""
    return install_command(extra, source_tree())
