"""The analysis notebooks run top to bottom, headless, in a kernel of this
Python (nbclient), and their charts render; committed notebooks carry no
outputs.

Set ``EXTRACTOR_NOTEBOOK_PNG=DIR`` to keep each chart as ``DIR/NAME-N.png``
for a look.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Charts (figures) each notebook must draw.
CHARTS = {"sample_analysis": 3}


def test_there_is_a_notebook():
    assert [p.stem for p in NOTEBOOKS] == sorted(CHARTS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_outputs_are_cleared(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "clear the outputs before committing"


def run(path: Path, monkeypatch, **env: str):
    """Execute ``path`` with inline charts; raises on the first failing cell."""
    monkeypatch.delenv("MPLBACKEND", raising=False)  # charts must render inline
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(path, as_version=4)
    # kernel "python3" is this interpreter: jupyter_client runs the native
    # kernel with sys.executable, so no `ipykernel install` is needed.
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def outputs(nb, kind: str):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("output_type") in kind]


@pytest.mark.parametrize("cjk", ["auto", "off"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_and_charts_render(path, cjk, monkeypatch):
    """Run once with the CJK font found on this machine (if any) and once
    as on a machine without one, where charts must not draw missing glyphs."""
    nb = run(path, monkeypatch, **({"EXTRACTOR_NOTEBOOK_NO_CJK": "1"} if cjk == "off" else {}))
    assert not outputs(nb, ("error",))
    images = [o["data"]["image/png"] for o in outputs(nb, ("display_data", "execute_result")) if "image/png" in o.get("data", {})]
    assert len(images) == CHARTS[path.stem]
    for data in images:
        assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
    stderr = "".join(o.get("text", "") for o in outputs(nb, ("stream",)) if o.get("name") == "stderr")
    assert "Traceback" not in stderr
    if cjk == "off":
        assert "missing from font" not in stderr, stderr
    keep = os.environ.get("EXTRACTOR_NOTEBOOK_PNG")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for n, data in enumerate(images, start=1):
            (Path(keep) / f"{path.stem}-{cjk}-{n}.png").write_bytes(base64.b64decode(data))
