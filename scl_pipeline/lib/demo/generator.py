"""Orchestration: draw the organisation, plant the story, write every landing file.

Order of events (all from one ``np.random.default_rng(seed)``, so a seed fixes every byte):

1. the organisation (countries, people, hierarchy, joiners) and its latent relationships;
2. the baseline survey, sampled from the relationships;
3. baseline key collaborators (SPEC §2 connector/spanner rules); participants chosen from them,
   the hub's bridges among them; the participants' own baseline network planted (``story``);
4. leavers (never a participant or key collaborator) and the new-bond plan (``bonds``);
5. the later survey waves, with participant pairs replaced by baseline ties plus started bonds;
6. the program roster and the experiment in the second-to-last wave, planted against the
   strong-tie graph of the wave before it (SPEC §3b's reference wave);
7. the truth file, with what was planted measured on the generator's own arrays (``measures``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from scl_pipeline.lib.demo.bonds import overlay_participant_ties, plan_bonds
from scl_pipeline.lib.demo.experiment import DEFINITIONS, INDICATORS, build_experiment, kbi_rates, member_neighbours
from scl_pipeline.lib.demo.experiment_plan import CASE_STUDY_RATES, E, K
from scl_pipeline.lib.demo.measures import (
    bridge_criticality,
    difference_in_differences,
    induced_edges,
    participant_wave,
    removal,
)
from scl_pipeline.lib.demo.network import edge_keys, key_collaborators, restore_roles, strong_edges
from scl_pipeline.lib.demo.organisation import build_organisation, hr_table, plan_leavers
from scl_pipeline.lib.demo.program import plant_baseline, select_participants
from scl_pipeline.lib.demo.relationships import build_relationships
from scl_pipeline.lib.demo.scale import scale_for
from scl_pipeline.lib.demo.story import HUB_SIZE_RANK, plan_story
from scl_pipeline.lib.demo.survey import (
    ENERGY_RELATION,
    draw_energy,
    draw_respondents,
    draw_trust,
    response_propensity,
    survey_table,
)
from scl_pipeline.lib.demo.survey_export import PEOPLE_BY, SURVEY_LAYOUTS, write_layout_config, write_survey
from scl_pipeline.lib.demo.truth import DemoTruth
from scl_pipeline.lib.demo.writer import write_table
from scl_pipeline.lib.contract import (
    ASSIGNMENT,
    DEFAULT_RELATION,
    FORMATS,
    HR_EXPORT,
    INTERACTIONS,
    ONA_SURVEY,
    PARTICIPANTS,
)
from scl_pipeline.lib.waves import parse_wave, previous_wave, wave_range, wave_start

PROGRAM_WEEKS = 8
ROLE_MARGIN = 1
COMPLETION_RATE = 0.93


def _program_dates(program_wave: str) -> tuple[dt.date, dt.date, str]:
    """Cohort start (the 15th of the wave's first month), its end 8 weeks later, and its name."""
    year, _ = parse_wave(program_wave)
    start = wave_start(program_wave) + dt.timedelta(days=14)
    end = start + dt.timedelta(weeks=PROGRAM_WEEKS)
    return start, end, f"{year}-C1"


def _experiment_start(wave: str) -> dt.datetime:
    """The first Monday at least six weeks into the wave, 09:00."""
    day = wave_start(wave) + dt.timedelta(days=44)
    day += dt.timedelta(days=(7 - day.weekday()) % 7)
    return dt.datetime(day.year, day.month, day.day, 9, 0, 0)


def generate_demo_org(
    landing_root: Path,
    people: int = 13_000,
    seed: int = 2020,
    first_wave: str = "2020-Q4",
    last_wave: str = "2022-Q4",
    file_format: str = "csv",
    survey_layout: str = "long",
    people_by: str = "id",
) -> DemoTruth:
    """Write a demo organisation's landing files under ``landing_root`` and return its truth.
    ``survey_layout`` (long, wide, multiselect) and ``people_by`` (id, email, name) say how its
    surveys are exported (:mod:`.survey_export`); the organisation and its nominations are the
    same whatever they are."""
    if file_format not in FORMATS:
        raise ValueError(f"file_format={file_format!r}: expected one of {', '.join(FORMATS)}")
    if survey_layout not in SURVEY_LAYOUTS:
        raise ValueError(f"survey_layout={survey_layout!r}: expected one of {', '.join(SURVEY_LAYOUTS)}")
    if people_by not in PEOPLE_BY:
        raise ValueError(f"people_by={people_by!r}: expected one of {', '.join(PEOPLE_BY)}")
    waves = wave_range(first_wave, last_wave)
    if len(waves) < 3:
        raise ValueError(f"{first_wave}..{last_wave} has {len(waves)} waves; the story needs at least 3")
    landing_root = Path(landing_root)
    scale = scale_for(people)
    rng = np.random.default_rng(seed)
    n_waves = len(waves)

    org = build_organisation(rng, people, scale.countries, n_waves, wave_start(waves[0]))
    relationships = build_relationships(rng, org)
    propensity = response_propensity(rng, org.size)
    hub = HUB_SIZE_RANK

    active0 = org.active(0)
    responded0 = draw_respondents(rng, org, propensity, 0, np.zeros(org.size, dtype=bool))
    drawn0 = draw_trust(rng, relationships, active0, responded0)
    # Clear key collaborators first, so planting the participants' ties rarely moves a role.
    participants, bridges = select_participants(
        rng,
        key_collaborators(drawn0, org.country, active0) & responded0,
        key_collaborators(drawn0, org.country, active0, margin=ROLE_MARGIN),
        responded0,
        drawn0,
        org.country,
        hub,
        scale.participants,
        scale.hub_participants,
    )
    member = np.zeros(org.size, dtype=bool)
    member[participants] = True
    story = plan_story(rng, participants, org.country, hub, bridges, scale.untied_participants)
    trust0 = restore_roles(rng, plant_baseline(rng, drawn0, member, story), participants, org.country, active0)
    key0 = key_collaborators(trust0, org.country, active0)
    del drawn0  # a million rows at 100,000 people
    org.invited[member] = True

    bonds = plan_bonds(rng, participants, org.country, story, n_waves - 1)
    plan_leavers(rng, org, key0 | member, n_waves)

    control_pool = np.flatnonzero(key0 & ~member)
    program_members = np.sort(rng.choice(participants, size=scale.program_members, replace=False))
    control_members = np.sort(
        rng.choice(control_pool, size=min(scale.control_members, len(control_pool)), replace=False)
    )

    experiment_wave = waves[-2]
    experiment_start = _experiment_start(experiment_wave)
    reference_wave = previous_wave(experiment_start.date())
    assert reference_wave in waves, (reference_wave, waves)  # waves are consecutive quarters

    files: list[Path] = []
    baseline_keys = edge_keys(story.a, story.b, org.size)
    participant_network: dict[str, dict[str, float]] = {}
    for w, wave in enumerate(waves):
        active = org.active(w)
        if w == 0:
            trust = trust0
        else:
            drawn = draw_trust(rng, relationships, active, draw_respondents(rng, org, propensity, w, member))
            trust = overlay_participant_ties(drawn, member, trust0, bonds, w)
        participant_network[wave] = participant_wave(trust, member, org.country, baseline_keys)
        if wave == reference_wave:
            reference_edges = strong_edges(trust)
        energy = draw_energy(rng, trust)
        folder = landing_root / "waves" / wave
        files.append(write_table(hr_table(org, w), folder / HR_EXPORT.stem, file_format))
        survey = survey_table(rng, org, wave_start(wave), trust, energy)
        files.append(write_survey(survey, org, folder / ONA_SURVEY.stem, file_format, survey_layout, people_by))
        del survey

    start, end, cohort = _program_dates(waves[1])
    roster = pd.DataFrame(
        {
            "employee_id": org.employee_id[participants],
            "cohort": cohort,
            "start_date": pd.Timestamp(start),
            "end_date": pd.Timestamp(end),
            "completed": rng.random(len(participants)) < COMPLETION_RATE,
        }
    )
    assert list(roster.columns) == list(PARTICIPANTS.columns)
    files.append(write_table(roster, landing_root / "program" / PARTICIPANTS.stem, file_format))

    year, quarter = parse_wave(experiment_wave)
    experiment_id = f"{year}-q{quarter}-collab-challenge"
    experiment_people = np.concatenate([program_members, control_members])
    experiment = build_experiment(
        rng,
        org.employee_id,
        member_neighbours(experiment_people, *reference_edges),
        program_members,
        control_members,
        experiment_start,
    )
    folder = landing_root / "experiments" / experiment_id
    files.append(write_table(experiment.assignment, folder / ASSIGNMENT.stem, "csv"))
    files.append(write_table(experiment.interactions, folder / INTERACTIONS.stem, "csv"))
    ra, rb = reference_edges
    among = np.isin(ra, experiment_people) & np.isin(rb, experiment_people)
    neighbour_pairs = {
        (min(x, y), max(x, y)) for x, y in zip(org.employee_id[ra[among]], org.employee_id[rb[among]])
    }
    rates = kbi_rates(experiment.assignment, experiment.interactions, neighbour_pairs)

    layout_config = write_layout_config(landing_root, survey_layout, (DEFAULT_RELATION, ENERGY_RELATION))
    if layout_config is not None:
        files.append(layout_config)

    last = trust  # the last wave's
    present = org.active(0) & org.active(n_waves - 1)
    a0, b0 = induced_edges(trust0, member)
    a1, b1 = induced_edges(last, member)
    hub_people = participants[org.country[participants] == hub]
    ids = org.employee_id
    codes = np.asarray(org.countries)
    sizes = np.bincount(org.country[active0], minlength=len(codes))
    bond_order = np.argsort(edge_keys(bonds.a, bonds.b, org.size) + bonds.onset * org.size**2, kind="stable")
    criticality = bridge_criticality(participants, a0, b0, org.country, story.bridges)
    truth = DemoTruth(
        seed=seed,
        people=people,
        file_format=file_format,
        waves=waves,
        baseline_wave=waves[0],
        scale=scale.as_dict(),
        countries={str(codes[c]): int(sizes[c]) for c in range(len(codes))},
        hub_country=str(codes[story.hub]),
        planted_bridges=sorted(ids[story.bridges].tolist()),
        bridge_groups={str(ids[b]): sorted(codes[g].tolist()) for b, g in zip(story.bridges, story.groups)},
        bridge_partners={
            str(ids[b]): sorted(ids[story.partners[story.partner_bridge == b]].tolist()) for b in story.bridges
        },
        baseline_key_collaborators=sorted(ids[key0].tolist()),
        participants=sorted(ids[participants].tolist()),
        cohort=cohort,
        program_start=start.isoformat(),
        program_end=end.isoformat(),
        hub_participants=sorted(ids[hub_people].tolist()),
        participants_without_participant_tie_at_baseline=sorted(ids[story.untied].tolist()),
        baseline_cross_country_participant_ties=int((org.country[a0] != org.country[b0]).sum()),
        bridge_criticality={
            str(ids[v]): {**c, "countries_cut_off": codes[c["countries_cut_off"]].tolist()}
            for v, c in criticality.items()
        },
        bridge_removal={
            waves[0]: removal(participants, a0, b0, story.bridges),
            waves[-1]: removal(participants, a1, b1, story.bridges),
        },
        hub_removal={waves[-1]: removal(participants, a1, b1, hub_people)},
        participant_network=participant_network,
        planted_effects=difference_in_differences(
            trust0,
            last,
            org.country,
            participants[present[participants]],
            np.flatnonzero(key0 & ~member & present),
        ),
        new_bonds=[
            sorted([str(ids[bonds.a[i]]), str(ids[bonds.b[i]])]) + [waves[int(bonds.onset[i])]] for i in bond_order
        ],
        participants_planned_to_bond=sorted(ids[bonds.bonders].tolist()),
        experiment_id=experiment_id,
        experiment_wave=experiment_wave,
        experiment_program=sorted(ids[program_members].tolist()),
        experiment_control=sorted(ids[control_members].tolist()),
        kbi_definitions=dict(DEFINITIONS),
        kbi_target_rates={k: {"program": CASE_STUDY_RATES[k][0], "control": CASE_STUDY_RATES[k][1]} for k in INDICATORS},
        kbi_rates=rates,
        kbi_k=K,
        kbi_reference_wave=reference_wave,
        files=sorted(p.relative_to(landing_root).as_posix() for p in files),
        kbi_e=E,
    )
    truth.write(landing_root)
    return truth
