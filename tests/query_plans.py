"""Reading the database's plan for the statements a page or a lookup runs, on SQLite and PostgreSQL.

Shared by tests/config/test_database.py (the search index) and tests/catalog/test_query_plans.py
(the list and work pages): a plan that stops using its index fails the suite, on the
database where it happened.
"""

from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Statement:
    """One statement as the application sent it: its SQL and, apart, its parameters.

    Kept apart because the plan can differ: SQLite matches an index on an expression only to
    the same expression with the same literals, never to one holding a ``?`` parameter.
    """

    sql: str
    params: tuple

    def __contains__(self, text: str) -> bool:
        return text in self.sql


def plan_of(statement: Statement) -> str:
    """The plan, one node per line: ``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN`` on PostgreSQL."""
    with connection.cursor() as cursor:
        explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
        cursor.execute(f"{explain} {statement.sql}", statement.params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def plans_of(statements: list[Statement]) -> str:
    return "\n".join(plan_of(statement) for statement in statements)


def statements_of(run) -> list[Statement]:
    """The statements ``run()`` sends, with their parameters as they were bound."""
    sent = []

    def record(execute, sql, params, many, context):
        sent.append(Statement(sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        run()
    return sent


def sorts_in(plan: str) -> list[str]:
    """The plan's sort steps: what an index that matches the ORDER BY makes unnecessary."""
    if connection.vendor == "sqlite":
        return [line for line in plan.splitlines() if "TEMP B-TREE" in line]
    return [line for line in plan.splitlines() if line.strip().lstrip("-> ").startswith(("Sort", "Incremental Sort"))]


def walks_index(plan: str, index: str) -> bool:
    if connection.vendor == "sqlite":
        return f"USING INDEX {index}" in plan or f"USING COVERING INDEX {index}" in plan
    return f"Index Scan using {index}" in plan or f"Index Only Scan using {index}" in plan


def reads_index_only(plan: str, index: str) -> bool:
    """The rows come from the index alone, without a visit to the table."""
    if connection.vendor == "sqlite":
        return f"USING COVERING INDEX {index}" in plan
    return f"Index Only Scan using {index}" in plan
