"""Rules that live in one place, and the copies that must agree with it."""
import pytest
from django.core.exceptions import ValidationError

from customers.models import CustomerClass
from matching import engine, segmentation
from matching.scoring import class_rules
from matching.services import segments_compute


def test_the_engine_class_letters_are_the_customer_classes():
    """customers.models.CustomerClass is the definition; the Django-free engine keeps a copy pinned here."""
    assert "".join(CustomerClass.values) == engine.CLASS_LABELS


def test_class_rules_give_a_threshold_for_every_class_but_the_last(settings):
    settings.PORTRAIT_CLASS_THRESHOLDS = {"A": 9, "B": 7, "C": 5, "D": 3}
    assert class_rules()["thresholds"] == (9, 7, 5, 3)


@pytest.mark.parametrize(("k", "n", "too_small"), [(1, 10, True), (0, 10, True), (11, 10, False), (3, 2, False)])
def test_requested_k_out_of_range_is_refused(k, n, too_small):
    with pytest.raises(segmentation.KOutOfRange) as refused:
        segmentation.check_requested_k(k, n)
    assert refused.value.too_small is too_small


@pytest.mark.parametrize(("k", "n"), [(2, 2), (segmentation.MIN_K, 100), (8, 0)])
def test_requested_k_in_range_is_accepted(k, n):
    assert segmentation.check_requested_k(k, n) == k


def test_requested_k_must_be_an_integer():
    with pytest.raises(ValueError, match="integer"):
        segmentation.check_requested_k(2.5, 10)


@pytest.mark.django_db
def test_the_service_words_the_segmentation_rule(portraits):
    portraits.customer()
    with pytest.raises(ValidationError, match="at least 2"):
        segments_compute(actor=None, k=1)
    with pytest.raises(ValidationError, match="more than the 1 customers"):
        segments_compute(actor=None, k=3)
