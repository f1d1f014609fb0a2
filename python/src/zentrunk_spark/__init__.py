"""Plivo Zentrunk call detail records (CDRs) in PySpark.

The package carries the jar of the ``zentrunk`` Spark data source (the JVM does every request);
it configures a session with it and reads CDRs as a DataFrame::

    from pyspark.sql import SparkSession
    import zentrunk_spark

    spark = zentrunk_spark.configure(SparkSession.builder).getOrCreate()
    cdrs = zentrunk_spark.read(spark, start="2026-10-01", end="2026-10-08")

Credentials come from ``PLIVO_AUTH_ID``/``PLIVO_AUTH_TOKEN`` in the environment of the JVM that
plans the read (the driver), or from the ``auth_id``/``auth_token`` options.
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from . import report
from ._errors import ZentrunkError
from ._pandas import to_pandas
from ._read import OptionError, read, read_stream
from ._session import IcebergUnavailable, configure, iceberg_jar, iceberg_package, jar_path

try:
    __version__ = _version("zentrunk-spark")
except PackageNotFoundError:  # imported from a source tree, not installed
    __version__ = "unknown"

__all__ = [
    "IcebergUnavailable",
    "OptionError",
    "ZentrunkError",
    "__version__",
    "configure",
    "iceberg_jar",
    "iceberg_package",
    "jar_path",
    "read",
    "read_stream",
    "report",
    "to_pandas",
]
