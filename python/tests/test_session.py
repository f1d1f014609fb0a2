"""Where the package meets a session: streaming reads, durations, the Iceberg runtime of the Spark line, and
one-line errors in sessions that configure() made, whatever reads."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyspark
import pytest
from pyspark.sql import SparkSession

import zentrunk_spark
from zentrunk_spark._read import _text

from conftest import AUTH_ID, NOW, REPO, Emulator

START = "2026-10-01 00:00:00"


def test_durations_are_the_source_s_text() -> None:
    assert _text(dt.timedelta(minutes=10)) == "600 seconds"
    assert _text(dt.timedelta(seconds=1.5)) == "1500 milliseconds"
    assert _text(dt.timedelta(microseconds=7)) == "7 microseconds"
    assert _text(dt.timedelta(seconds=-5)) == "-5 seconds"


def test_read_stream_takes_a_timedelta_lag_and_checks_options_in_one_line_before_any_request(
    spark: SparkSession, emulator: Emulator, api: dict[str, str]
) -> None:
    before = emulator.list_requests()
    df = zentrunk_spark.read_stream(spark, start=START, lag=dt.timedelta(minutes=2), **api)
    assert df.isStreaming
    assert [f.name for f in df.schema.fields] == [
        f.name for f in zentrunk_spark.read(spark, start=START, end="2026-10-02", **api).schema.fields
    ]
    with pytest.raises(zentrunk_spark.OptionError) as e:
        zentrunk_spark.read_stream(spark, start=START, lag=dt.timedelta(seconds=-5), **api)
    assert "lag" in str(e.value) and "\n" not in str(e.value), str(e.value)
    with pytest.raises(zentrunk_spark.OptionError, match="max_requests_per_trigger"):
        zentrunk_spark.read_stream(spark, start=START, max_requests_per_trigger=0, **api)
    assert emulator.list_requests() == before


def test_a_stream_reads_the_calls_of_its_batches(
    spark: SparkSession, emulator: Emulator, api: dict[str, str], tmp_path: Path
) -> None:
    """An availableNow query from a timedelta lag: the emulator's calls of the window it read, each once."""
    df = zentrunk_spark.read_stream(
        spark, start="2026-10-31 22:00:00", lag=dt.timedelta(minutes=10), max_requests_per_trigger=400, **api
    )
    q = (
        df.writeStream.format("memory")
        .queryName("zentrunk_stream_test")
        .option("checkpointLocation", str(tmp_path / "checkpoint"))
        .trigger(availableNow=True)
        .start()
    )
    q.awaitTermination(300)
    assert q.exception() is None
    got = [r.call_uuid for r in spark.sql("SELECT call_uuid FROM zentrunk_stream_test").collect()]
    # the clock is NOW (2026-11-01 00:00): the offset stops 10 minutes behind it
    truth = emulator.truth_uuids("2026-10-31 22:00:00", "2026-10-31 23:50:00")
    assert got and len(got) == len(set(got)) and set(got) == truth


def test_the_iceberg_runtime_is_the_one_built_for_the_spark_line() -> None:
    assert zentrunk_spark.iceberg_package("4.0.5") == "org.apache.iceberg:iceberg-spark-runtime-4.0_2.13:1.11.0"
    assert zentrunk_spark.iceberg_package("4.1.2") == "org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.12.0"
    line = ".".join(pyspark.__version__.split(".")[:2])
    assert f"iceberg-spark-runtime-{line}_2.13:" in zentrunk_spark.iceberg_package()
    with pytest.raises(zentrunk_spark.IcebergUnavailable) as e:
        zentrunk_spark.iceberg_package("4.2.1")
    assert str(e.value).startswith("Iceberg publishes no Spark runtime for Spark 4.2 ") and "\n" not in str(e.value)


def test_the_iceberg_versions_are_the_jobs_ones() -> None:
    """The lake's jobs take Iceberg from jobs/spark/<line>/pom.xml: Python names the same version per line."""
    from zentrunk_spark._session import ICEBERG_RUNTIMES

    for line, version in ICEBERG_RUNTIMES.items():
        pom = (REPO / "jobs" / "spark" / line / "pom.xml").read_text()
        m = re.search(
            rf"<artifactId>iceberg-spark-runtime-{re.escape(line)}_2\.13</artifactId>\s*<version>([^<]+)</version>", pom
        )
        assert m is not None and m.group(1) == version, line


def test_configure_with_iceberg_adds_the_line_s_runtime() -> None:
    options = zentrunk_spark.configure(SparkSession.builder, iceberg=True)._options
    jar = options["spark.jars"].split(",")
    try:
        local = str(zentrunk_spark.iceberg_jar())
    except FileNotFoundError:
        # not in the local Maven repository: Spark downloads it
        assert zentrunk_spark.iceberg_package() in options["spark.jars.packages"].split(",")
    else:
        assert jar == [str(zentrunk_spark.jar_path()), local]
    given = zentrunk_spark.configure(SparkSession.builder, iceberg="/opt/iceberg.jar")._options["spark.jars"]
    assert given.split(",")[-1] == "/opt/iceberg.jar"


# Run in a fresh Python: read() is never called there, so nothing but configure() can have installed the
# one-line errors.
FORMAT_AND_VIEW = """
import json, sys
from pyspark.sql import SparkSession
import zentrunk_spark
url, auth_id, now, out = sys.argv[1:5]
spark = zentrunk_spark.configure(
    SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")).getOrCreate()
opts = {"api_url": url, "auth_id": auth_id, "auth_token": "not-the-token", "start": "2026-10-01",
        "end": "2026-10-02", "now": now}
result = {}
try:
    spark.read.format("zentrunk").options(**opts).load().count()
except zentrunk_spark.ZentrunkError as e:
    result["format"] = [str(e), e.status]
spark.sql("CREATE TEMPORARY VIEW calls USING zentrunk OPTIONS ("
          + ", ".join(f"{k} '{v}'" for k, v in opts.items()) + ")")
try:
    spark.sql("SELECT count(*) FROM calls").collect()
except zentrunk_spark.ZentrunkError as e:
    result["view"] = [str(e), e.status]
json.dump(result, open(out, "w"))
spark.stop()
"""


def test_spark_read_format_and_sql_views_fail_in_one_line_in_a_configured_session(
    emulator: Emulator, tmp_path: Path
) -> None:
    script = tmp_path / "format_and_view.py"
    script.write_text(FORMAT_AND_VIEW)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PLIVO_", "SPARK_"))}
    run = subprocess.run(
        [sys.executable, str(script), emulator.url, AUTH_ID, NOW, str(tmp_path / "result.json")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    result = json.loads((tmp_path / "result.json").read_text())
    assert set(result) == {"format", "view"}, result
    for message, status in result.values():
        assert status == 401
        assert message.startswith("the API answered 401: authentication failed"), message
        assert "\n" not in message and "not-the-token" not in message
