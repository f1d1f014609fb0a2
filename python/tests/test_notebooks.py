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
import pyarrow.parquet as pq
import pytest
from nbclient import NotebookClient

from conftest import AUTH_TOKEN, NOTEBOOK_CALLS_PER_DAY, REPO, ReportRun

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


# "  TRUNK: 2026-10-30 14:00 UTC, 3.217 Erlangs -> 8 channels", one line per trunk
BUSY_HOUR = re.compile(r"^  (.+): (\d{4}-\d\d-\d\d \d\d:00) UTC, ([0-9.]+) Erlangs -> ([0-9]+) channels$", re.M)


@pytest.fixture(scope="module")
def cdr_explorer(tmp_path_factory: pytest.TempPathFactory) -> str:
    """cdr-explorer over the 3 days before its emulator's clock (the report_run fixture's window and data)."""
    nb = run(
        "cdr-explorer.ipynb",
        {"days": 3, "emulator_calls_per_day": NOTEBOOK_CALLS_PER_DAY},
        tmp_path_factory.mktemp("cdr-explorer"),
    )
    assert check_charts_and_secrets(nb) == 4
    return "".join(text_of(c) for c in nb.cells if c.cell_type == "code")


def test_cdr_explorer_runs_with_full_spark_and_draws_every_chart(cdr_explorer: str) -> None:
    out = cdr_explorer
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
    busy = BUSY_HOUR.findall(out)
    assert busy and all(0 < float(e) < int(n) for _, _, e, n in busy), busy
    assert re.search(r"IRSF signals: \d+ flagged of the days 2026-10-30 \.\. 2026-10-31 judged", out)


def test_cdr_explorer_sizes_every_trunk_as_the_report_job(cdr_explorer: str, report_run: ReportRun) -> None:
    """The notebook's channels per trunk are the report's trunk_sizing/ for the same calls (all of them, both
    directions): one rule, not a notebook copy of it."""
    notebook = {trunk: (hour, int(n)) for trunk, hour, _, n in BUSY_HOUR.findall(cdr_explorer)}
    sizing = pq.read_table(report_run.output / "trunk_sizing").to_pylist()
    written = {
        (r["trunk_id"] or "(no trunk_id)"): (f"{r['busy_hour_start']:%Y-%m-%d %H:00}", r["erlang_b_channels"])
        for r in sizing
        if r["day"] is None and r["busy_hour_start"] is not None
    }
    assert len(written) >= 2, written  # several trunks: the comparison is per trunk
    assert notebook == written


def test_lake_trends_builds_a_demo_lake_with_the_ingest_job_and_draws_every_chart(tmp_path: Path) -> None:
    nb = run("lake-trends.ipynb", {"days": 7}, tmp_path)
    assert check_charts_and_secrets(nb) == 3
    out = "".join(text_of(c) for c in nb.cells if c.cell_type == "code")
    assert "demo lake of 2026-10-25 .. 2026-11-01 (end exclusive)" in out
    assert " in 7 days, 2026-10-25 .. 2026-10-31" in out
