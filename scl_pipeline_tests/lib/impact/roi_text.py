"""ROI assumptions from one complete TOML text, for the tests' worked examples (the pipeline reads
only the shipped defaults and the landing folder's file: ``load_roi_assumptions``)."""

from __future__ import annotations

from scl_pipeline.lib.impact.roi_config import RoiAssumptions, RoiConfigError, _merge, _parse, _resolve


def assumptions_from_text(text: str, label: str = "ROI assumptions") -> RoiAssumptions:
    """Assumptions from one complete TOML text (no defaults), e.g. a worked example in a test."""
    merged = _merge({}, _parse(text, label), label)
    for key in ("version", "currency"):
        if not merged.get(key):
            raise RoiConfigError(f"{label}: key {key!r} is required")
    return RoiAssumptions(merged["version"], merged["currency"], _resolve(merged, label), (label,))
