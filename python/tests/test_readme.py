"""The Python block for a local session (the README's and docs/python.md's), run verbatim in a fresh Python and JVM.

The environment is what a user's would be: the credentials in PLIVO_AUTH_ID/PLIVO_AUTH_TOKEN, and a
site's spark-defaults.conf (SPARK_CONF_DIR) whose spark.datasource.zentrunk.* settings point every
read at the emulator. The block's variables are then compared with the emulator's ground truth.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

from conftest import AUTH_ID, AUTH_TOKEN, NOW, Emulator
from readme import blocks_run_by, the_block_run_by

RUNNER = "python/tests/test_readme.py"

# Appended after the block (never changed): reports what the block made.
REPORT = """
import json as _json, sys as _sys
import matplotlib.pyplot as _plt
_plt.gcf().savefig(_sys.argv[1] + "/chart.png")
_json.dump({
    "by_country": [[r["to_country"], r["count"]] for r in by_country.collect()],
    "pdf": [[r.to_country, r.calls, str(r.amount), type(r.amount).__name__] for r in pdf.itertuples()],
    "bars": len(_plt.gca().patches),
}, open(_sys.argv[1] + "/result.json", "w"))
"""


def test_the_readme_python_block_reads_the_emulator_exactly(emulator: Emulator, tmp_path: Path) -> None:
    assert {page for page, _ in blocks_run_by(RUNNER)} >= {"README.md", "docs/python.md"}
    block = the_block_run_by(RUNNER)
    assert "zentrunk_spark.configure(" in block
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "spark-defaults.conf").write_text(
        "spark.master local[2]\n"
        "spark.ui.enabled false\n"
        f"spark.datasource.zentrunk.api_url {emulator.url}\n"
        f"spark.datasource.zentrunk.now {NOW}\n"
    )
    script = tmp_path / "readme_block.py"
    script.write_text(block + REPORT)
    env = {
        **os.environ,
        "PLIVO_AUTH_ID": AUTH_ID,
        "PLIVO_AUTH_TOKEN": AUTH_TOKEN,
        "SPARK_CONF_DIR": str(conf),
        "MPLBACKEND": "Agg",
    }
    run = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-4000:]
    result = json.loads((tmp_path / "result.json").read_text())

    records = emulator.records("2026-10-01 00:00:00", "2026-10-02 00:00:00")
    outbound = Counter(
        r["to_country"] for r in records if r["call_direction"] == "outbound" and r["bill_duration"] > 60
    )
    assert dict((c, n) for c, n in result["by_country"]) == dict(outbound)
    counts = [n for _, n in result["by_country"]]
    assert counts == sorted(counts, reverse=True)
    # by_country.show() printed the table
    assert "|to_country|count|" in run.stdout

    amount: dict[str, Decimal] = {}
    for r in records:
        amount[r["to_country"]] = amount.get(r["to_country"], Decimal(0)) + Decimal(r["total_amount"])
    calls = Counter(r["to_country"] for r in records)
    assert {c: (n, Decimal(a)) for c, n, a, _ in result["pdf"]} == {c: (calls[c], amount[c]) for c in calls}
    assert {t for *_, t in result["pdf"]} == {"Decimal"}
    assert [Decimal(a) for _, _, a, _ in result["pdf"]] == sorted(amount.values(), reverse=True)
    assert result["bars"] == min(10, len(calls))
    assert (tmp_path / "chart.png").stat().st_size > 5_000
