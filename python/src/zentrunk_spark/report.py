"""The report job's DataFrame functions, from Python: thin wrappers over the JVM's.

Each function passes the DataFrame's JVM side (``df._jdf``) to the jar's
``io.zentrunk.spark.report.ReportFunctions`` and wraps the result, the way delta-spark's Python API
wraps its JVM classes: the rule (a KPI, Erlang B, the busy hour, IRSF, Wangiri) has one
implementation, the jar's, and the DataFrame is the one ``jobs/run report`` writes for the same CDRs and
settings (docs/reference/report-datasets.md: the datasets' columns). Nothing is computed until an action runs.

They need a local or cluster session whose JVM has the jar (:func:`zentrunk_spark.configure`); a Spark
Connect DataFrame has no JVM on the client.

Windows: ``start``/``end`` (``datetime``, naive meaning UTC, ``date`` or ISO text) are the report's
``--start``/``--end``; left out, they are taken from the data as the report does for CDRs of no known
window (the first ``end_time`` to one second after the last).
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from pyspark.errors import IllegalArgumentException
from pyspark.sql import DataFrame

Time = _dt.datetime | _dt.date | str

__all__ = [
    "attestation",
    "capacity",
    "countries",
    "erlang_b_channels",
    "fraud_signals",
    "hangup_causes",
    "kpis",
    "offered_erlangs",
    "quality",
    "quality_carriers",
    "quality_hours",
    "trunk_hours",
    "trunk_sizing",
    "wangiri_signals",
]


def _functions(df: DataFrame) -> Any:
    if not hasattr(df, "_jdf"):
        raise TypeError(
            "zentrunk_spark.report needs a local or cluster session (zentrunk_spark.configure): a Spark Connect "
            "DataFrame has no JVM on the client; run jobs/run report where the data is"
        )
    jvm = df.sparkSession.sparkContext._jvm
    assert jvm is not None
    return jvm.io.zentrunk.spark.report.ReportFunctions


def _call(df: DataFrame, name: str, *args: Any) -> DataFrame:
    try:
        jdf = getattr(_functions(df), name)(df._jdf, *args)
    except IllegalArgumentException as e:
        message = e.getMessage() if hasattr(e, "getMessage") else str(e)
        raise ValueError(f"zentrunk_spark.report.{name}: " + (message or str(e)).strip().splitlines()[0]) from None
    return DataFrame(jdf, df.sparkSession)


def _instant(value: Time | None, name: str) -> str | None:
    """An ISO-8601 instant (``2026-10-01T00:00:00Z``), as ``java.time.Instant.parse`` takes it."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{name} must be an ISO date or time, not '{value}'") from None
    if not isinstance(value, _dt.datetime):
        if not isinstance(value, _dt.date):
            raise TypeError(f"{name} takes a datetime, date or ISO text, not {type(value).__name__}")
        value = _dt.datetime.combine(value, _dt.time())
    if value.tzinfo is not None:
        value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"


def _day(value: _dt.date | str, name: str) -> str:
    if isinstance(value, _dt.datetime):
        raise TypeError(f"{name} is a day: give a date, not a datetime")
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        return _dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an ISO date (2026-10-01), not '{value}'") from None


def hangup_causes(cdrs: DataFrame) -> DataFrame:
    """The report's ``hangup_causes``: calls by hangup cause and source."""
    return _call(cdrs, "hangupCauses")


def countries(cdrs: DataFrame) -> DataFrame:
    """The report's ``countries``: calls, answered calls and amounts by direction and country."""
    return _call(cdrs, "countries")


def attestation(cdrs: DataFrame) -> DataFrame:
    """The report's ``attestation``: STIR/SHAKEN attestation of outbound calls by day."""
    return _call(cdrs, "attestation")


def kpis(cdrs: DataFrame) -> DataFrame:
    """The report's ``kpis`` by day, direction and destination country: ASR, NER, short calls, cost per minute."""
    return _call(cdrs, "kpis")


def capacity(cdrs: DataFrame, start: Time | None = None, end: Time | None = None) -> DataFrame:
    """The report's ``capacity``: calls per UTC hour of the window, peak concurrency and calls per second."""
    return _call(cdrs, "capacity", _instant(start, "start"), _instant(end, "end"))


def trunk_hours(cdrs: DataFrame, start: Time | None = None, end: Time | None = None) -> DataFrame:
    """The report's ``trunk_hours``: each trunk's carried and offered traffic (Erlangs) by UTC hour of the window."""
    return _call(cdrs, "trunkHours", _instant(start, "start"), _instant(end, "end"))


