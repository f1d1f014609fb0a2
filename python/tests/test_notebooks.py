"""The analyst notebooks, executed headless on a Python kernel (nbclient), with parameters injected.

Parameters are set the papermill way: a cell tagged "injected-parameters" is inserted after the cell
tagged "parameters", so the later assignment wins. A run fails on any cell error; every cell that
draws a chart ("# chart") must have emitted a PNG image; no output holds the emulator's token.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import AUTH_TOKEN, REPO

NOTEBOOKS = REPO / "notebooks"


def inject(nb: Any, parameters: dict[str, Any]) -> None:
    (index,) = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    source = "# Parameters\n" + "".join(f"{k} = {v!r}\n" for k, v in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(index + 1, cell)


def run(name: str, parameters: dict[str, Any], tmp_path: Path) -> Any:
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    inject(nb, parameters)
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    nbformat.write(nb, tmp_path / name)
    return nb


def text_of(cell: Any) -> str:
    parts = []
    for o in cell.get("outputs", []):
        parts.append(o.get("text", ""))
        parts.extend(str(v) for k, v in o.get("data", {}).items() if k.startswith("text/"))
    return "".join(parts)


def check_charts_and_secrets(nb: Any) -> int:
    charts = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("# chart")]
    for c in charts:
        assert any("image/png" in o.get("data", {}) for o in c.outputs), "no image from:\n" + c.source
    for c in nb.cells:
        if c.cell_type == "code":
            assert AUTH_TOKEN not in text_of(c)
    return len(charts)


@pytest.mark.parametrize("days", [3])
def test_cdr_explorer_runs_with_full_spark_and_draws_every_chart(tmp_path: Path, days: int) -> None:
    nb = run("cdr-explorer.ipynb", {"days": days, "emulator_calls_per_day": 2000}, tmp_path)
    assert check_charts_and_secrets(nb) == 4
    out = "".join(text_of(c) for c in nb.cells if c.cell_type == "code")
    # the injected parameter took effect: a 3-day window of the emulator's clock
    assert "2026-10-29 .. 2026-11-01 (end exclusive)" in out
    # full Spark: generated code on, the pushed filter in the plan, money a decimal kept as Decimal
    assert "codegen: true" in out
    # "*(1) " marks an operator compiled by whole-stage code generation in explain()'s plan
    assert "ApiFilters: {call_direction=outbound}" in out and "*(1) Project" in out
    assert "InMemoryRelation" in out or "outbound CDRs read in" in out
    assert "cost column: decimal(28,5) -> Decimal" in out
    # the NER, capacity and fraud sections computed something: a NER column, a busy hour per trunk whose Erlang B
    # channels exceed its Erlangs (at 1% blocking they always do), and the IRSF rule's count
    assert "ner_pct" in out
    busy = re.findall(r"UTC, ([0-9.]+) Erlangs -> ([0-9]+) channels", out)
    assert busy and all(0 < float(e) < int(n) for e, n in busy), busy
    assert re.search(r"IRSF signals: \d+ flagged of [1-9]\d* days and destinations judged", out)


def test_lake_trends_builds_a_demo_lake_with_the_ingest_job_and_draws_every_chart(tmp_path: Path) -> None:
    nb = run("lake-trends.ipynb", {"days": 7}, tmp_path)
    assert check_charts_and_secrets(nb) == 3
    out = "".join(text_of(c) for c in nb.cells if c.cell_type == "code")
    assert "demo lake of 2026-10-25 .. 2026-11-01 (end exclusive)" in out
    assert " in 7 days, 2026-10-25 .. 2026-10-31" in out
