"""``scl``: run the pipeline from a terminal.

    scl demo   generate the built-in demo organisation (if not there yet) and run every wave
    scl run    run every wave that has landed under $SCL_DATA_LAKE/landing
    scl check  read and validate the landed waves as a run would, write nothing (a dry run)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from scl_pipeline.cli_runs import run_waves
from scl_pipeline.cli_settings import CliError, parse_settings
from scl_pipeline.lib.lake import PLACEHOLDER, DataLake, default_root, default_root_help, empty_folder


def is_demo_lake(lake: DataLake) -> bool:
    """The generator leaves its truth file in landing/; real exports never carry one."""
    from scl_pipeline.lib.demo import TRUTH_FILE

    return (lake.landing / TRUTH_FILE).is_file()


def cmd_demo(args: argparse.Namespace) -> int:
    from scl_pipeline.lib.demo import generate_demo_org
    from scl_pipeline.lib.ingestion.discovery import landed_waves
    from scl_pipeline.lib.lake_access import PRIVATE_DIR, make_private_folder

    lake = DataLake(Path(args.lake).resolve() if args.lake else default_root())
    has_content = lake.landing.is_dir() and any(p.name != PLACEHOLDER for p in lake.landing.iterdir())
    if has_content and not is_demo_lake(lake):
        # Never wipe, nor publish with the public demo key, a lake holding someone's real exports.
        raise CliError(
            f"{lake.landing} holds exports that are not the demo organisation's; `scl demo` would "
            "replace them and publish with the public demo key. Use `scl run` (with SCL_PSEUDONYM_KEY) "
            "for real data, or point --lake / SCL_DATA_LAKE at an empty folder for the demo."
        )
    if args.regenerate or not landed_waves(lake):
        for folder in (lake.landing, lake.warehouse_path.parent, lake.serving, lake.reports):
            empty_folder(folder)
        # The demo starts its lake anew: its landing copies and warehouse private like a real one's
        # (the repository's empty folders come out of git as 0755).
        for folder in (lake.landing, lake.warehouse_path.parent):
            make_private_folder(folder)
            folder.chmod(PRIVATE_DIR)
        print(f"Generating the demo organisation ({args.people:,} people, seed {args.seed}) in {lake.landing}")
        generate_demo_org(
            lake.landing, people=args.people, seed=args.seed, survey_layout=args.survey_layout, people_by=args.people_by
        )
    return run_waves(lake, landed_waves(lake), allow_demo_key=_demo_key_needed(), force=args.force)


def _demo_key_needed() -> bool:
    """The demo publishes its serving copy without a secret: the public demo key, said loudly."""
    from scl_pipeline.lib.serving.pseudonyms import PSEUDONYM_KEY_ENV

    if os.environ.get(PSEUDONYM_KEY_ENV, "").strip():
        return False
    print(
        f"{PSEUDONYM_KEY_ENV} is not set: the demo's serving copy uses the PUBLIC DEMO pseudonym key. "
        f"Its pseudonyms protect nothing; set {PSEUDONYM_KEY_ENV} for real data."
    )
    return True


def cmd_run(args: argparse.Namespace) -> int:
    lake = DataLake(Path(args.lake).resolve() if args.lake else default_root())
    waves = _selected_waves(lake, args.waves)
    if not waves:
        print(f"No landed waves under {lake.landing / 'waves'}", file=sys.stderr)
        return 2
    return run_waves(lake, waves, settings=parse_settings(args.set), force=args.force)


def _selected_waves(lake: DataLake, spec: str | None) -> list[str]:
    from scl_pipeline.lib.ingestion.discovery import landed_waves
    from scl_pipeline.lib.waves import wave_range

    waves = landed_waves(lake)
    if spec:
        first, _, last = spec.partition(":")
        wanted = set(wave_range(first, last or first))
        waves = [w for w in waves if w in wanted]
    return waves


def cmd_check(args: argparse.Namespace) -> int:
    """Exit 0 when a run would load every selected wave, 1 when one would be rejected."""
    from scl_pipeline.defs.resources import project_resources
    from scl_pipeline.lib.ingestion.wave_check import check_waves

    lake = DataLake(Path(args.lake).resolve() if args.lake else default_root())
    waves = _selected_waves(lake, args.waves)
    if not waves:
        print(f"No landed waves under {lake.landing / 'waves'}", file=sys.stderr)
        return 2
    try:
        resources = project_resources(lake.root, **parse_settings(args.set))
    except ValueError as exc:
        raise CliError(f"--set: {exc}") from None
    network = resources["network"]
    print(f"Checking {len(waves)} wave(s) {waves[0]} .. {waves[-1]} on {lake.root} (dry run: nothing is written)\n")
    checks = check_waves(
        lake, waves, resources["ingestion"].config(), resources["gates"].config(), network.primary_relation,
        network.strong_threshold,
    )
    for check in checks:
        print("\n".join(check.lines()) + "\n")
    rejected = [c.wave for c in checks if not c.would_load]
    if rejected:
        print(f"{len(rejected)} of {len(checks)} wave(s) would be rejected: {', '.join(rejected)}")
        return 1
    print(f"All {len(checks)} wave(s) would load.")
    return 0


FORCE_HELP = (
    "recompute every job, even those whose inputs (landing files, settings, code) did not change "
    "since their last successful run (those are skipped otherwise: docs/operations.md)"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scl", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lake", help=f"data lake root (default {default_root_help()})")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="generate the demo organisation and run all its waves")
    demo.add_argument("--people", type=int, default=13_000)
    demo.add_argument("--seed", type=int, default=2020)
    demo.add_argument("--regenerate", action="store_true", help="wipe landing/warehouse/serving/reports and generate anew")
    demo.add_argument(
        "--survey-layout", choices=("long", "wide", "multiselect"), default="long",
        help="write the surveys as a survey tool exports them (docs/survey_exports.md; with --regenerate on an existing demo)",
    )
    demo.add_argument(
        "--people-by", choices=("id", "email", "name"), default="id", help="name people in the surveys by id, e-mail or full name"
    )
    demo.add_argument("--force", action="store_true", help=FORCE_HELP)
    demo.set_defaults(func=cmd_demo)
    run = sub.add_parser("run", help="run the landed waves")
    run.add_argument("--waves", help="FIRST[:LAST], e.g. 2021-Q1:2021-Q4")
    run.add_argument(
        "--set", action="append", default=[], metavar="RESOURCE.FIELD=VALUE",
        help="change a setting for this run, e.g. gates.max_population_change=0.6 (repeatable; docs/data_quality.md)",
    )
    run.add_argument("--force", action="store_true", help=FORCE_HELP)
    run.set_defaults(func=cmd_run)
    check = sub.add_parser(
        "check", help="dry run: read and validate the landed waves as a run would, write nothing (exit 1 if one would be rejected)"
    )
    check.add_argument("--waves", help="FIRST[:LAST], e.g. 2021-Q1:2021-Q4")
    check.add_argument(
        "--set", action="append", default=[], metavar="RESOURCE.FIELD=VALUE",
        help="check with a setting changed, as scl run --set (repeatable)",
    )
    check.set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    # Library warnings (e.g. personal-data columns dropped) show as notes under the stage lines.
    from scl_pipeline.defs.runs.supervision import Interrupted, signals_interrupt
    from scl_pipeline.lib.ingestion.readers import LandingFileError
    from scl_pipeline.lib.runs.progress import NOTE_FORMAT

    logging.basicConfig(level=logging.WARNING, format=NOTE_FORMAT)

    from scl_pipeline.lib.lake_access import private_umask

    try:
        # Everything this process creates (landing copies of the demo, the warehouse, graphs,
        # DAGSTER_HOME) is private; the serving copy and the reports are opened to the serving group.
        with signals_interrupt(), private_umask():
            return args.func(args)
    except (CliError, LandingFileError) as exc:
        print(f"scl: {exc}", file=sys.stderr)
        return 2
    except Interrupted as exc:  # outside a run (a run's own interruption exits in run_waves)
        print(f"scl: stopped by {exc}", file=sys.stderr)
        return 128 + exc.signum


if __name__ == "__main__":
    sys.exit(main())
