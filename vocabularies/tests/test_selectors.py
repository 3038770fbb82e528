"""Term names in vocabulary order, from the cached vocabulary, and never stale after a change."""
import pytest

from vocabularies.models import Service
from vocabularies.selectors import term_names_in_order
from vocabularies.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_names_follow_the_order_then_the_name_as_the_database_sorts_them():
    late, tie_b, tie_a = (ServiceFactory(order=9, name="Zeta"), ServiceFactory(order=1, name="beta"),
                          ServiceFactory(order=1, name="Alpha"))

    assert term_names_in_order(Service, [[late.pk, tie_b.pk, tie_a.pk], [], [late.pk]]) == [
        ["Alpha", "beta", "Zeta"], [], ["Zeta"],
    ]


def test_the_vocabulary_is_read_once_then_served_from_the_cache(django_assert_num_queries):
    first, second = ServiceFactory(), ServiceFactory()
    with django_assert_num_queries(1):
        term_names_in_order(Service, [[first.pk]])
    with django_assert_num_queries(0):
        assert term_names_in_order(Service, [[second.pk, first.pk]]) == [[first.name, second.name]]


def test_a_renamed_or_reordered_term_shows_at_once():
    first, second = ServiceFactory(order=1, name="存款"), ServiceFactory(order=2, name="基金")
    term_names_in_order(Service, [[first.pk]])  # cached

    first.name, first.order = "定期存款", 3
    first.save()

    assert term_names_in_order(Service, [[first.pk, second.pk]]) == [["基金", "定期存款"]]


def test_a_term_created_in_bulk_without_signals_is_read_from_the_database():
    known = ServiceFactory()
    term_names_in_order(Service, [[known.pk]])  # cached without the new term

    Service.objects.bulk_create([Service(name="新服务", order=32000)])
    added = Service.objects.get(name="新服务")

    assert term_names_in_order(Service, [[added.pk, known.pk]]) == [[known.name, "新服务"]]


def test_a_deleted_term_is_left_out():
    kept, gone = ServiceFactory(), ServiceFactory()
    term_names_in_order(Service, [[kept.pk, gone.pk]])
    gone_pk = gone.pk
    gone.delete()

    assert term_names_in_order(Service, [[kept.pk, gone_pk]]) == [[kept.name]]
