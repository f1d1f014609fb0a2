# ruff: noqa: E501  (the reference SQL keeps its clauses on one line each, as the report's columns read)
"""A reference for jobs/bench compute: DuckDB computing the report's main datasets from a lake's Parquet files.

    python duckdb_report.py CDRS_FOLDER START END OUT_FOLDER

The same groupings as the report job (hangup causes, countries, attestation per day, KPIs, hourly capacity),
each written to OUT_FOLDER as Parquet, over the CDRs with START <= end_time < END. DuckDB is a yardstick of the
bench only, not a dependency of zentrunk-spark. Prints the seconds per dataset and in all as JSON.
"""

import json
import sys
import time

import duckdb  # type: ignore[import-not-found]  # the bench's venv has it, the tests' does not

cdrs, start, end, out = sys.argv[1:5]
con = duckdb.connect()
con.execute("SET TimeZone='UTC'")
con.execute(f"""CREATE VIEW w AS SELECT *, CAST(end_time AS DATE) AS d
    FROM read_parquet('{cdrs}/*/*.parquet', hive_partitioning = true)
    WHERE end_time >= TIMESTAMPTZ '{start}' AND end_time < TIMESTAMPTZ '{end}'""")
money = "sum(total_amount)"
queries = {
    "hangup_causes": f"""SELECT d AS end_date, call_direction, hangup_source, hangup_cause_code, hangup_cause_name,
        count(*) AS calls, coalesce(sum(call_duration), 0) AS call_seconds, coalesce(sum(bill_duration), 0) AS billed_seconds,
        {money} AS amount FROM w GROUP BY ALL""",
    "countries": f"""SELECT *, answered_calls / calls AS asr,
        CASE WHEN answered_calls > 0 THEN call_seconds / answered_calls END AS acd_seconds FROM (
        SELECT d AS end_date, call_direction, from_country, to_country, count(*) AS calls,
        count(answer_time) AS answered_calls, coalesce(sum(call_duration), 0) AS call_seconds,
        coalesce(sum(bill_duration), 0) AS billed_seconds, {money} AS amount FROM w GROUP BY ALL)""",
    "attestation": """SELECT *, calls / sum(calls) OVER (PARTITION BY end_date, call_direction) AS share FROM (
        SELECT d AS end_date, call_direction, stir_verification, attestation_indicator, count(*) AS calls
        FROM w GROUP BY ALL)""",
    "kpis": f"""SELECT d AS end_date, call_direction, to_country, count(*) AS calls, count(answer_time) AS answered_calls,
        count(answer_time) / count(*) AS asr,
        (count(answer_time) + count(*) FILTER (WHERE answer_time IS NULL AND hangup_cause_code IN (4410, 4550, 6000, 6030)))
          / count(*) AS ner,
        count(*) FILTER (WHERE answer_time IS NOT NULL AND call_duration < 6) AS short_calls,
        coalesce(sum(call_duration), 0) AS call_seconds, coalesce(sum(bill_duration), 0) AS billed_seconds,
        {money} AS amount FROM w GROUP BY ALL""",
    # the sweep: +1 at initiation, -1 at end, per second, running sum; per hour the peak and the starts
    "capacity": """WITH t AS (SELECT epoch(initiation_time)::BIGINT AS i, epoch(end_time)::BIGINT AS e, hangup_cause_code AS c
          FROM w WHERE initiation_time IS NOT NULL),
        ev AS (SELECT s, sum(n) AS n FROM (SELECT i AS s, 1 AS n FROM t UNION ALL SELECT e, -1 FROM t) GROUP BY s),
        lv AS (SELECT s, sum(n) OVER (ORDER BY s) AS level FROM ev),
        pk AS (SELECT s // 3600 * 3600 AS h, max(level) AS peak FROM lv GROUP BY h),
        st AS (SELECT h, sum(k) AS calls_started, max(k) AS peak_cps, sum(f) AS limit_failures FROM (
          SELECT i // 3600 * 3600 AS h, i, count(*) AS k, count(*) FILTER (WHERE c IN (5180, 5190)) AS f FROM t GROUP BY h, i)
          GROUP BY h)
        SELECT to_timestamp(h) AS hour_start, calls_started, peak, peak_cps, limit_failures FROM st FULL JOIN pk USING (h)
        ORDER BY h""",
}
seconds = {}
t0 = time.perf_counter()
for name, q in queries.items():
    t = time.perf_counter()
    con.execute(f"COPY ({q}) TO '{out}/{name}.parquet' (FORMAT parquet)")
    seconds[name] = round(time.perf_counter() - t, 3)
total = time.perf_counter() - t0
rows = con.execute("SELECT count(*) FROM w").fetchone()[0]
print(json.dumps({"rows": rows, "datasets": seconds, "seconds": round(total, 3)}))
