"""``zentrunk_spark.read``: the options as the jar takes them, checked by the jar."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

from pyspark.errors import IllegalArgumentException
from pyspark.sql import DataFrame, SparkSession

from . import _errors

#: What an option's value may be in Python. Times (``start``, ``end``, ``now``) also take a
#: ``datetime`` (naive means UTC, as the source's text times) or a ``date`` (its midnight, UTC);
#: durations (``lag``, ``timeout``, ...) a ``timedelta``.
OptionValue = str | int | bool | _dt.datetime | _dt.date | _dt.timedelta


class OptionError(ValueError):
    """A bad option, with the source's own one-line message naming it (no request was sent)."""


def _text(value: OptionValue) -> str:
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.timedelta):
        return _duration(value)
    if isinstance(value, (_dt.date, int, str)):
        return str(value) if not isinstance(value, _dt.date) else value.isoformat()
    raise TypeError(f"a zentrunk option takes str, int, bool, datetime, date or timedelta, not {type(value).__name__}")


def _duration(value: _dt.timedelta) -> str:
    """A duration as the source's text: "90 seconds", or "1500 milliseconds"/"N microseconds" when not whole.

    The source parses it (and refuses, in one line, a value out of the option's range, e.g. negative)."""
    micros = value // _dt.timedelta(microseconds=1)
    if micros % 1_000_000 == 0:
        return f"{micros // 1_000_000} seconds"
    if micros % 1000 == 0:
        return f"{micros // 1000} milliseconds"
    return f"{micros} microseconds"


def read(
    spark: SparkSession,
    start: OptionValue | None = None,
    end: OptionValue | None = None,
    **options: OptionValue,
) -> DataFrame:
    """The account's CDRs of ``start <= end_time < end`` (UTC) as a DataFrame.

    Equal to ``spark.read.format("zentrunk").option("start", start).option("end", end)
    .options(**options).load()``, with Python values turned into the source's text (``True`` is
    ``"true"``, a ``datetime`` an exact UTC time) and the options checked before it returns.

    Args:
        spark: a session whose JVM has the jar (:func:`zentrunk_spark.configure`), or a Spark
            Connect session whose server has it.
        start: the first ``end_time`` read (inclusive); default: ``end`` minus 30 days.
        end: the end of the window (exclusive); default: now.
        **options: any other option of the source (docs/reference/read-options.md), e.g. ``call_direction="outbound"``,
            ``bill_duration__gt=60``, ``api_url=...``; names are case-insensitive.

    Returns:
        The typed DataFrame (docs/reference/schemas.md); nothing is read until an action runs, and
        filters on it are pushed into the API.

    On a local or cluster session, a read that then fails in the connector (a 401, an API down
    past ``max_retries``) raises :class:`zentrunk_spark.ZentrunkError` with the connector's
    one-line message instead of py4j's page of JVM stack.

    Raises:
        OptionError: an unknown option or a bad value, with the jar's one-line message naming the
            option (the jar's declarations are the only list of options; it checks them when the
            DataFrame is made, before any request).
        TypeError: a value of a type no option takes.
    """
    given: dict[str, OptionValue | None] = {"start": start, "end": end, **options}
    text = {k: _text(v) for k, v in given.items() if v is not None}
    if not type(spark).__module__.startswith("pyspark.sql.connect"):
        _errors.install()
    return _checked(lambda: spark.read.format("zentrunk").options(**text).load())


def read_stream(spark: SparkSession, start: OptionValue | None = None, **options: OptionValue) -> DataFrame:
    """The account's CDRs as a streaming DataFrame: ``spark.readStream.format("zentrunk")``.

    The options of :func:`read` plus the stream's own (docs/streaming.md): ``lag`` (a ``timedelta`` or
    the source's text, "10 minutes"), ``max_requests_per_trigger``; ``start`` is where a new query
    begins (default: the last 24 hours). Checked the same way, before any request.

    Raises:
        OptionError: an unknown option or a bad value, with the jar's one-line message naming it.
        TypeError: a value of a type no option takes.
    """
    given: dict[str, OptionValue | None] = {"start": start, **options}
    text = {k: _text(v) for k, v in given.items() if v is not None}
    if not type(spark).__module__.startswith("pyspark.sql.connect"):
        _errors.install()
    return _checked(lambda: spark.readStream.format("zentrunk").options(**text).load())


def _checked(load: Callable[[], DataFrame]) -> DataFrame:
    try:
        df = load()
        # A Spark Connect DataFrame is analysed lazily; its schema makes the server resolve the
        # source now, which parses (and refuses) the options there, still before any request.
        df.schema  # noqa: B018
    except IllegalArgumentException as e:
        raise OptionError(_first_line(e)) from None
    return df


def _first_line(e: IllegalArgumentException) -> str:
    message = e.getMessage() if hasattr(e, "getMessage") else str(e)
    return (message or str(e)).strip().splitlines()[0]
