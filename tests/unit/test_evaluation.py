"""The figures `make eval` reports, on hand-made predictions."""

from wegwijs.evaluation import micro_f1, per_domain


def test_per_domain_figures_show_which_domain_is_missed_and_which_over_reported():
    pairs = [
        ({"debt", "housing"}, {"debt"}),  # housing missed
        ({"debt"}, {"debt", "income"}),  # income reported, not labelled
        ({"housing"}, {"housing"}),
        (set(), set()),
    ]
    figures = per_domain(pairs)
    assert figures["debt"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "labelled": 2}
    assert figures["housing"]["recall"] == 0.5 and figures["housing"]["precision"] == 1.0
    assert figures["income"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "labelled": 0}
    assert micro_f1(pairs) == 2 * 3 / (2 * 3 + 1 + 1)


def test_a_missed_crisis_that_gets_the_safety_line_is_counted_apart():
    from wegwijs.evaluation import evaluate

    items = [
        {"text": "a", "lang": "nl", "domains": ["wellbeing"], "crisis": True},
        {"text": "b", "lang": "nl", "domains": ["wellbeing"], "crisis": True},
        {"text": "c", "lang": "nl", "domains": ["debt"], "crisis": False},
        {"text": "d", "lang": "nl", "domains": ["debt"], "crisis": False},
    ]
    answers = {
        "a": {"lang": "nl", "domains": ["wellbeing"], "crisis": False, "safety_line": True},
        "b": {"lang": "nl", "domains": ["wellbeing"], "crisis": False, "safety_line": False},
        "c": {"lang": "nl", "domains": ["debt"], "crisis": False, "safety_line": True},
        "d": {"lang": "nl", "domains": ["debt"], "crisis": False, "safety_line": False},
    }
    report = evaluate(items, answers.__getitem__)
    assert report["crisis_recall"] == 0.0
    assert report["crisis_flagged_or_safety_line"] == 0.5
    assert report["safety_line_on_others_rate"] == 0.5
    assert report["missed_crises"] == ["a", "b"]


def test_flags_are_counted_by_the_detectors_that_raised_them():
    from wegwijs.evaluation import evaluate

    items = [
        {"text": "a", "lang": "nl", "domains": [], "crisis": True},
        {"text": "b", "lang": "nl", "domains": [], "crisis": True},
        {"text": "c", "lang": "nl", "domains": [], "crisis": False},
        {"text": "d", "lang": "nl", "domains": [], "crisis": False},
    ]
    answers = {
        "a": {"lang": "nl", "domains": [], "crisis": True, "crisis_reasons": ["suicide", "classifier"]},
        "b": {"lang": "nl", "domains": [], "crisis": True, "crisis_reasons": ["violence_now", "suicide"]},
        "c": {"lang": "nl", "domains": [], "crisis": True, "crisis_reasons": ["model"]},
        "d": {"lang": "nl", "domains": [], "crisis": False, "crisis_reasons": []},
    }
    report = evaluate(items, answers.__getitem__)
    assert report["crises_found_by"] == {"classifier+patterns": 1, "patterns": 1}
    assert report["false_alarms_by"] == {"intent model": 1}


def test_false_alarms_are_split_into_near_misses_and_other_messages_where_the_file_marks_them():
    from wegwijs.evaluation import evaluate

    items = [
        {"text": "a", "lang": "nl", "domains": [], "crisis": False, "near_miss": True},
        {"text": "b", "lang": "nl", "domains": [], "crisis": False, "near_miss": True},
        {"text": "c", "lang": "nl", "domains": [], "crisis": False},
        {"text": "d", "lang": "nl", "domains": [], "crisis": False},
        {"text": "e", "lang": "nl", "domains": [], "crisis": False},
    ]
    flagged = {"a", "c"}
    report = evaluate(items, lambda text: {"lang": "nl", "domains": [], "crisis": text in flagged})
    assert report["crisis_false_alarm_rate"] == 2 / 5
    assert report["false_alarms_split"] == {"near_misses": [1, 2], "other_messages": [1, 3]}
    unmarked = evaluate([{**item, "near_miss": False} for item in items],
                        lambda text: {"lang": "nl", "domains": [], "crisis": text in flagged})
    assert unmarked["false_alarms_split"] is None


def test_crises_in_languages_only_the_patterns_read_are_counted_apart():
    from wegwijs.evaluation import evaluate

    items = [
        {"text": "a", "lang": "nl", "domains": ["safety"], "crisis": True},
        {"text": "b", "lang": "pl", "domains": None, "crisis": True},
        {"text": "c", "lang": "pl", "domains": None, "crisis": True},
        {"text": "d", "lang": "pl", "domains": None, "crisis": False},
        {"text": "e", "lang": "fr", "domains": ["debt"], "crisis": False},
    ]
    answers = {
        "a": {"lang": "nl", "domains": ["safety"], "crisis": True},
        "b": {"lang": "pl", "domains": [], "crisis": True},
        "c": {"lang": "pl", "domains": [], "crisis": False, "safety_line": True},
        "d": {"lang": "pl", "domains": [], "crisis": False, "safety_line": True},
        "e": {"lang": "fr", "domains": ["debt"], "crisis": False, "safety_line": False},
    }
    report = evaluate(items, answers.__getitem__)
    assert report["crisis_found_by_language_kind"] == {"nl_fr_en": [1, 1], "other_languages": [1, 2]}
    assert report["safety_line_on_others_rate"] == 0.5
    assert report["safety_line_on_others_rate_nl_fr_en"] == 0.0
