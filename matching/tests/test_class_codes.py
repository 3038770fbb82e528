"""Classifying without the customer x manager matrices gives every customer the class the full overlaps give."""
import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching import engine
from matching.scoring import class_codes, snapshot_scores
from matching.selectors import class_inputs, matching_snapshot

from .conftest import HOBBIES, SERVICES, refreshed


def full_classes(needs, hobbies, capabilities, manager_hobbies, **rules):
    needs_match = engine.overlap(needs, capabilities)
    hobbies_match = engine.overlap(hobbies, manager_hobbies)
    return engine.classify(needs_match, hobbies_match, engine.best_managers(needs_match, hobbies_match), **rules)


@pytest.mark.parametrize("seed", range(20))
def test_best_counts_classify_like_the_full_matrices(seed, monkeypatch):
    rng = np.random.default_rng(seed)
    n_c, n_m, n_s, n_h = rng.integers(1, 300), rng.integers(0, 40), rng.integers(1, 25), rng.integers(0, 25)
    density = rng.uniform(0.05, 0.6)
    needs, hobbies = (rng.random((n_c, n)) < density for n in (n_s, n_h))
    capabilities, manager_hobbies = (rng.random((n_m, n)) < density for n in (n_s, n_h))
    monkeypatch.setattr(engine, "_BLOCK_CELLS", int(rng.integers(1, 500)))  # several row blocks
    thresholds = tuple(sorted(rng.choice(np.arange(1, 20), size=4, replace=False).tolist(), reverse=True))
    margin = int(rng.integers(0, 4))

    best, needs_best, hobbies_best = engine.TermTotals(needs, hobbies, capabilities, manager_hobbies).best()
    codes = engine.classify(needs_best[:, None], hobbies_best[:, None], np.minimum(best, 0), thresholds=thresholds,
                            upgrade_margin=margin)

    expected = full_classes(needs, hobbies, capabilities, manager_hobbies, thresholds=thresholds,
                            upgrade_margin=margin)
    np.testing.assert_array_equal(codes, expected)


def test_best_counts_are_the_best_managers_counts():
    needs = np.array([[1, 1, 0], [0, 0, 0]])
    hobbies = np.array([[1, 0], [1, 1]])
    capabilities = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1]])
    manager_hobbies = np.array([[1, 1], [0, 0], [1, 1]])

    best, needs_best, hobbies_best = engine.TermTotals(needs, hobbies, capabilities, manager_hobbies).best()

    assert best.tolist() == [1, 0]
    # customer 0: totals 2, 2, 1: the tie goes to more needs (manager 1: 2 needs, 0 hobbies)
    assert needs_best.tolist() == [2, 0] and hobbies_best.tolist() == [0, 2]


def test_terms_that_do_not_agree_are_refused_naming_their_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        engine.TermTotals(np.zeros((2, 3), int), np.zeros((2, 2), int), np.zeros((4, 2), int), np.zeros((4, 2), int))


@pytest.mark.django_db
def test_reclassifying_gives_the_classes_a_run_computes(portraits):
    rng = np.random.default_rng(7)
    for i in range(6):
        portraits.manager(f"m{i}", capabilities=rng.choice(SERVICES, 6, replace=False),
                          hobbies=rng.choice(HOBBIES, 6, replace=False), active=i != 5)
    customers = [
        portraits.customer(needs=rng.choice(SERVICES, int(rng.integers(0, 8)), replace=False),
                           hobbies=rng.choice(HOBBIES, int(rng.integers(0, 8)), replace=False))
        for _ in range(40)
    ]
    snapshot = matching_snapshot()
    expected = dict(zip(snapshot.customer_ids.tolist(), snapshot_scores(snapshot).class_letters()))

    from matching.services import customers_reclassify

    assert customers_reclassify(customer_ids=[c.pk for c in customers]) == expected
    assert {c.pk: refreshed(c).customer_class for c in customers} == expected


@pytest.mark.django_db
def test_class_inputs_read_only_the_customers_asked_for_in_chunks(portraits, monkeypatch):
    monkeypatch.setattr("matching.selectors.ID_CHUNK", 2)
    portraits.manager("m1", capabilities=SERVICES[:3], hobbies=HOBBIES[:2])
    asked = [portraits.customer(needs=SERVICES[:i], hobbies=HOBBIES[:1]) for i in range(5)]
    portraits.customer(needs=SERVICES)

    with CaptureQueriesContext(connection) as queries:
        inputs = class_inputs(customer_ids=[c.pk for c in asked] + [10**9])

    assert inputs.customer_ids.tolist() == sorted(c.pk for c in asked)
    assert inputs.customer_needs.sum(axis=1).tolist() == [0, 1, 2, 3, 4]
    assert inputs.manager_capabilities.shape == (1, len(SERVICES))
    assert len(queries) == 6 + 3 * 3  # vocabularies, branches, managers and their links; 3 chunks of 2 customers


def test_class_codes_without_active_managers_are_e(settings):
    codes = class_codes(np.ones((3, 2), np.uint8), np.zeros((3, 1), np.uint8), np.zeros((0, 2), np.uint8),
                        np.zeros((0, 1), np.uint8))

    assert codes.tolist() == [4, 4, 4]


@pytest.mark.django_db
def test_class_inputs_read_by_range_keep_only_the_customers_asked_for(portraits):
    portraits.manager("m1", capabilities=SERVICES[:3])
    customers = [portraits.customer(needs=SERVICES[:i], hobbies=HOBBIES[:i]) for i in range(6)]
    asked = customers[::2]  # dense enough to be read as one range, which takes in the others

    inputs = class_inputs(customer_ids=[c.pk for c in asked])

    assert inputs.customer_ids.tolist() == [c.pk for c in asked]
    assert inputs.customer_needs.sum(axis=1).tolist() == [0, 2, 4]
    assert inputs.customer_hobbies.sum(axis=1).tolist() == [0, 2, 4]
