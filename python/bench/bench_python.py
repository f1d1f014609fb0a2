"""jobs/bench python: the Python interface's figures, against the emulator over HTTP on loopback.

1. The same read through PySpark's DataFrame API and through the JVM's own Dataset API (the calls
   a Java program makes, here through py4j): requests counted by the emulator and wall time, each
   run twice alternately. The JVM does the work in both, so they should be equal within noise.
2. toPandas() of 100,000 CDRs with Arrow and without: seconds and the peak resident memory of the
   Python process, each in a fresh Python process (a peak is only meaningful from a clean start).

Prints a table and writes target/bench/python.json. Usage: bench_python.py [--quick]
"""

from __future__ import annotations

import json
import re
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
NOW = "2026-11-01T00:00:00Z"
AUTH = {"auth_id": "MAEMULATOR0000000000", "auth_token": "emulator-token"}


def start_emulator(calls_per_day: int) -> tuple[subprocess.Popen[str], str]:
    p = subprocess.Popen(
        [
            str(REPO / "jobs/run"),
            "emulator",
            "--port",
            "0",
            "--now",
            NOW,
            "--seed",
            "7",
            "--calls-per-day",
            str(calls_per_day),
            "--rate-limit",
            "0",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert p.stdout is not None
    m = re.search(r"serving (\S+)", p.stdout.readline())
    assert m, "the emulator did not start"
    return p, m.group(1)


def list_requests(url: str) -> int:
    with urllib.request.urlopen(url + "/_emulator/stats") as r:
        return int(json.load(r)["list_requests"])


def session() -> Any:
    from pyspark.sql import SparkSession

    import zentrunk_spark

    s = zentrunk_spark.configure(
        SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
    ).getOrCreate()
    s.sparkContext.setLogLevel("ERROR")
    return s


# one whole UTC day of the emulator's account (about its calls_per_day CDRs)
DAY = ("2026-10-30 00:00:00", "2026-10-31 00:00:00")


def same_read(url: str, runs: int) -> dict[str, Any]:
    spark = session()
    start, end = DAY
    options = {"api_url": url, "now": NOW, "request_budget": "1000000", **AUTH}
    out: dict[str, list[float]] = {"pyspark_s": [], "jvm_s": []}
    requests: dict[str, list[int]] = {"pyspark": [], "jvm": []}
    for _ in range(runs):
        for kind in ("pyspark", "jvm"):
            before = list_requests(url)
            t0 = time.perf_counter()
            if kind == "pyspark":
                df = spark.read.format("zentrunk").options(start=start, end=end, **options).load()
                df.write.format("noop").mode("overwrite").save()
            else:
                jreader = spark._jsparkSession.read().format("zentrunk").option("start", start).option("end", end)
                for k, v in options.items():
                    jreader = jreader.option(k, v)
                jreader.load().write().format("noop").mode("overwrite").save()
            out[kind + "_s"].append(time.perf_counter() - t0)
            requests[kind].append(list_requests(url) - before)
    rows = spark.read.format("zentrunk").options(start=start, end=end, **options).load().count()
    spark.stop()
    return {"cdrs": rows, "seconds": out, "requests": requests}


def to_pandas_child(url: str, arrow: str, limit: int) -> None:
    """Runs in a fresh process: one toPandas() of `limit` CDRs; prints seconds and peak RSS."""
    spark = session()
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", arrow)
    spark.conf.set("spark.sql.execution.arrow.pyspark.fallback.enabled", "false")
    df = (
        spark.read.format("zentrunk")
        .options(
            start="2026-10-29 00:00:00",
            end="2026-10-31 00:00:00",
            api_url=url,
            now=NOW,
            request_budget="1000000",
            **AUTH,
        )
        .load()
        .limit(limit)
        .cache()
    )
    n = df.count()  # read once from the API, so the figure is toPandas() alone
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    pdf = df.toPandas()
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert len(pdf) == n == limit, (len(pdf), n, limit)
    print(json.dumps({"rows": n, "seconds": seconds, "peak_rss_mb": peak / 1024, "rss_before_mb": base / 1024}))
    spark.stop()


def to_pandas(url: str, limit: int) -> dict[str, Any]:
    out = {}
    for arrow in ("true", "false"):
        run = subprocess.run(
            [sys.executable, __file__, "--child-to-pandas", url, arrow, str(limit)],
            capture_output=True,
            text=True,
            check=True,
        )
        out["arrow" if arrow == "true" else "no_arrow"] = json.loads(run.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child-to-pandas":
        to_pandas_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    quick = "--quick" in sys.argv
    limit = 20_000 if quick else 100_000
    # two days of 60,000 calls hold the 100,000 CDRs of the toPandas() figure
    emulator, url = start_emulator(60_000)
    try:
        began = time.perf_counter()
        read = same_read(url, 1 if quick else 2)
        pandas = to_pandas(url, limit)
        total = time.perf_counter() - began
    finally:
        emulator.terminate()
        emulator.wait()
    result = {"same_read": read, "to_pandas": pandas, "wall_s": total}
    out = REPO / "target" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / ("python-quick.json" if quick else "python.json")).write_text(json.dumps(result, indent=2))
    s = read["seconds"]
    print(f"python | same read of {read['cdrs']:,} CDRs (one day, no rate limit), runs alternated")
    print(
        f"python | PySpark DataFrame API: requests {read['requests']['pyspark']}, seconds "
        + ", ".join(f"{x:.2f}" for x in s["pyspark_s"])
    )
    print(
        f"python | JVM Dataset API:      requests {read['requests']['jvm']}, seconds "
        + ", ".join(f"{x:.2f}" for x in s["jvm_s"])
    )
    print(f"python | PySpark / JVM time (best of each): {min(s['pyspark_s']) / min(s['jvm_s']):.3f}")
    for k, v in pandas.items():
        print(
            f"python | toPandas() of {v['rows']:,} CDRs, {k.replace('_', ' ')}: {v['seconds']:.2f} s, "
            f"peak RSS of the Python process {v['peak_rss_mb']:.0f} MB (before: {v['rss_before_mb']:.0f} MB)"
        )
    print(
        f"python | speed-up of Arrow: {pandas['no_arrow']['seconds'] / pandas['arrow']['seconds']:.1f} x; "
        f"wall {total:.0f} s"
    )


if __name__ == "__main__":
    main()
