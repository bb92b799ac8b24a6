"""``python -m scl_pipeline.lib.demo --landing data_lake/landing --people 13000 --seed 2020``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from scl_pipeline.lib.demo.generator import generate_demo_org
from scl_pipeline.lib.demo.survey_export import PEOPLE_BY, SURVEY_LAYOUTS
from scl_pipeline.lib.contract import FORMATS
from scl_pipeline.lib.waves import FIRST_WAVE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scl_pipeline.lib.demo", description=__doc__)
    parser.add_argument("--landing", type=Path, default=Path("data_lake/landing"), help="landing root")
    parser.add_argument("--people", type=int, default=13_000)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--first-wave", default=FIRST_WAVE)
    parser.add_argument("--last-wave", default="2022-Q4")
    parser.add_argument("--format", dest="file_format", choices=FORMATS, default="csv")
    parser.add_argument("--survey-layout", choices=SURVEY_LAYOUTS, default="long", help="how the surveys are exported")
    parser.add_argument("--people-by", choices=PEOPLE_BY, default="id", help="how the surveys name people")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    truth = generate_demo_org(
        args.landing, args.people, args.seed, args.first_wave, args.last_wave, args.file_format,
        survey_layout=args.survey_layout, people_by=args.people_by,
    )
    print(
        f"wrote {len(truth.files)} files for {truth.people} people in {len(truth.countries)} countries "
        f"({truth.waves[0]}..{truth.waves[-1]}) under {args.landing} "
        f"in {time.perf_counter() - began:.1f} s; hub country {truth.hub_country}, "
        f"{len(truth.participants)} participants, experiment {truth.experiment_id}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
