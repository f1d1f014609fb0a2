"""The session side: where the jar is, and what a session needs to read with it."""

from __future__ import annotations

import os
from pathlib import Path

from pyspark.sql import SparkSession

_JARS = Path(__file__).resolve().parent / "jars"


def jar_path() -> Path:
    """The connector's jar inside this package: for ``--jars`` of spark-submit, or a Spark Connect server.

    Raises:
        FileNotFoundError: the package was not built with the jar (install the wheel that
            ``pip install ./python`` builds after ``mvn package``).
    """
    jars = sorted(_JARS.glob("zentrunk-spark-*.jar"))
    if len(jars) != 1:
        raise FileNotFoundError(
            f"zentrunk_spark: expected one zentrunk-spark-*.jar in {_JARS}, found {len(jars)}: "
            "install the wheel built after 'mvn package' (pip install ./python)"
        )
    return jars[0]


def _is_remote(builder: SparkSession.Builder) -> bool:
    options = getattr(builder, "_options", {})
    return (
        "spark.remote" in options
        or options.get("spark.api.mode") == "connect"
        or bool(os.environ.get("SPARK_REMOTE"))
        or os.environ.get("SPARK_CONNECT_MODE_ENABLED") == "1"
    )


def configure(builder: SparkSession.Builder) -> SparkSession.Builder:
    """Returns ``builder`` set up to read ``format("zentrunk")``.

    Sets:

    * ``spark.jars``: this package's jar, added to any jars already configured. On a cluster
      (``.master("spark://...")``, YARN, Kubernetes in client mode) Spark ships it to the executors.
    * ``spark.sql.session.timeZone`` = ``UTC``: the source's windows, ``to_date``/``hour`` of
      ``end_time`` (answered from counts only in UTC) and :func:`to_pandas` are UTC.
    * ``spark.sql.execution.arrow.pyspark.enabled`` = ``true``: ``toPandas()`` through Arrow.

    The jar must be on the session before the session starts: call this before ``getOrCreate()``.
    It cannot configure a Spark Connect client: there the jar belongs on the server
    (``--jars`` of the server, see :func:`jar_path`) and the client needs only the remote URL.

    Raises:
        ValueError: ``builder`` is a Spark Connect builder (``.remote(...)``, ``SPARK_REMOTE``).
    """
    if _is_remote(builder):
        raise ValueError(
            "zentrunk_spark.configure: a Spark Connect client needs no jar; start the Spark Connect "
            f"server with --jars {jar_path()} and use the client as it is"
        )
    jar = str(jar_path())
    configured = getattr(builder, "_options", {}).get("spark.jars", "")
    jars = [j for j in configured.split(",") if j.strip()]
    if jar not in jars:
        jars.append(jar)
    return (
        builder.config("spark.jars", ",".join(jars))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
