"""Rules that live in one place, and the copies that must agree with it."""

from customers.models import CustomerClass
from matching import engine
from matching.scoring import class_rules


def test_the_engine_class_letters_are_the_customer_classes():
    """customers.models.CustomerClass is the definition; the Django-free engine keeps a copy pinned here."""
    assert "".join(CustomerClass.values) == engine.CLASS_LABELS


def test_class_rules_give_a_threshold_for_every_class_but_the_last(settings):
    settings.PORTRAIT_CLASS_THRESHOLDS = {"A": 9, "B": 7, "C": 5, "D": 3}
    assert class_rules()["thresholds"] == (9, 7, 5, 3)
