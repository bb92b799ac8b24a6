import pandas as pd
import pytest

from scl_pipeline.lib.ingestion.answer_scales import SHIPPED_SCALES, Scale, ScaleError, choose_scale, map_labels


def test_shipped_scales_map_labels_ignoring_case_spaces_and_accents():
    values = pd.Series(["Very often", " seldom ", "NEVER", None, "4", "often"], dtype=object)
    mapped = map_labels(values, None)
    assert mapped.values.tolist() == ["5", "2", "1", None, "4", "4"]
    assert mapped.scale == "never_very_often" and mapped.mapped == 4 and not mapped.off_scale


def test_numbered_labels_read_their_leading_number():
    values = pd.Series(["1 - Not at all", "5 - Extremely", "3. Somewhat", "4 – A lot"], dtype=object)
    assert map_labels(values, None).values.tolist() == ["1", "5", "3", "4"]
    assert SHIPPED_SCALES["numbered"].value("7 - Beyond") is None


def test_labels_off_the_scale_are_counted_never_silently_null():
    values = pd.Series(["Often", "Very rarely", "Very rarely", "N/A"], dtype=object)
    mapped = map_labels(values, SHIPPED_SCALES["rarely_always"])
    assert mapped.values.tolist() == ["4", None, None, None]
    assert mapped.off_scale == {"Very rarely": 2, "N/A": 1}


def test_the_scale_knowing_every_label_is_chosen():
    assert choose_scale(["Rarely", "Always", "Often"], SHIPPED_SCALES).name == "rarely_always"
    assert choose_scale(["Never", "Seldom"], SHIPPED_SCALES).name == "never_very_often"
    assert choose_scale(["Maybe"], SHIPPED_SCALES) is None


def test_a_configured_scale_must_map_to_one_to_five():
    scale = Scale.of("agreement", {"Strongly disagree": 1, "Strongly agree": 5})
    assert scale.value("strongly AGREE") == 5
    with pytest.raises(ScaleError, match="agreement.*'Meh' maps to 7"):
        Scale.of("agreement", {"Meh": 7})
