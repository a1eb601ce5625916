"""The notebooks in notebooks/: committed without outputs, and run top to bottom.

Each notebook is executed with nbclient in a kernel running THIS interpreter (so the
package under test and its dependencies are the ones used), from the notebook's own folder
as Jupyter would. A failing cell fails the test with the cell's source and traceback.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat", reason="notebook tests need nbformat (extra 'notebook')")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
CELL_TIMEOUT = 120  # seconds per cell
CHART_CALL = re.compile(r"\bplot\.(?:categories|stats|phrases)\(")
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
IDS = [p.stem for p in PATHS]


def test_notebooks_exist() -> None:
    assert {p.name for p in PATHS} >= {"01_快速上手.ipynb", "02_批量分析.ipynb"}


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_committed_without_outputs(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    dirty = [i for i, cell in enumerate(book.cells) if cell.cell_type == "code"
             and (cell.get("outputs") or cell.get("execution_count") is not None)]
    assert not dirty, (f"{path.name}: cells {dirty} have outputs or execution counts; clear "
                       "them before committing (e.g. jupyter nbconvert --clear-output --inplace)")


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_notebook_is_valid(path: Path) -> None:
    nbformat.validate(nbformat.read(path, as_version=4))


def _kernel_manager() -> Any:
    """A kernel manager whose "python3" kernel is this interpreter, whatever kernelspecs the
    machine has installed elsewhere."""
    pytest.importorskip("ipykernel", reason="notebook tests need ipykernel (extra 'notebook')")
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    class HereSpecs(KernelSpecManager):  # type: ignore[misc]
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f",
                                    "{connection_file}"],
                              display_name="Python 3", language="python", resource_dir="")

    return KernelManager(kernel_name="python3", kernel_spec_manager=HereSpecs())


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_notebook_runs(path: Path) -> None:
    nbclient = pytest.importorskip("nbclient", reason="notebook tests need nbclient")
    pytest.importorskip("matplotlib", reason="the notebooks draw charts (extra 'plot')")
    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        book, km=_kernel_manager(), timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    outputs = [o for cell in book.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors
    charts = [cell for cell in book.cells
              if cell.cell_type == "code" and CHART_CALL.search(cell.source)]
    assert charts, f"{path.name} draws no chart"
    for cell in charts:  # shown as an image, not as "<Figure size …>"
        assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.source
    warnings = [o.get("text", "") for o in outputs
                if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    assert not any("missing from font" in w for w in warnings), warnings
