import pandas as pd

from scl_pipeline.lib.ingestion.people_matching import (
    AMBIGUOUS,
    People,
    UNMATCHED,
    hr_people_columns,
    name_key,
    resolve_people,
)


def _people() -> People:
    ids = pd.Series(["E1", "E2", "E3", "E4"])
    personal = pd.DataFrame(
        {
            "email": ["zoe.muller@example.com", "ana.berg@example.com", "a.berg@example.com", "li@example.com"],
            "full_name": ["Zoë Müller", "Ana Berg", "Ana  Berg", "Li Wei"],
        }
    )
    return People.from_hr(ids, personal)


def test_names_match_ignoring_case_spaces_accents_and_last_first_order():
    assert name_key("Müller, Zoë") == name_key(" zoe   MULLER ") == "zoe muller"
    resolved = resolve_people(pd.Series(["zoe muller", "Müller, Zoë", "Wei, Li"]), _people(), "name")
    assert resolved.ids.tolist() == ["E1", "E1", "E4"]
    assert resolved.how.tolist() == ["name", "name", "name"]


def test_a_name_of_two_people_is_ambiguous_and_an_unknown_one_unmatched():
    resolved = resolve_people(pd.Series(["ana berg", "Nobody Here"]), _people(), "name")
    assert resolved.ids.tolist() == [None, None]
    assert resolved.how.tolist() == [AMBIGUOUS, UNMATCHED]
    assert resolved.candidates.tolist() == [2, 0]


def test_auto_takes_emails_ids_and_names_apart():
    values = pd.Series([" ZOE.MULLER@example.com", "E2", "1001.0", "Li Wei", "x@elsewhere.org", None])
    resolved = resolve_people(values, _people(), "auto")
    assert resolved.ids.tolist() == ["E1", "E2", "1001.0", "E4", None, None]
    assert resolved.how.tolist() == ["email", "id", "id", "name", UNMATCHED, "missing"]


def test_ids_are_left_to_validation_as_given():
    resolved = resolve_people(pd.Series(["E9", "Ana Berg"]), _people(), "id")
    assert resolved.ids.tolist() == ["E9", "Ana Berg"] and set(resolved.how) == {"id"}


def test_hr_columns_read_for_matching():
    assert hr_people_columns(["Employee ID", "Work Email", "Full Name"]) == {"Work Email": "email", "Full Name": "full_name"}
    assert hr_people_columns(["id", "First Name", "Surname"]) == {"First Name": "first_name", "Surname": "last_name"}
    assert hr_people_columns(["id", "Mail (work)", "Name"], email_header="Mail (work)") == {"Mail (work)": "email", "Name": "full_name"}
    people = People.from_hr(pd.Series(["E1"]), pd.DataFrame({"first_name": ["Zoë"], "last_name": ["Müller"]}))
    assert people.lookup("name", "Muller, Zoe") == ("E1",)


def test_hr_ids_that_are_email_addresses_stay_ids():
    people = People.from_hr(pd.Series(["a.b@corp.example"]), pd.DataFrame({"email": ["other@corp.example"]}))
    resolved = resolve_people(pd.Series(["a.b@corp.example", "other@corp.example"]), people, "auto")
    assert resolved.how.tolist() == ["id", "email"] and resolved.ids.tolist() == ["a.b@corp.example", "a.b@corp.example"]
