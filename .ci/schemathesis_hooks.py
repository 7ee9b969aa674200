"""Schemathesis hooks for .ci/schemathesis: the one request constraint JSON Schema cannot state — a year range
must not be reversed (`year_from` <= `year_to`; the API answers 422) — is applied to every generated request,
in every phase, by putting a reversed range in order. `positive_data_acceptance` then checks everything else."""

from __future__ import annotations

from typing import Any

import schemathesis


def _in_order(values: Any) -> None:
    if not isinstance(values, dict):
        return
    low, high = _year(values.get("year_from")), _year(values.get("year_to"))
    if low is not None and high is not None and low > high:
        values["year_from"], values["year_to"] = values["year_to"], values["year_from"]


def _year(value: Any) -> int | None:
    """A year as given in a body (an integer, maybe written 2024.0) or a query (a string of digits)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    if isinstance(case.body, dict):
        _in_order(case.body.get("filters"))
    _in_order(case.query)
