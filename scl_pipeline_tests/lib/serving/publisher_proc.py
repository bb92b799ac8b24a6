"""A publisher in its own process that stops at one stage so a test can SIGKILL it there:
``python -m ... <warehouse> <serving_dir> <stage> <marker>`` (key from SCL_PSEUDONYM_KEY)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from scl_pipeline.lib.serving.pseudonyms import load_pseudonym_key
from scl_pipeline.lib.serving.publish import publish_serving

if __name__ == "__main__":
    warehouse, serving_dir, pause_at, marker = sys.argv[1:5]

    def _pause(stage: str) -> None:
        if stage == pause_at:
            Path(marker).touch()
            time.sleep(600)

    publish_serving(Path(warehouse), Path(serving_dir), load_pseudonym_key(), on_stage=_pause)