def trunk_sizing(
    cdrs: DataFrame,
    start: Time | None = None,
    end: Time | None = None,
    *,
    grade_of_service: float = 0.01,
    channels: int | str | None = None,
    cps_limit: int | str | None = None,
) -> DataFrame:
    """The report's ``trunk_sizing``: per trunk and day, and per trunk for the window (``day`` NULL), the busy
    hour (by offered traffic), its carried and offered Erlangs and the Erlang B channels at ``grade_of_service`` on
    the offered traffic (and on the carried, for comparison), compared with the limits.

    Args:
        cdrs: the calls, both directions as the report reads them (a trunk's channels carry both).
        grade_of_service: the Erlang B blocking allowed, in (0, 1) (the report's ``--grade-of-service``).
        channels, cps_limit: the report's ``--channels``/``--cps-limit``: ``N`` for every trunk or
            ``"TRUNK=N,..."``; None: no limit.

    Raises:
        ValueError: a value out of range, in one line naming it.
    """
    return _call(
        cdrs,
        "trunkSizing",
        _instant(start, "start"),
        _instant(end, "end"),
        float(grade_of_service),
        None if channels is None else str(channels),
        None if cps_limit is None else str(cps_limit),
    )


def erlang_b_channels(cdrs: DataFrame, erlangs: float, grade_of_service: float = 0.01) -> int:
    """The fewest channels whose Erlang B blocking at ``erlangs`` is at most ``grade_of_service`` (the JVM's
    ``ErlangB``, through the session of ``cdrs``)."""
    try:
        return int(_functions(cdrs).erlangBChannels(float(erlangs), float(grade_of_service)))
    except IllegalArgumentException as e:
        raise ValueError("zentrunk_spark.report.erlang_b_channels: " + str(e).strip().splitlines()[0]) from None


def offered_erlangs(
    cdrs: DataFrame, carried_erlangs: float, refusals: int, mean_holding_seconds: float | None
) -> float | None:
    """The traffic offered to a trunk, as ``trunk_hours`` and ``trunk_sizing`` estimate it (the JVM's
    ``OfferedTraffic``, through the session of ``cdrs``): ``carried_erlangs`` plus the ``refusals`` (attempts
    ended 5180 or 5190) times the trunk's ``mean_holding_seconds``. With no refusal it is the carried traffic; with
    refusals and no holding time (None: the trunk carried no call) it cannot be estimated: None. Retries count as
    refusals, so under congestion it is an upper bound of the fresh demand."""
    try:
        value = _functions(cdrs).offeredErlangs(
            float(carried_erlangs), int(refusals), None if mean_holding_seconds is None else float(mean_holding_seconds)
        )
    except IllegalArgumentException as e:
        message = e.getMessage() if hasattr(e, "getMessage") else str(e)
        first = (message or str(e)).strip().splitlines()[0]
        raise ValueError("zentrunk_spark.report.offered_erlangs: " + first) from None
    return None if value is None else float(value)


def quality(insights: DataFrame, cdrs: DataFrame) -> DataFrame:
    """The report's ``quality`` (``--quality``): per day, trunk, destination country and terminating carrier, the
    calls measured, post-dial delay p50/p95, jitter, packet loss and RTT p95, the mean score and the share below 3,
    from the ``call_insights`` rows (``table="call_insights"``) and the calls' CDRs (for ``to_country``)."""
    return _call(insights, "quality", cdrs._jdf)


def quality_carriers(insights: DataFrame, threshold: float = 0.5) -> DataFrame:
    """The report's ``quality_carriers``: each terminating carrier over the window, worst median score first,
    ``flagged`` when its median is more than ``threshold`` points below the account's (``--quality-threshold``)."""
    return _call(insights, "qualityCarriers", float(threshold))


def quality_hours(insights: DataFrame) -> DataFrame:
    """The report's ``quality_hours``: the mean score by UTC hour, of the account and of each carrier."""
    return _call(insights, "qualityHours")


def fraud_signals(cdrs: DataFrame, first_day: _dt.date | str, covered_from: _dt.date | str | None = None) -> DataFrame:
    """The report's ``fraud_signals`` (IRSF, the report's default rule): the flagged days and destinations from
    ``first_day`` on. ``cdrs`` holds those days and the baseline days before them; ``covered_from`` is the first
    day they cover completely (default: ``first_day``, so the first day has no baseline and is not judged)."""
    return _call(cdrs, "fraudSignals", _day(first_day, "first_day"), _day(covered_from or first_day, "covered_from"))


def wangiri_signals(
    cdrs: DataFrame,
    *,
    one_ring_seconds: int | None = None,
    callback_hours: int | None = None,
    block_digits: int | None = None,
    min_numbers: int | None = None,
    min_callbacks: int | None = None,
) -> DataFrame:
    """The report's ``wangiri_signals``: one-ring calls by day and calling prefix, their callbacks and the flag.
    A value left out is the report's default (its ``--one-ring-seconds`` ... ``--wangiri-min-callbacks``)."""
    given = (one_ring_seconds, callback_hours, block_digits, min_numbers, min_callbacks)
    if all(v is None for v in given):
        return _call(cdrs, "wangiriSignals")
    jvm = cdrs.sparkSession.sparkContext._jvm
    assert jvm is not None
    d = getattr(jvm.io.zentrunk.spark.report, "Wangiri$Rule").defaults()
    defaults = (d.oneRingSeconds(), d.callbackHours(), d.blockDigits(), d.minNumbers(), d.minCallbacks())
    values = [int(v if v is not None else dv) for v, dv in zip(given, defaults, strict=True)]
    return _call(cdrs, "wangiriSignals", *values)
