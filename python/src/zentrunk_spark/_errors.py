"""A failed read as one line: the connector's own message, not a page of JVM stack.

A read that fails in the JVM (a 401, an API that stays down past ``max_retries``, a window that
cannot be read exactly) reaches Python through py4j as a ``Py4JJavaError`` whose text is Spark's
job-abort message and two stack traces. PySpark converts the JVM exceptions it knows into Python
ones the same way (``pyspark.errors.exceptions.captured``): this wrapper does it for the
connector's exception, found anywhere in the cause chain, and passes every other error through
unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ZENTRUNK_EXCEPTION = "io.zentrunk.spark.client.ZentrunkException"
ZENTRUNK_API_EXCEPTION = "io.zentrunk.spark.client.ZentrunkApiException"


class ZentrunkError(RuntimeError):
    """A read that failed in the connector, with its one-line message (never the token).

    Attributes:
        status: the API's HTTP status (401, 503, ...) for a failure of the API, 0 when no
            answer came (I/O error, timeout), None for other failures of the read.
    """

    def __init__(self, message: str, status: int | None) -> None:
        super().__init__(message)
        self.status = status


def _zentrunk_cause(java_exception: Any) -> Any:
    from py4j.java_gateway import is_instance_of
    from pyspark import SparkContext

    gateway = SparkContext._gateway
    seen = 0
    e = java_exception
    while e is not None and seen < 20:
        if is_instance_of(gateway, e, ZENTRUNK_EXCEPTION):
            return e
        e = e.getCause()
        seen += 1
    return None


def _one_line(f: Callable[..., Any]) -> Callable[..., Any]:
    def deco(*a: Any, **kw: Any) -> Any:
        from py4j.java_gateway import is_instance_of
        from py4j.protocol import Py4JJavaError
        from pyspark import SparkContext

        try:
            return f(*a, **kw)
        except Py4JJavaError as e:
            cause = _zentrunk_cause(e.java_exception)
            if cause is None:
                raise
            status = cause.status() if is_instance_of(SparkContext._gateway, cause, ZENTRUNK_API_EXCEPTION) else None
            raise ZentrunkError(str(cause.getMessage()).splitlines()[0], status) from None

    deco._zentrunk = True  # type: ignore[attr-defined]
    return deco


def install() -> None:
    """Wraps py4j's return-value hook, for every session of the process. Idempotent.

    PySpark installs its own hook when a session starts, built over ``py4j.protocol.get_return_value``
    (``pyspark.errors.exceptions.captured.install_exception_handler``): wrapping that one puts this
    conversion under PySpark's in every session made later, whatever reads (``spark.read.format``, a
    SQL view, ``read()``); wrapping the hook in use covers a session that already runs.
    """
    import py4j.java_gateway
    import py4j.protocol

    if not getattr(py4j.protocol.get_return_value, "_zentrunk", False):
        py4j.protocol.get_return_value = _one_line(py4j.protocol.get_return_value)
    current = py4j.java_gateway.get_return_value
    if not getattr(current, "_zentrunk", False):
        py4j.java_gateway.get_return_value = _one_line(current)
