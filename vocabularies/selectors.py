"""Read queries on the vocabularies."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.cache import cache
from django.db import models

# A backstop only: a saved or deleted term drops its vocabulary at once (vocabularies.apps), and a term
# the cached copy lacks (created in bulk, without signals) reads it again. Ids are never reused, except by
# a flush that restarts them (benchmarks): clear a shared cache after reloading a database under it.
TERM_INDEX_SECONDS = 3600


def _index_key(model: type[models.Model]) -> str:
    return f"portrait:vocabulary:{model._meta.label_lower}"


def _term_index_load(model: type[models.Model]) -> dict[int, tuple[int, str]]:
    terms = model.objects.order_by("order", "name").values_list("pk", "name")  # the database's collation
    index = {pk: (rank, name) for rank, (pk, name) in enumerate(terms)}
    cache.set(_index_key(model), index, TERM_INDEX_SECONDS)
    return index


def term_index_forget(model: type[models.Model]) -> None:
    cache.delete(_index_key(model))


def term_names_in_order(model: type[models.Model], id_lists: Iterable[Iterable[int]]) -> list[list[str]]:
    """For each list of term ids, their names in vocabulary order (`order`, then name as the database sorts).

    Exports name the terms of thousands of rows per chunk: the vocabulary (tens of terms) is read once into
    the shared cache instead of being joined and sorted by every chunk's query (a list page, 25 rows,
    prefetches its terms in order: `customers.selectors.customer_list`). A term the cached copy lacks reads the
    vocabulary again; ids of terms deleted since are left out.
    """
    return term_names_in_order_many({model: id_lists})[model]


def term_names_in_order_many(
    id_lists_by_model: Mapping[type[models.Model], Iterable[Iterable[int]]],
) -> dict[type[models.Model], list[list[str]]]:
    """`term_names_in_order` for several vocabularies (needs and hobbies) in one read of the cache:
    with the cache in Redis, each read is a round trip."""
    keys = {model: _index_key(model) for model in id_lists_by_model}
    cached = cache.get_many(keys.values())
    named = {}
    for model, id_lists in id_lists_by_model.items():
        lists = [list(ids) for ids in id_lists]
        try:
            named[model] = _names_in_order(cached[keys[model]], lists)
        except KeyError:  # not cached, or a term the cached copy lacks
            index = _term_index_load(model)
            named[model] = _names_in_order(index, [[pk for pk in ids if pk in index] for ids in lists])
    return named


def _names_in_order(index: dict[int, tuple[int, str]], lists: list[list[int]]) -> list[list[str]]:
    """Each list's names by rank; KeyError for an id `index` lacks. Sorts (rank, name) pairs: a page names
    hundreds of ids, and a Python key function per id was a tenth of naming them."""
    return [[name for _, name in sorted(map(index.__getitem__, ids))] for ids in lists]
