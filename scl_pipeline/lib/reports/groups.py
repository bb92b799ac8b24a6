"""Which groups a picture names, and their colours.

A group (a country, a department) is named only when it has at least ``MIN_GROUP_SIZE`` people
(the serving copy's suppression threshold); the largest ``top`` of those are named and every
other person is pooled as "other". Ties in size go to the alphabetically first name, so the same
data always names and colours the same groups.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex

from scl_pipeline.lib.small_groups import MIN_GROUP_SIZE

OTHER = "other"
OTHER_LABEL = "other countries"
OTHER_COLOUR = "#b8b8b8"
TOP_COUNTRIES = 9

# tab10 without its grey, which is kept for "other".
_PALETTE = tuple(to_hex(c) for i, c in enumerate(colormaps["tab10"].colors) if i != 7)


LABEL_LIMIT = 26  # characters; longer names are cut with an ellipsis so a legend stays on the page


def short(name: str, limit: int = LABEL_LIMIT) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "\u2026"


def named_groups(sizes: Mapping[str, int] | pd.Series, top: int,
                 min_size: int = MIN_GROUP_SIZE) -> list[str]:
    """The groups to name, largest first: at most ``top``, each of ``min_size`` people or more."""
    series = pd.Series(sizes, dtype="float64")
    series.index = series.index.astype(str)
    frame = series.rename("size").rename_axis("group").reset_index()
    frame = frame[frame["size"] >= min_size]
    frame = frame.sort_values(["size", "group"], ascending=[False, True], kind="stable")
    return frame["group"].head(top).tolist()


def pool(values: pd.Series, named: list[str]) -> pd.Series:
    """``values`` with every group outside ``named`` replaced by :data:`OTHER`."""
    text = values.astype(str)
    return text.where(text.isin(named), OTHER)


@dataclass(frozen=True)
class CountryPalette:
    """The named countries (largest first) and their colours; everyone else is grey "other"."""

    named: tuple[str, ...]
    sizes: tuple[int, ...]

    @classmethod
    def of(cls, countries: pd.Series, top: int = TOP_COUNTRIES) -> CountryPalette:
        """Name the ``top`` largest countries of ``countries`` (one value per person)."""
        sizes = countries.astype(str).value_counts()
        named = named_groups(sizes, min(top, len(_PALETTE)))
        return cls(tuple(named), tuple(int(sizes[c]) for c in named))

    def colour(self, country: str) -> str:
        if country in self.named:
            return _PALETTE[self.named.index(country)]
        return OTHER_COLOUR

    def legend(self, with_sizes: bool = True) -> list[tuple[str, str]]:
        """(label, colour) pairs: the named countries (with their head counts), then "other"."""
        items = [(f"{short(c)} ({n:,})" if with_sizes else short(c), _PALETTE[i])
                 for i, (c, n) in enumerate(zip(self.named, self.sizes))]
        return [*items, (OTHER_LABEL, OTHER_COLOUR)]
