"""A deterministic, seeded demo organisation that writes the full landing contract (SPEC §1).

``generate_demo_org`` plants the case study's story (``seed_article.txt``) so the pipeline can
find it again: a hub country held to the rest by 8 single bridges, 200 program participants, their
new cross-country bonds, and a question-and-answer experiment. See ``generator`` for the order of
events and ``scale`` for how the numbers shrink for small test organisations.
"""

from scl_pipeline.lib.demo.generator import generate_demo_org
from scl_pipeline.lib.demo.truth import TRUTH_FILE, DemoTruth

__all__ = ["TRUTH_FILE", "DemoTruth", "generate_demo_org"]
