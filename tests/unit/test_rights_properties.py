"""Properties of the exploration over random partial profiles (Hypothesis)."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rights import explore, load_catalogue

CATALOGUE = load_catalogue()
FIELDS = CATALOGUE.fields
TODAY = dt.date(2026, 11, 23)
SOURCES = [v for v in FIELDS["income_sources"].allowed if v != "none"]

VALUE = {
    "age": st.integers(0, 120),
    "postcode": st.integers(1000, 9999).map(str),
    "adults": st.integers(0, 6),
    "children_ages": st.lists(st.integers(0, 25), max_size=5),
    "income_sources": st.one_of(st.just(["none"]), st.lists(st.sampled_from(SOURCES), min_size=1, max_size=3, unique=True)),
    "yearly_gross_household_income": st.one_of(st.integers(0, 80000), st.floats(0, 80000, allow_nan=False)),
    "social_housing_waitlist_years": st.one_of(st.integers(0, 15), st.floats(0, 15, allow_nan=False)),
    **{name: st.booleans() for name, f in FIELDS.items() if f.kind == "bool"},
    **{name: st.sampled_from(f.allowed) for name, f in FIELDS.items() if f.kind == "choice"},
}
assert set(VALUE) == set(FIELDS)

partial_profiles = st.fixed_dictionaries({}, optional=VALUE)
complete_profiles = st.fixed_dictionaries(VALUE)


def results(profile):
    exploration = explore(profile, CATALOGUE, TODAY)
    return {item.code: status for status in ("may_be_entitled", "to_check", "ruled_out", "already")
            for item in getattr(exploration, status)}


@settings(max_examples=150, deadline=None)
@given(partial=partial_profiles, rest=complete_profiles)
def test_adding_facts_never_keeps_a_right_that_no_longer_fits(partial, rest):
    """Whatever facts are added to a partial profile, a right that 'may be' stays 'may be'
    unless it turns out the citizen already gets it; a ruled-out right stays ruled out;
    so no right is left in may_be_entitled while the facts contradict it."""
    complete = {**rest, **partial}
    before, after = results(partial), results(complete)
    for code, status in before.items():
        if status == "may_be_entitled":
            assert after[code] in ("may_be_entitled", "already"), code
        if status == "ruled_out":
            assert after[code] in ("ruled_out", "already"), code


@settings(max_examples=150, deadline=None)
@given(profile=partial_profiles, data=st.data())
def test_adding_one_fact_moves_rights_only_out_of_to_check(profile, data):
    missing = [name for name in FIELDS if name not in profile]
    if not missing:
        return
    name = data.draw(st.sampled_from(missing))
    before, after = results(profile), results({**profile, name: data.draw(VALUE[name])})
    for code, status in before.items():
        if status != "to_check":
            assert after[code] in (status, "already"), (code, name)


@settings(max_examples=100, deadline=None)
@given(profile=partial_profiles)
def test_every_right_is_in_exactly_one_result_and_why_names_a_known_fact(profile):
    exploration = explore(profile, CATALOGUE, TODAY)
    assert set(results(profile)) == set(CATALOGUE.rights)
    for finding in exploration.may_be_entitled:
        assert finding.facts and all(fact.field in profile for fact in finding.facts)
    for item in exploration.to_check:
        assert not set(item.missing) & set(profile)
        assert item.missing or item.checks, item.code  # something is said about what is left to check


def test_the_empty_profile_claims_nothing():
    assert explore({}, CATALOGUE, TODAY).as_contract("nl")["may_be_entitled"] == []
