"""zentrunk_spark.report: the report job's DataFrame functions from Python return the rows the job writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from pyspark.sql import DataFrame, SparkSession

import zentrunk_spark
from zentrunk_spark import report

from conftest import REPORT_END, REPORT_START, ReportRun

FIRST_DAY = dt.date(2026, 10, 29)

# each dataset the report writes, and the Python call that should return its rows (the report's defaults)
DATASETS: dict[str, Callable[[DataFrame], DataFrame]] = {
    "hangup_causes": report.hangup_causes,
    "countries": report.countries,
    "attestation": report.attestation,
    "kpis": report.kpis,
    "capacity": lambda c: report.capacity(c, REPORT_START, REPORT_END),
    "trunk_hours": lambda c: report.trunk_hours(c, REPORT_START, REPORT_END),
    "trunk_sizing": lambda c: report.trunk_sizing(c, REPORT_START, REPORT_END, grade_of_service=0.01),
    # no baseline read: the window's first day is where the data starts, so it is not judged
    "fraud_signals": lambda c: report.fraud_signals(c, first_day=FIRST_DAY),
    "wangiri_signals": report.wangiri_signals,
}


def rows(df: DataFrame) -> list[tuple[Any, ...]]:
    return sorted((tuple(r) for r in df.collect()), key=repr)


@pytest.fixture(scope="module")
def cdrs(spark: SparkSession, report_run: ReportRun) -> Any:
    df = zentrunk_spark.read(spark, start=REPORT_START, end=REPORT_END, **report_run.options()).cache()
    yield df
    df.unpersist()


@pytest.mark.parametrize("name", list(DATASETS))
def test_the_python_function_returns_the_rows_the_report_job_wrote(
    spark: SparkSession, report_run: ReportRun, cdrs: DataFrame, name: str
) -> None:
    written = spark.read.parquet(str(report_run.output / name))
    got = DATASETS[name](cdrs)
    assert got.columns == written.columns
    expected = rows(written)
    assert rows(got) == expected
    if name not in ("fraud_signals", "wangiri_signals"):  # signals may rightly be none on normal traffic
        assert expected, f"the report wrote no {name} rows: the comparison would prove nothing"


def test_the_window_defaults_to_the_data_as_the_report_does(cdrs: DataFrame) -> None:
    """Without start/end the hours run from the first end_time's hour to the last: a subset of the window's."""
    whole = {tuple(r) for r in report.trunk_hours(cdrs, REPORT_START, REPORT_END).collect()}
    from_data = {tuple(r) for r in report.trunk_hours(cdrs).collect()}
    assert from_data and from_data <= whole


def test_erlang_b_is_the_jvm_rule(cdrs: DataFrame) -> None:
    # 1% at 10 Erlangs needs 18 channels (the Erlang B table); nothing offered needs none
    assert report.erlang_b_channels(cdrs, 10.0, 0.01) == 18
    assert report.erlang_b_channels(cdrs, 0.0) == 0


def test_offered_erlangs_is_the_jvm_estimator(cdrs: DataFrame) -> None:
    # 2 carried Erlangs and 360 refusals of a trunk holding 60 s on average: 2 + 360 x 60 / 3600 = 8 offered
    assert report.offered_erlangs(cdrs, 2.0, 360, 60.0) == pytest.approx(8.0)
    assert report.offered_erlangs(cdrs, 2.0, 0, None) == 2.0
    assert report.offered_erlangs(cdrs, 0.0, 5, None) is None
    with pytest.raises(ValueError, match=r"^zentrunk_spark\.report\.offered_erlangs: refusals must be >= 0"):
        report.offered_erlangs(cdrs, 1.0, -1, 60.0)
    # the report's column is the same rule: every hour's offered traffic from its own carried traffic and refusals
    for r in report.trunk_hours(cdrs, REPORT_START, REPORT_END).collect():
        refusals = r.cps_rejections + r.channel_rejections
        assert r.offered_erlangs == report.offered_erlangs(cdrs, r.carried_erlangs, refusals, r.mean_holding_seconds)


def test_bad_values_are_one_line_naming_them(cdrs: DataFrame) -> None:
    with pytest.raises(ValueError, match=r"^zentrunk_spark.report.trunkSizing: grade of service must be in \(0,1\)"):
        report.trunk_sizing(cdrs, grade_of_service=1.5)
    with pytest.raises(ValueError, match=r"channels must be N or TRUNK=N,\.\.\. .*not 'lots'$") as e:
        report.trunk_sizing(cdrs, channels="lots")
    assert "\n" not in str(e.value)
    with pytest.raises(ValueError, match="--one-ring-seconds must be in"):
        report.wangiri_signals(cdrs, one_ring_seconds=0)
    with pytest.raises(ValueError, match="first_day must be an ISO date"):
        report.fraud_signals(cdrs, first_day="yesterday")
