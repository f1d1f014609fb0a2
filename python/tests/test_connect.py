"""Spark Connect: a server from the Maven jars of the build's Spark version (jobs/connect-server:
Spark's own SparkConnectServer main, the connector jar on --jars) and a Python client that has
nothing but the remote URL, running docs/spark-connect.md's block verbatim."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import AUTH_ID, AUTH_TOKEN, NOW, REPO, Emulator
from readme import the_block_run_by

RUNNER = "python/tests/test_connect.py"

# Root WARN as jobs/log4j2.properties, plus the line that names the port the server bound.
LOG4J = """
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = stderr
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.utils.name = org.apache.spark.util.Utils
logger.utils.level = info
logger.connect.name = org.apache.spark.sql.connect.service
logger.connect.level = info
"""
PORT_LINE = re.compile(r"(?:'SparkConnect\w*' on port |Spark Connect server started at: \S*?:)(\d+)")

REPORT = """
import json as _json, sys as _sys
from pyspark.errors import IllegalArgumentException as _Bad
_by_country = cdrs.filter("call_direction = 'outbound'").groupBy("to_country").count().collect()
_q = "SELECT hangup_source, count(*) AS calls, sum(total_amount) AS amount FROM calls GROUP BY hangup_source"
_by_source = spark.sql(_q).collect()
import zentrunk_spark as _zs
try:
    _zs.read(spark, start="2026-10-01", end="2026-10-02", concurrency=0)
    _bad = None
except _zs.OptionError as _e:
    _bad = str(_e)
_json.dump({
    "session": type(spark).__module__,
    "by_country": {r["to_country"]: r["count"] for r in _by_country},
    "by_source": {r["hangup_source"]: [r["calls"], str(r["amount"])] for r in _by_source},
    "bad_option": _bad,
}, open(_sys.argv[1], "w"))
"""


@pytest.fixture(scope="module")
def connect_url(emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("connect")
    (tmp / "log4j2.properties").write_text(LOG4J)
    env = {
        **os.environ,
        "PLIVO_AUTH_ID": AUTH_ID,
        "PLIVO_AUTH_TOKEN": AUTH_TOKEN,
        "ZENTRUNK_LOG4J": str(tmp / "log4j2.properties"),
    }
    server = subprocess.Popen(
        [
            str(REPO / "jobs" / "connect-server"),
            "--port",
            "0",
            "--conf",
            f"spark.datasource.zentrunk.api_url={emulator.url}",
            "--conf",
            f"spark.datasource.zentrunk.now={NOW}",
        ],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    port = None
    deadline = time.monotonic() + 300
    while port is None:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            server.kill()
            raise AssertionError(
                "no port line from the Spark Connect server in 300 s:\n" + "".join(seen[-40:])
            ) from None
        seen.append(line)
        m = PORT_LINE.search(line)
        if m and int(m.group(1)) > 0:
            port = int(m.group(1))
    yield f"sc://127.0.0.1:{port}"
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def test_the_readme_connect_block_reads_exactly_through_a_connect_server(
    emulator: Emulator, connect_url: str, tmp_path: Path
) -> None:
    script = tmp_path / "connect_block.py"
    script.write_text(_connect_block() + REPORT)
    # The client's environment: the remote URL and nothing else of this project (no credentials, no jar).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLIVO_", "SPARK_"))}
    env["SPARK_REMOTE"] = connect_url
    run = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "result.json")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    result = json.loads((tmp_path / "result.json").read_text())
    assert result["session"].startswith("pyspark.sql.connect")

    records = emulator.records("2026-10-01 00:00:00", "2026-10-02 00:00:00")
    assert result["by_country"] == dict(Counter(r["to_country"] for r in records if r["call_direction"] == "outbound"))
    calls = Counter(r["hangup_source"] for r in records)
    amount: dict[str, Decimal] = {}
    for r in records:
        amount[r["hangup_source"]] = amount.get(r["hangup_source"], Decimal(0)) + Decimal(r["total_amount"])
    assert {k: (n, Decimal(a)) for k, (n, a) in result["by_source"].items()} == {
        k: (calls[k], amount[k]) for k in calls
    }
    # the server's jar checks options for a Connect client too, with the same one line
    assert result["bad_option"] == "Option 'concurrency' must be from 1 to 256, not 0"
    assert "|to_country|count|" in run.stdout and "|hangup_source|calls|" in run.stdout


def _connect_block() -> str:
    """docs/spark-connect.md's block: nothing of zentrunk_spark, the client needs only the URL."""
    block = the_block_run_by(RUNNER)
    assert "SPARK_REMOTE" in block and "zentrunk_spark" not in block
    return block
