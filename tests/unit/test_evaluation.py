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
