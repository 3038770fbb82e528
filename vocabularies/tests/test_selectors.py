"""Term names in vocabulary order, from the cached vocabulary, and never stale after a change."""
from unittest import mock

import pytest
from django.core.cache import cache

from vocabularies.models import Hobby, Service
from vocabularies.selectors import term_names_in_order, term_names_in_order_many
from vocabularies.tests.factories import HobbyFactory, ServiceFactory

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


def test_several_vocabularies_are_named_with_one_read_of_the_cache():
    service, hobby = ServiceFactory(), HobbyFactory()
    term_names_in_order_many({Service: [[service.pk]], Hobby: [[hobby.pk]]})  # both into the cache

    with mock.patch.object(cache, "get_many", wraps=cache.get_many) as reads:
        named = term_names_in_order_many({Service: [[service.pk], []], Hobby: [[hobby.pk]]})

    assert named == {Service: [[service.name], []], Hobby: [[hobby.name]]}
    assert reads.call_count == 1


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
