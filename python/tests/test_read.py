"""zentrunk_spark.read against the emulator over HTTP, compared with its ground truth."""

from __future__ import annotations

import datetime as dt
import warnings
from collections import Counter
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from pyspark.sql import SparkSession

import zentrunk_spark

from conftest import AUTH_ID, Emulator, pages

START, END = "2026-10-01 00:00:00", "2026-10-02 00:00:00"


@pytest.fixture(scope="module")
def records(emulator: Emulator) -> list[dict[str, Any]]:
    return emulator.records(START, END)


def explain(df: Any, capsys: pytest.CaptureFixture[str]) -> str:
    """What df.explain() prints."""
    capsys.readouterr()
    df.explain()
    return capsys.readouterr().out


def test_a_read_with_options_is_the_ground_truth_row_for_row(
    spark: SparkSession, emulator: Emulator, api: dict[str, str], records: list[dict[str, Any]]
) -> None:
    expected = {
        r["call_uuid"] for r in records if r["call_direction"] == "outbound" and r["hangup_source"] == "carrier"
    }
    assert 0 < len(expected) < len(records)
    before = emulator.list_requests()
    df = zentrunk_spark.read(
        spark,
        start=dt.date(2026, 10, 1),
        end=dt.datetime(2026, 10, 2, tzinfo=dt.timezone.utc),
        call_direction="outbound",
        hangup_source="carrier",
        **api,
    )
    rows = df.select("call_uuid").collect()
    assert len(rows) == len(expected)
    assert {r.call_uuid for r in rows} == expected
    # the options went to the API as its filters: the pages of the filtered records only, the
    # planning probe being the first of them (a read of the whole day would cost pages(len(records)))
    assert emulator.list_requests() - before == max(1, pages(len(expected)))


