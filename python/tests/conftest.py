"""Fixtures: the emulator as a child process on a free loopback port, its ground truth, a local session."""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pyspark.sql import SparkSession

import zentrunk_spark

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-11-01T00:00:00Z"
AUTH_ID = "MAEMULATOR0000000000"
AUTH_TOKEN = "emulator-token"


@dataclass
class Emulator:
    """A running `jobs/run emulator` and what it says about itself over HTTP."""

    url: str
    process: subprocess.Popen[str]

    def _get(self, path: str, **query: str) -> Any:
        q = ("?" + urllib.parse.urlencode(query)) if query else ""
        with urllib.request.urlopen(self.url + path + q, timeout=60) as r:
            return json.loads(r.read(), parse_float=Decimal)

    def list_requests(self) -> int:
        """Requests of the list call served so far (the admin endpoints are not counted)."""
        return int(self._get("/_emulator/stats")["list_requests"])

    def stats(self) -> dict[str, Any]:
        return dict(self._get("/_emulator/stats"))

    def truth_uuids(self, start: str, end: str) -> set[str]:
        """The emulator's ground truth: every call_uuid with start <= end_time < end."""
        t = self._get("/_emulator/truth", start=start, end=end)
        assert t["count"] == len(t["call_uuids"])
        return set(t["call_uuids"])

    def records(self, start: str, end: str) -> list[dict[str, Any]]:
        """Every CDR of the window as the API serves it (JSON, money as Decimal), paged by hand.

        Checked against the ground truth's call_uuids, so the records are exactly the truth's, with
        their fields: the oracle for filters, sums and types, independent of the connector and Spark.
        """
        out: list[dict[str, Any]] = []
        base = f"/v1/Account/{AUTH_ID}/Zentrunk/Call/"
        query = {
            "end_time__gte": start.replace("T", " ").rstrip("Z"),
            "end_time__lt": end.replace("T", " ").rstrip("Z"),
        }
        offset = 0
        while True:
            req = urllib.request.Request(
                self.url + base + "?" + urllib.parse.urlencode({**query, "limit": "20", "offset": str(offset)})
            )
            req.add_header("Authorization", "Basic " + _basic(AUTH_ID, AUTH_TOKEN))
            with urllib.request.urlopen(req, timeout=60) as r:
                page = json.loads(r.read(), parse_float=Decimal)
            out.extend(page["objects"])
            offset += 20
            if offset >= page["meta"]["total_count"]:
                break
        uuids = [o["call_uuid"] for o in out]
        assert len(set(uuids)) == len(uuids), "paging by hand returned a CDR twice"
        assert set(uuids) == self.truth_uuids(start, end), "the API's records are not the ground truth"
        return out


def _basic(user: str, password: str) -> str:
    import base64

    return base64.b64encode(f"{user}:{password}".encode()).decode()


def pages(n: int) -> int:
    return math.ceil(n / 20)


def start_emulator(*args: str) -> Emulator:
    """`jobs/run emulator --port 0 ...`: the port is the kernel's choice, read from its first line."""
    p = subprocess.Popen(
        [str(REPO / "jobs" / "run"), "emulator", "--port", "0", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert p.stdout is not None
    line = p.stdout.readline()
    m = re.search(r"serving (http://127\.0\.0\.1:\d+)", line)
    if m is None:
        p.kill()
        raise RuntimeError("the emulator did not start: " + line)
    return Emulator(m.group(1), p)


def stop(e: Emulator) -> None:
    e.process.terminate()
    try:
        e.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        e.process.kill()
        e.process.wait()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """2,000 calls a day, clock fixed at NOW, rate limit off (request counts are the claim, not pacing)."""
    e = start_emulator("--now", NOW, "--seed", "3", "--calls-per-day", "2000", "--rate-limit", "0")
    yield e
    stop(e)


@pytest.fixture(scope="session")
def api(emulator: Emulator) -> dict[str, str]:
    """The options that point a read at the emulator."""
    return {"api_url": emulator.url, "auth_id": AUTH_ID, "auth_token": AUTH_TOKEN, "now": NOW}


@pytest.fixture(scope="session")
def spark() -> Iterator[SparkSession]:
    builder = (
        SparkSession.builder.master("local[2]")
        .appName("zentrunk-spark pytest")
        .config("spark.ui.enabled", "false")
        # Arrow must be used, not silently skipped
        .config("spark.sql.execution.arrow.pyspark.fallback.enabled", "false")
    )
    session = zentrunk_spark.configure(builder).getOrCreate()
    yield session
    session.stop()


# cdr-explorer's own emulator (its default seed, the calls a day and clock the notebook test injects) and
# the window the notebook test reads: the report job over the same data.
NOTEBOOK_SEED = "42"
NOTEBOOK_CALLS_PER_DAY = 2000
REPORT_START, REPORT_END = "2026-10-29T00:00:00Z", "2026-11-01T00:00:00Z"


@dataclass
class ReportRun:
    """What `jobs/run report` wrote (its datasets as Parquet folders) and the emulator it read."""

    output: Path
    emulator: Emulator

    def options(self) -> dict[str, str]:
        return {"api_url": self.emulator.url, "auth_id": AUTH_ID, "auth_token": AUTH_TOKEN, "now": NOW}


@pytest.fixture(scope="session")
def report_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportRun]:
    """The report job (spark-submit's code path, jobs/run) over REPORT_START..REPORT_END of an emulator seeded as
    cdr-explorer's, no baseline days read (the notebook reads none either)."""
    e = start_emulator(
        "--now", NOW, "--seed", NOTEBOOK_SEED, "--calls-per-day", str(NOTEBOOK_CALLS_PER_DAY), "--rate-limit", "0"
    )
    try:
        out = tmp_path_factory.mktemp("report") / "out"
        run = subprocess.run(
            [
                str(REPO / "jobs" / "run"),
                "report",
                "--start",
                REPORT_START,
                "--end",
                REPORT_END,
                "--output",
                str(out),
                "--api-url",
                e.url,
                "--now",
                NOW,
                "--no-fraud-baseline-read",
            ],
            cwd=REPO,
            env={**os.environ, "PLIVO_AUTH_ID": AUTH_ID, "PLIVO_AUTH_TOKEN": AUTH_TOKEN},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert run.returncode == 0, run.stderr[-4000:]
        yield ReportRun(out, e)
    finally:
        stop(e)
