"""``zentrunk_spark.to_pandas``: CDRs in pandas with exact money and UTC-aware times."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyspark.sql import DataFrame
from pyspark.sql.types import TimestampType

if TYPE_CHECKING:
    import pandas

_UTC_NAMES = {"UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "+00:00", "Zulu", "Etc/Zulu", "UCT", "Etc/UCT"}


def to_pandas(df: DataFrame) -> pandas.DataFrame:
    """``df.toPandas()`` with the timestamp columns tz-aware UTC and money as ``decimal.Decimal``.

    Spark's ``toPandas()`` turns timestamps into naive wall times of the session time zone; this
    marks them UTC (the session time zone must be UTC, as :func:`zentrunk_spark.configure` sets
    it). Decimal columns (``total_amount``, ``sum(total_amount)``, rates) stay exact
    ``Decimal`` objects, as Spark gives them, never floats: convert where a chart needs floats
    (``pdf["amount"].astype(float)``). With ``spark.sql.execution.arrow.pyspark.enabled`` on
    (``configure`` sets it) the transfer goes through Arrow.

    Raises:
        ValueError: the session time zone is not UTC (naive wall times of another zone are
            ambiguous at daylight-saving changes).
    """
    zone = df.sparkSession.conf.get("spark.sql.session.timeZone")
    if zone not in _UTC_NAMES:
        raise ValueError(
            "zentrunk_spark.to_pandas needs spark.sql.session.timeZone=UTC "
            f"(zentrunk_spark.configure sets it), not {zone}"
        )
    pdf = df.toPandas()
    for field in df.schema.fields:
        if isinstance(field.dataType, TimestampType):
            pdf[field.name] = pdf[field.name].dt.tz_localize("UTC")
    return pdf