def test_filters_are_pushed_into_the_api(
    spark: SparkSession,
    emulator: Emulator,
    api: dict[str, str],
    records: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    expected = {r["call_uuid"] for r in records if r["call_direction"] == "outbound" and r["bill_duration"] > 60}
    df = zentrunk_spark.read(spark, start=START, end=END, **api).filter(
        "call_direction = 'outbound' AND bill_duration > 60"
    )
    plan = explain(df, capsys)
    # bill_duration > 60 is the API's bill_duration__gte=61 (whole seconds)
    assert "ApiFilters: {bill_duration__gte=61, call_direction=outbound}" in plan, plan
    before = emulator.list_requests()
    got = {r.call_uuid for r in df.select("call_uuid").collect()}
    assert got == expected
    assert emulator.list_requests() - before == max(1, pages(len(expected)))
    assert pages(len(expected)) < pages(len(records)) / 2


def test_a_sql_view_sums_money_exactly(spark: SparkSession, api: dict[str, str], records: list[dict[str, Any]]) -> None:
    opts = ", ".join(f"{k} '{v}'" for k, v in api.items())
    spark.sql(
        f"CREATE OR REPLACE TEMPORARY VIEW calls_py USING zentrunk OPTIONS (start '{START}', end '{END}', {opts})"
    )
    rows = spark.sql(
        "SELECT to_country, count(*) AS calls, sum(total_amount) AS amount FROM calls_py GROUP BY to_country"
    ).collect()
    expected_calls = Counter(r["to_country"] for r in records)
    expected_amount: dict[str, Decimal] = {}
    for r in records:
        expected_amount[r["to_country"]] = expected_amount.get(r["to_country"], Decimal(0)) + Decimal(r["total_amount"])
    assert {r.to_country: r.calls for r in rows} == dict(expected_calls)
    assert {r.to_country: r.amount for r in rows} == expected_amount
    assert all(isinstance(r.amount, Decimal) for r in rows)


def test_a_grouped_count_is_answered_from_total_count(
    spark: SparkSession,
    emulator: Emulator,
    api: dict[str, str],
    records: list[dict[str, Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    df = zentrunk_spark.read(spark, start=START, end=END, **api).groupBy("call_direction").count()
    before = emulator.list_requests()
    got = {r.call_direction: r["count"] for r in df.collect()}
    assert got == dict(Counter(r["call_direction"] for r in records))
    # a probe of the day, then one probe per direction: 3 requests where reading costs the pages
    assert emulator.list_requests() - before == 3
    assert pages(len(records)) > 3 * 20
    assert "PushedAggregates: [COUNT(*)]" in explain(df, capsys)


def test_to_pandas_through_arrow_has_utc_times_and_decimal_money(
    spark: SparkSession, api: dict[str, str], records: list[dict[str, Any]]
) -> None:
    assert spark.conf.get("spark.sql.execution.arrow.pyspark.enabled") == "true"
    df = zentrunk_spark.read(spark, start=START, end=END, **api)
    with warnings.catch_warnings():
        # the installed pandas is one PySpark supports: no warning (PySpark warns at toPandas() for pandas 3)
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ResourceWarning)  # a socket the collector closes is not the claim
        pdf = zentrunk_spark.to_pandas(df.select("call_uuid", "end_time", "answer_time", "total_amount", "total_rate"))
    assert len(pdf) == len(records)
    assert str(pdf["end_time"].dt.tz) == "UTC" and str(pdf["answer_time"].dt.tz) == "UTC"
    by_uuid = {r["call_uuid"]: r for r in records}
    for row in pdf.itertuples():
        r = by_uuid[row.call_uuid]
        assert isinstance(row.total_amount, Decimal)
        assert row.total_amount == Decimal(r["total_amount"]) and str(row.total_amount) == r["total_amount"]
        assert row.total_rate == Decimal(r["total_rate"])
        assert row.end_time == pd.Timestamp(r["end_time"], tz="UTC")
        if r.get("answer_time"):
            assert row.answer_time == pd.Timestamp(r["answer_time"], tz="UTC")
        else:
            assert pd.isna(row.answer_time)


def test_a_bad_option_fails_in_one_line_before_any_request(
    spark: SparkSession, emulator: Emulator, api: dict[str, str]
) -> None:
    before = emulator.list_requests()
    with pytest.raises(zentrunk_spark.OptionError) as bad_value:
        zentrunk_spark.read(spark, start=START, end=END, concurrency=0, **api)
    assert str(bad_value.value) == "Option 'concurrency' must be from 1 to 256, not 0"
    with pytest.raises(zentrunk_spark.OptionError) as unknown:
        zentrunk_spark.read(spark, start=START, end=END, concurency=4, **api)
    accepted = str(unknown.value).removeprefix("Unknown option 'concurency'; the zentrunk source accepts: ")
    assert accepted != str(unknown.value), str(unknown.value)
    assert {"table", "auth_id", "concurrency"} <= set(accepted.split(", ")), accepted
    with pytest.raises(zentrunk_spark.OptionError) as window:
        zentrunk_spark.read(spark, start=END, end=START, **api)
    assert str(window.value) == (
        "Option 'start' (2026-10-02 00:00:00 UTC) must be before option 'end' (2026-10-01 00:00:00 UTC): "
        "the window is start <= end_time < end"
    )
    for e in (bad_value, unknown, window):
        assert "\n" not in str(e.value) and e.value.__cause__ is None
    with pytest.raises(TypeError, match="float"):
        zentrunk_spark.read(spark, start=START, end=END, concurrency=2.5, **api)  # type: ignore[arg-type]
    assert emulator.list_requests() == before


def test_a_401_is_one_line_naming_the_credentials(spark: SparkSession, emulator: Emulator, api: dict[str, str]) -> None:
    before = emulator.stats()["by_status"].get("401", 0)
    df = zentrunk_spark.read(spark, start=START, end=END, **{**api, "auth_token": "not-the-token"})
    with pytest.raises(zentrunk_spark.ZentrunkError) as e:
        df.select("call_uuid").collect()
    message = str(e.value)
    assert e.value.status == 401
    assert message.startswith("the API answered 401: authentication failed"), message
    assert "check auth_id and auth_token" in message and "\n" not in message
    assert "not-the-token" not in message and e.value.__cause__ is None
    assert AUTH_ID in message  # the account is named; its token never
    # refused at once: one request, no retry
    assert emulator.stats()["by_status"].get("401", 0) - before == 1


def test_configure_refuses_a_spark_connect_builder_in_one_line() -> None:
    with pytest.raises(
        ValueError, match="Spark Connect client needs no jar; start the Spark Connect server with --jars "
    ):
        zentrunk_spark.configure(SparkSession.builder.remote("sc://127.0.0.1:1"))


def test_configure_keeps_other_jars_and_adds_the_packaged_one() -> None:
    builder = zentrunk_spark.configure(SparkSession.builder.config("spark.jars", "/opt/other.jar"))
    options = builder._options
    assert options["spark.jars"] == "/opt/other.jar," + str(zentrunk_spark.jar_path())
    assert options["spark.sql.session.timeZone"] == "UTC"
    assert zentrunk_spark.jar_path().is_file() and zentrunk_spark.jar_path().name.startswith("zentrunk-spark-")
