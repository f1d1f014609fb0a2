"""The session side: where the jar is, and what a session needs to read with it."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyspark
from pyspark.sql import SparkSession

from . import _errors

_JARS = Path(__file__).resolve().parent / "jars"

#: Iceberg's Spark runtime for each Spark line: the newest Iceberg release built for it (the version in one
#: place for Python; the lake's jobs take theirs from jobs/spark/<line>/pom.xml, and a test keeps the two
#: equal). Iceberg publishes no runtime for Spark 4.2.
ICEBERG_RUNTIMES = {"4.0": "1.11.0", "4.1": "1.12.0"}
SCALA = "2.13"


class IcebergUnavailable(RuntimeError):
    """No Iceberg Spark runtime is published for the Spark line of the session."""


def _line(spark_version: str | None) -> str:
    version = spark_version or pyspark.__version__
    m = re.match(r"(\d+)\.(\d+)", version)
    if m is None:
        raise ValueError(f"not a Spark version: '{version}'")
    return f"{m.group(1)}.{m.group(2)}"


def iceberg_package(spark_version: str | None = None) -> str:
    """The Maven coordinates of Iceberg's Spark runtime for ``spark_version`` (default: this pyspark's), as
    ``spark.jars.packages`` or ``--packages`` take them: ``org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.12.0``.

    Raises:
        IcebergUnavailable: Iceberg publishes no runtime for that Spark line (one line naming it).
    """
    line = _line(spark_version)
    if line not in ICEBERG_RUNTIMES:
        raise IcebergUnavailable(
            f"Iceberg publishes no Spark runtime for Spark {line} (iceberg-spark-runtime-{line}_{SCALA}): Iceberg "
            f"tables need pyspark of a line that has one ({', '.join(sorted(ICEBERG_RUNTIMES))})"
        )
    return f"org.apache.iceberg:iceberg-spark-runtime-{line}_{SCALA}:{ICEBERG_RUNTIMES[line]}"


def iceberg_jar(spark_version: str | None = None) -> Path:
    """Iceberg's Spark runtime jar for ``spark_version`` (default: this pyspark's) in the local Maven repository
    (``~/.m2/repository``, or ``MAVEN_REPOSITORY``), where this repository's build puts it.

    Raises:
        IcebergUnavailable: Iceberg publishes no runtime for that Spark line.
        FileNotFoundError: the jar is not in the local Maven repository (one line saying how to get it).
    """
    group, artifact, version = iceberg_package(spark_version).split(":")
    repo = Path(os.environ.get("MAVEN_REPOSITORY") or Path.home() / ".m2" / "repository")
    jar = repo.joinpath(*group.split("."), artifact, version, f"{artifact}-{version}.jar")
    if not jar.is_file():
        raise FileNotFoundError(
            f"{jar} is missing: run 'mvn dependency:get -Dartifact={group}:{artifact}:{version}', or let Spark "
            "download it with configure(builder, iceberg=True)"
        )
    return jar


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


def configure(builder: SparkSession.Builder, iceberg: bool | str | Path = False) -> SparkSession.Builder:
    """Returns ``builder`` set up to read ``format("zentrunk")``, and Iceberg tables with ``iceberg``.

    Sets:

    * ``spark.jars``: this package's jar, added to any jars already configured. On a cluster
      (``.master("spark://...")``, YARN, Kubernetes in client mode) Spark ships it to the executors.
    * ``spark.sql.session.timeZone`` = ``UTC``: the source's windows, ``to_date``/``hour`` of
      ``end_time`` (answered from counts only in UTC) and :func:`to_pandas` are UTC.
    * ``spark.sql.execution.arrow.pyspark.enabled`` = ``true``: ``toPandas()`` through Arrow.
    * with ``iceberg=True``: Iceberg's Spark runtime built for this pyspark's Spark line
      (:func:`iceberg_package`): the jar from the local Maven repository (:func:`iceberg_jar`) when it is
      there, else its coordinates on ``spark.jars.packages`` (Spark downloads it); ``iceberg`` a path: that jar.

    A read that fails in the connector, through :func:`read` or ``spark.read.format("zentrunk")`` and SQL
    views alike, raises :class:`zentrunk_spark.ZentrunkError` with the connector's one line in every session
    made after this call.

    The jar must be on the session before the session starts: call this before ``getOrCreate()``.
    It cannot configure a Spark Connect client: there the jar belongs on the server
    (``--jars`` of the server, see :func:`jar_path`) and the client needs only the remote URL.

    Raises:
        ValueError: ``builder`` is a Spark Connect builder (``.remote(...)``, ``SPARK_REMOTE``).
        IcebergUnavailable: ``iceberg=True`` on a Spark line Iceberg publishes no runtime for (one line).
    """
    if _is_remote(builder):
        raise ValueError(
            "zentrunk_spark.configure: a Spark Connect client needs no jar; start the Spark Connect "
            f"server with --jars {jar_path()} and use the client as it is"
        )
    options = getattr(builder, "_options", {})
    jars = [j for j in options.get("spark.jars", "").split(",") if j.strip()]
    packages = [p for p in options.get("spark.jars.packages", "").split(",") if p.strip()]
    wanted = [str(jar_path())]
    if iceberg is True:
        try:
            wanted.append(str(iceberg_jar()))
        except FileNotFoundError:
            if iceberg_package() not in packages:
                packages.append(iceberg_package())
    elif iceberg:
        wanted.append(str(iceberg))
    jars.extend(j for j in wanted if j not in jars)
    if packages:
        builder = builder.config("spark.jars.packages", ",".join(packages))
    _errors.install()
    return (
        builder.config("spark.jars", ",".join(jars))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
