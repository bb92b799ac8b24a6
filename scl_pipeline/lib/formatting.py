"""Numbers as a reader expects them in a sentence: thousands separators, percentages, money.

The one wording of numbers for every text the pipeline writes: the reports' captions and
tables, and the impact marts' headlines in asset metadata (lib/impact/headlines.py).
"""

from __future__ import annotations

import math

import pandas as pd


def is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def count(value: float | int) -> str:
    """12345 -> '12,345'."""
    if is_missing(value):
        return "n/a"
    return f"{int(round(float(value))):,}"


def people(value: float | int) -> str:
    """'1 person', '12 people'."""
    n = int(round(float(value)))
    return f"{n:,} person" if n == 1 else f"{n:,} people"


def share(value: float, digits: int = 0) -> str:
    """0.654 -> '65%'. A share that is not 0 or 1 never reads as one: decimals are added until
    it does not ('0.4%', '99.6%')."""
    if is_missing(value):
        return "n/a"
    pct = 100.0 * float(value)
    text = f"{pct:.{digits}f}"
    while digits < 3 and pct not in (0.0, 100.0) and float(text) in (0.0, 100.0):
        digits += 1
        text = f"{pct:.{digits}f}"
    return f"{text}%"


def points(value: float) -> str:
    """A difference of two shares in percentage points: 0.48 -> '+48 points'."""
    if is_missing(value):
        return "n/a"
    return f"{100.0 * float(value):+.0f} points"


def number(value: float, digits: int = 2) -> str:
    """A signed index such as E-I: -0.5234 -> '-0.52'."""
    if is_missing(value):
        return "n/a"
    return f"{float(value):.{digits}f}"


def multiple(value: float) -> str:
    """An ROI multiple: 3.214 -> '3.2x'."""
    if is_missing(value):
        return "n/a"
    return f"{float(value):.1f}x"


def p_value(value: float) -> str:
    if is_missing(value):
        return "p n/a"
    return "p < 0.001" if float(value) < 0.001 else f"p = {float(value):.3f}"


def money(value: float, currency: str = "") -> str:
    """1234567 -> '1.2 M EUR', 45600 -> '45.6 k EUR', 950 -> '950 EUR'."""
    if is_missing(value):
        return "n/a"
    amount = float(value)
    for factor, suffix in ((1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if abs(amount) >= factor:
            text = f"{amount / factor:.1f}".removesuffix(".0") + suffix
            break
    else:
        text = f"{amount:,.0f}"
    return f"{text} {currency}".strip()
