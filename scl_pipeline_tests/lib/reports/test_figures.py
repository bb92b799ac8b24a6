"""Every picture: a valid PNG of its fixed size, the same bytes for the same data (whatever the
row order), and a different picture when the data changes."""

import io

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from PIL import Image, ImageChops
from scipy.sparse.csgraph import connected_components

from scl_pipeline.lib.reports import canvas
from scl_pipeline.lib.reports.layout import participant_graph
from scl_pipeline.lib.reports.network_figures import (
    baseline_vs_latest_png,
    cut_off_by,
    participants_network_png,
    scenario_network_png,
)
from scl_pipeline.lib.reports.impact_charts import balance_png, event_study_png
from scl_pipeline.lib.reports.program_charts import experiment_png, roi_png, waves_trend_png
from scl_pipeline.lib.reports.wave_charts import mixing_heatmap_png, robustness_png
from scl_pipeline_tests.lib.reports.story import BASELINE, WAVES

LATEST = WAVES[-1]


def _shuffled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sample(frac=1.0, random_state=7).reset_index(drop=True)


def _figures(s, shuffle=lambda f: f):
    """name -> (callable producing PNG bytes from the story ``s``, expected pixel size)."""
    removed = sorted(s.bridge_criticality.query("wave == @BASELINE and country == 'India'")["employee_id"])
    return {
        "participants_network": (lambda: participants_network_png(
            shuffle(s.people), shuffle(s.participant_edges), BASELINE,
            bridge_criticality=shuffle(s.bridge_criticality)), (1100, 700)),
        "resilience_scenario": (lambda: scenario_network_png(
            shuffle(s.people), shuffle(s.participant_edges), BASELINE, removed, title="without"), (1100, 700)),
        "baseline_vs_latest": (lambda: baseline_vs_latest_png(
            shuffle(s.people), shuffle(s.participant_edges), BASELINE, LATEST,
            bridge_criticality=shuffle(s.bridge_criticality)), (1400, 650)),
        "country_mixing": (lambda: mixing_heatmap_png(shuffle(s.country_mixing), shuffle(s.country_wave_bonds),
                                                      BASELINE), (1000, 800)),
        "robustness": (lambda: robustness_png(shuffle(s.robustness_curve), BASELINE), (1100, 460)),
        "waves_trend": (lambda: waves_trend_png(shuffle(s.participant_network),
                                                shuffle(s.resilience_scenarios)), (1400, 650)),
        "experiment": (lambda: experiment_png(shuffle(s.experiment_kbis), "qa-2022"), (1000, 550)),
        "roi": (lambda: roi_png(shuffle(s.roi), LATEST), (1000, 550)),
        "event_study": (lambda: event_study_png(shuffle(s.impact_did)), (1400, 820)),
        "balance": (lambda: balance_png(shuffle(s.impact_balance)), (1000, 550)),
    }


NAMES = ["participants_network", "resilience_scenario", "baseline_vs_latest", "country_mixing",
         "robustness", "waves_trend", "experiment", "roi", "event_study", "balance"]


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


@pytest.fixture(scope="module")
def rendered(story):
    figures = _figures(story)
    assert sorted(figures) == sorted(NAMES)
    return {name: make() for name, (make, _) in figures.items()}


@pytest.mark.parametrize("name", NAMES)
def test_each_figure_is_a_valid_png_of_its_size(rendered, story, name):
    png = rendered[name]
    assert png.startswith(canvas.PNG_MAGIC)
    image = _image(png)
    assert image.size == _figures(story)[name][1]
    # Not a blank page: many colours drawn, and at least 3% of it not plain white.
    pixels = np.asarray(image).reshape(-1, 3).astype(np.uint32)
    assert len(np.unique(pixels[:, 0] << 16 | pixels[:, 1] << 8 | pixels[:, 2])) > 200
    assert (pixels == 255).all(axis=1).mean() < 0.97


@pytest.mark.parametrize("name", NAMES)
def test_same_data_in_any_row_order_gives_the_same_bytes(rendered, story, name):
    make, _ = _figures(story, shuffle=_shuffled)[name]
    assert make() == rendered[name]


def _changed(s):
    """The story with one fact changed per picture."""
    edges = s.participant_edges
    first_edge = edges.index[edges["wave"] == BASELINE][0]
    last_edge = edges.index[edges["wave"] == LATEST][0]
    mixing = s.country_mixing.copy()
    mixing.loc[mixing.index[0], "arcs"] += 40
    curve = s.robustness_curve.copy()
    curve.loc[(curve["wave"] == BASELINE) & (curve["strategy"] == "degree"), "largest_component_share"] *= 0.5
    net = s.participant_network.copy()
    net.loc[net.index[1], "cross_country_ties"] -= 100
    kbis = s.experiment_kbis.copy()
    kbis.loc[kbis.index[0], ["share", "ci_low", "ci_high"]] = [0.3, 0.2, 0.4]
    roi = s.roi.copy()
    roi.loc[roi["scenario"] == "mid", "value"] *= 2
    did = s.impact_did.copy()
    did.loc[did.index[-1], ["did", "ci_low", "ci_high"]] *= 3
    balance = s.impact_balance.copy()
    balance.loc[balance["wave"] == BASELINE, "smd_after"] += 0.2
    return s.__class__(**{**s.__dict__, "participant_edges": edges.drop([first_edge, last_edge]),
                          "country_mixing": mixing, "robustness_curve": curve,
                          "participant_network": net, "experiment_kbis": kbis, "roi": roi,
                          "impact_did": did, "impact_balance": balance})


@pytest.mark.parametrize("name", NAMES)
def test_a_picture_changes_when_its_data_changes(rendered, story, name):
    make, _ = _figures(_changed(story))[name]
    difference = ImageChops.difference(_image(make()), _image(rendered[name]))
    assert difference.getbbox() is not None


def test_cut_off_matches_a_scipy_recount(story):
    """The orange rings: people of the largest component no longer in the largest one."""
    pg = participant_graph(story.people, story.participant_edges, BASELINE)
    nodes = sorted(pg.graph)
    index = {v: i for i, v in enumerate(nodes)}

    def largest(keep):
        rows = [index[a] for a, b in pg.graph.edges() if a in keep and b in keep]
        cols = [index[b] for a, b in pg.graph.edges() if a in keep and b in keep]
        adj = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(nodes), len(nodes)))
        _, labels = connected_components(adj, directed=False)
        kept = [index[v] for v in keep]
        sizes = np.bincount(labels[kept])
        return {v for v in keep if labels[index[v]] == np.argmax(sizes)}

    bridges = story.bridge_criticality.query("wave == @BASELINE")
    for removed in [{v} for v in bridges["employee_id"]] + [set(bridges["employee_id"][:8])]:
        expected = largest(set(nodes)) - removed - largest(set(nodes) - removed)
        assert cut_off_by(pg.graph, removed) == expected
    # One person at a time, it is bridge_criticality's people_cut_off.
    for _, row in bridges.iterrows():
        assert len(cut_off_by(pg.graph, {row["employee_id"]})) == row["people_cut_off"]
