"""Numeric core of manager matching: arrays in, arrays out, no Django.

Rows are customers, columns are managers. Callers order rows and columns by
username, so "lowest index" in a tie-break means "smallest username" and every
result is reproducible from the database alone.
"""

import heapq
from dataclasses import dataclass

import numpy as np

# OR-Tools is imported by the optimal placement only (see _min_cost_flow): the greedy strategy, the
# classification of a saved portrait and the web pages never pay for loading it.

CLASS_LABELS = "ABCDE"
REASON_BEST, REASON_FALLBACK, REASON_NO_CAPACITY = 0, 1, 2
DEFAULT_THRESHOLDS = (13, 10, 7, 4)
DEFAULT_UPGRADE_MARGIN = 2
DEFAULT_MAX_ARCS = 4_000_000

_CLASS_E = len(CLASS_LABELS) - 1
_MAX_TERMS = 2**14  # totals of two int16 overlaps stay below 2**15
_BLOCK_CELLS = 2**17  # cells per row block: temporaries of at most 1 MB, which stay in cache (fastest measured)
_PRICE_ITERATIONS = 60
_POLISH_ITERATIONS = 20
# Managers are priced on at most this many customers (evenly spaced rows, room scaled to match): the
# prices only rank candidates, and the bound that proves the result is evaluated on every customer.
_PRICE_SAMPLE = 20_000
# ... and at least this many per manager: with 5,000 managers a 20k sample (4 each) priced them so loosely
# that 200k customers needed 10 candidates each to prove 0.5%; 12 each proved 0.27% with 5.
_PRICE_ROWS_PER_MANAGER = 12
_INT64_MAX = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Placement:
    """Result of placing customers onto managers.

    Attributes
    ----------
    assigned : ndarray of shape (n_customers,), dtype intp
        Manager column of each customer, -1 when unassigned.
    reasons : ndarray of shape (n_customers,), dtype int8
        ``REASON_BEST``, ``REASON_FALLBACK`` or ``REASON_NO_CAPACITY``.
    scores : ndarray of shape (n_customers,), dtype int64
        Total with the assigned manager, 0 when unassigned; kept so the
        caller can store it without the totals matrix.
    pruned : bool
        True when ``place_optimal`` kept only the top candidates per customer.
    candidates_per_customer : int or None
        Candidates kept per customer when pruned.
    upper_bound : float or None
        When pruned, a proven upper bound on the exact optimum's total (from
        the linear-programming dual), so ``optimality_gap`` is a guarantee.
    """

    assigned: np.ndarray
    reasons: np.ndarray
    scores: np.ndarray
    pruned: bool = False
    candidates_per_customer: int | None = None
    upper_bound: float | None = None

    @property
    def total_score(self) -> int:
        """Sum of the totals of placed customers."""
        return int(self.scores.sum())

    @property
    def optimality_gap(self) -> float:
        """At most this fraction of the exact optimum's total is lost (0.0 when solved exactly)."""
        if self.upper_bound is None or self.upper_bound <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.total_score) / self.upper_bound)


def multi_hot(rows, cols, *, shape):
    """Indicator matrix from (row, col) pairs, e.g. the rows of an M2M table.

    Parameters
    ----------
    rows, cols : array-like of shape (n_pairs,), integer
        Row and term index of each pair; duplicates are harmless.
    shape : tuple (n_rows, n_terms)

    Returns
    -------
    ndarray of shape (n_rows, n_terms), dtype uint8
    """
    if (
        len(shape) != 2
        or not all(isinstance(s, (int, np.integer)) and s >= 0 for s in shape)
    ):
        raise ValueError(f"shape must be two non-negative ints, got {shape!r}")
    rows = _index_vector("rows", rows)
    cols = _index_vector("cols", cols)
    if rows.shape != cols.shape:
        raise ValueError(
            f"rows of shape {rows.shape} and cols of shape {cols.shape} differ"
        )
    for name, idx, bound in (("rows", rows, shape[0]), ("cols", cols, shape[1])):
        if idx.size and (idx.min() < 0 or idx.max() >= bound):
            raise ValueError(f"{name} must lie in [0, {bound}) for shape {shape}")
    out = np.zeros(shape, dtype=np.uint8)
    out[rows, cols] = 1
    return out


def distinct_rows(*matrices):
    """Group the rows that are identical across 0/1 matrices laid side by side.

    Customers with the same needs and hobbies score alike against every
    manager, so scores need computing once per distinct portrait.

    Parameters
    ----------
    *matrices : ndarray of shape (n_rows, n_terms_i), 0/1
        At least one; all with the same number of rows.

    Returns
    -------
    first : ndarray of shape (n_distinct,), dtype intp
        Row of the first occurrence of each distinct row, in row order.
    inverse : ndarray of shape (n_rows,), dtype intp
        For each row, its position in ``first``: ``m[first][inverse]`` equals ``m``.
    """
    if not matrices:
        raise ValueError("distinct_rows needs at least one matrix")
    checked = [_indicator_matrix(f"matrices[{i}]", m) for i, m in enumerate(matrices)]
    n_rows = checked[0].shape[0]
    if any(m.shape[0] != n_rows for m in checked):
        raise ValueError(f"matrices must have the same number of rows, got {[m.shape for m in checked]}")
    if n_rows == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    # Pack each row's bits into bytes and compare rows as opaque byte strings: one 1-D sort.
    packed = np.packbits(np.hstack([m.astype(bool) for m in checked]), axis=1)
    if packed.shape[1] == 0:
        return np.zeros(1, dtype=np.intp), np.zeros(n_rows, dtype=np.intp)
    keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    # np.unique orders by key; renumber by first occurrence so the result follows row order.
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    return first[order].astype(np.intp), rank[inverse.ravel()].astype(np.intp)


def overlap(customer_terms, manager_terms, *, dtype=np.int16):
    """Count shared terms between every customer and every manager.

    Parameters
    ----------
    customer_terms : ndarray of shape (n_customers, n_terms), 0/1
    manager_terms : ndarray of shape (n_managers, n_terms), 0/1
        Columns must be the same vocabulary as ``customer_terms``.
    dtype : integer dtype, default int16
        Of the result; must hold ``n_terms`` (uint8 halves the memory of a large result).

    Returns
    -------
    ndarray of shape (n_customers, n_managers), dtype ``dtype``
    """
    customer_terms = _indicator_matrix("customer_terms", customer_terms)
    manager_terms = _indicator_matrix("manager_terms", manager_terms)
    if customer_terms.shape[1] != manager_terms.shape[1]:
        raise ValueError(
            f"customer_terms of shape {customer_terms.shape} and manager_terms "
            f"of shape {manager_terms.shape} must have the same number of terms"
        )
    n_terms = customer_terms.shape[1]
    if n_terms >= _MAX_TERMS:
        raise ValueError(f"at most {_MAX_TERMS - 1} terms, got {n_terms}")
    dtype = np.dtype(dtype)
    if not np.issubdtype(dtype, np.integer) or np.iinfo(dtype).max < n_terms:
        raise ValueError(f"dtype {dtype} cannot hold counts of up to {n_terms} terms")
    out = np.empty((customer_terms.shape[0], manager_terms.shape[0]), dtype=dtype)
    step = max(1, _BLOCK_CELLS // max(manager_terms.shape[0], 1))
    if n_terms <= 64 and hasattr(np, "bitwise_count"):
        # Each row's terms as the bits of one integer: the shared terms are the bits set in both. An AND and
        # a popcount per pair, in row blocks, use a quarter of the CPU of the float product below.
        customers, managers = _term_bits(customer_terms), _term_bits(manager_terms)
        for start in range(0, customer_terms.shape[0], step):
            out[start:start + step] = np.bitwise_count(customers[start:start + step, None] & managers)
        return out
    # BLAS runs float products, numpy's integer matmul does not; counts this small are exact in float32.
    # Row blocks keep the float intermediate small; int16 halves the memory of the (large) result.
    managers = np.ascontiguousarray(manager_terms.T, dtype=np.float32)
    for start in range(0, customer_terms.shape[0], step):
        block = customer_terms[start:start + step].astype(np.float32)
        out[start:start + step] = block @ managers
    return out


def _term_bits(terms):
    """Rows of a 0/1 matrix of at most 64 columns as unsigned integers, bit j set when column j is 1."""
    packed = np.packbits(terms.astype(bool), axis=1, bitorder="little")
    width = next(size for size in (1, 2, 4, 8) if size >= packed.shape[1])
    padded = np.zeros((terms.shape[0], width), dtype=np.uint8)
    padded[:, :packed.shape[1]] = packed
    return padded.view(f"<u{width}").ravel()


class TermTotals:
    """Totals of every customer x manager pair (needs offered plus hobbies shared), computed from the terms
    a block of customers at a time and never held whole.

    ``place_greedy`` and ``place_optimal`` take one wherever they take a totals matrix: at 1M customers x
    5,000 managers that matrix alone would take 5 GB, the terms 40 MB. With up to 64 terms (needs and
    hobbies together) each row's terms are the bits of one integer, and a pair's total is the popcount of
    an AND: a pass over every pair costs about what reading a stored matrix would. Larger vocabularies
    take one float product per block (BLAS, exact for counts this small).

    Parameters
    ----------
    customer_needs : ndarray of shape (n_customers, n_services), 0/1
    customer_hobbies : ndarray of shape (n_customers, n_hobbies), 0/1
    manager_capabilities : ndarray of shape (n_managers, n_services), 0/1
    manager_hobbies : ndarray of shape (n_managers, n_hobbies), 0/1
    """

    def __init__(self, customer_needs, customer_hobbies, manager_capabilities, manager_hobbies):
        customer_needs, customer_hobbies, manager_capabilities, manager_hobbies = _term_matrices(
            customer_needs, customer_hobbies, manager_capabilities, manager_hobbies
        )
        self._set(
            np.hstack([customer_needs, customer_hobbies]).astype(np.uint8),
            np.hstack([manager_capabilities, manager_hobbies]).astype(np.uint8),
            customer_needs.shape[1],
        )

    def _set(self, customers, managers, n_services):
        self._customers, self._managers, self.n_services = customers, managers, n_services
        self.shape = (customers.shape[0], managers.shape[0])
        self._block_rows = max(1, _BLOCK_CELLS // max(self.shape[1], 1))
        self._bits = customers.shape[1] <= 64 and hasattr(np, "bitwise_count")
        if self._bits:
            self._customer_bits, self._manager_bits = _term_bits(customers), _term_bits(managers)
            self._needs_bits = self._customer_bits.dtype.type((1 << n_services) - 1)
        else:
            self._managers_by_term = np.ascontiguousarray(managers.T, dtype=np.float32)

    def _derived(self, customers, managers):
        derived = object.__new__(TermTotals)
        derived._set(customers, managers, self.n_services)
        return derived

    def customer_rows(self, rows):
        """The same totals for some customers only (rows of this one, in the order given)."""
        return self._derived(self._customers[rows], self._managers)

    def manager_columns(self, cols):
        """The same totals against some managers only (columns of this one, in the order given)."""
        return self._derived(self._customers, self._managers[cols])

    def _of_rows(self, rows):
        if self._bits:
            return np.bitwise_count(self._customer_bits[rows, None] & self._manager_bits)
        return self._customers[rows].astype(np.float32) @ self._managers_by_term

    def blocks(self):
        """(first row, totals of a block of rows) over every row; the totals are small integers, in uint8 or
        float32."""
        step = self._block_rows
        for start in range(0, self.shape[0], step):
            yield start, self._of_rows(slice(start, start + step))

    def rows(self, rows):
        """Dense totals of some rows, as an integer matrix (a price sample, one customer's candidates), computed
        a block at a time: the temporaries of 60k rows x 5,000 managers at once would take 2.4 GB."""
        rows = np.arange(self.shape[0])[rows]
        out = np.empty((len(rows), self.shape[1]), dtype=np.uint8 if self._bits else np.int16)
        step = self._block_rows
        for start in range(0, len(rows), step):
            out[start:start + step] = self._of_rows(rows[start:start + step])
        return out

    def overlaps(self, rows, cols):
        """(shared needs, shared hobbies) of each (rows[i], cols[i]) pair, as int64 arrays."""
        rows, cols = np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)
        if self._bits:
            shared = self._customer_bits[rows] & self._manager_bits[cols]
            needs = np.bitwise_count(shared & self._needs_bits).astype(np.int64)
            return needs, np.bitwise_count(shared).astype(np.int64) - needs
        needs = np.empty(rows.shape, dtype=np.int64)
        hobbies = np.empty(rows.shape, dtype=np.int64)
        step = max(1, _BLOCK_CELLS // max(self._customers.shape[1], 1))
        for start in range(0, rows.size, step):
            shared = self._customers[rows[start:start + step]] & self._managers[cols[start:start + step]]
            needs[start:start + step] = shared[:, :self.n_services].sum(axis=1)
            hobbies[start:start + step] = shared[:, self.n_services:].sum(axis=1)
        return needs, hobbies

    def pairs(self, rows, cols):
        """Total of each (rows[i], cols[i]) pair, as an int64 array."""
        needs, hobbies = self.overlaps(rows, cols)
        return needs + hobbies

    def max(self):
        """An upper bound of every total (no customer shares more terms than it or a manager has)."""
        if not all(self.shape):
            return 0
        return int(min(self._customers.sum(axis=1).max(), self._managers.sum(axis=1).max()))

    def best(self):
        """Best manager of each customer as ``best_managers`` picks it (total, then needs, then lowest index),
        with the overlaps it brings: (best, needs_best, hobbies_best), -1 and 0s when there is no manager.

        One pass, whose row maximum of ``total * scale + needs`` (scale > any needs count) encodes both.
        """
        n_customers, n_managers = self.shape
        best = np.full(n_customers, -1, dtype=np.intp)
        needs_best = np.zeros(n_customers, dtype=np.int64)
        hobbies_best = np.zeros(n_customers, dtype=np.int64)
        if n_customers == 0 or n_managers == 0:
            return best, needs_best, hobbies_best
        n_terms = self._customers.shape[1]
        scale = self.n_services + 1
        if not self._bits:
            # needs * (scale + 1) + hobbies * scale as one product; float32 is exact below 2**24
            dtype = np.float32 if (n_terms + 1) * scale < 2**24 else np.float64
            weights = np.array([scale + 1] * self.n_services + [scale] * (n_terms - self.n_services), dtype=dtype)
            weighted = np.ascontiguousarray(self._managers.T * weights[:, None], dtype=dtype)
        keys = np.empty(n_customers, dtype=np.int64)
        step = self._block_rows
        for start in range(0, n_customers, step):
            if self._bits:
                shared = self._customer_bits[start:start + step, None] & self._manager_bits
                key = np.bitwise_count(shared).astype(np.uint16)  # at most 64 * 65 + 64
                key *= scale
                key += np.bitwise_count(shared & self._needs_bits)
            else:
                key = self._customers[start:start + step].astype(dtype) @ weighted
            columns = key.argmax(axis=1)
            best[start:start + len(columns)] = columns
            keys[start:start + len(columns)] = key[np.arange(len(columns)), columns]
        needs_best[:] = keys % scale
        hobbies_best[:] = keys // scale - needs_best
        return best, needs_best, hobbies_best

def best_managers(needs_match, hobbies_match):
    """Best manager of each customer by total, then needs, then lowest index.

    Parameters
    ----------
    needs_match, hobbies_match : ndarray of shape (n_customers, n_managers)
        Non-negative overlap counts.

    Returns
    -------
    ndarray of shape (n_customers,), dtype intp
        Manager column, -1 for everyone when ``n_managers == 0``.
    """
    needs_match, hobbies_match = _overlap_pair(needs_match, hobbies_match)
    return _best_managers(needs_match, hobbies_match)


def _term_matrices(customer_needs, customer_hobbies, manager_capabilities, manager_hobbies):
    """The four 0/1 term matrices, checked to agree in shape."""
    customer_needs = _indicator_matrix("customer_needs", customer_needs)
    customer_hobbies = _indicator_matrix("customer_hobbies", customer_hobbies)
    manager_capabilities = _indicator_matrix("manager_capabilities", manager_capabilities)
    manager_hobbies = _indicator_matrix("manager_hobbies", manager_hobbies)
    n_customers, n_services = customer_needs.shape
    n_managers, n_hobbies = manager_hobbies.shape
    if (
        customer_hobbies.shape != (n_customers, n_hobbies)
        or manager_capabilities.shape != (n_managers, n_services)
    ):
        raise ValueError(
            f"customer_needs {customer_needs.shape}, customer_hobbies {customer_hobbies.shape}, "
            f"manager_capabilities {manager_capabilities.shape} and manager_hobbies {manager_hobbies.shape} "
            "must agree: (n_customers, n_services), (n_customers, n_hobbies), (n_managers, n_services), "
            "(n_managers, n_hobbies)"
        )
    if n_services + n_hobbies >= _MAX_TERMS:
        raise ValueError(f"at most {_MAX_TERMS - 1} terms, got {n_services + n_hobbies}")
    return customer_needs, customer_hobbies, manager_capabilities, manager_hobbies


def classify(
    needs_match,
    hobbies_match,
    best,
    *,
    thresholds=DEFAULT_THRESHOLDS,
    upgrade_margin=DEFAULT_UPGRADE_MARGIN,
):
    """Class code (0=A .. 4=E) of each customer from its best manager's overlaps.

    The total sets the class; a customer whose needs lead its hobbies by at
    least ``upgrade_margin`` moves up one class, because a service fit matters
    more to the bank than a shared pastime.

    Parameters
    ----------
    needs_match, hobbies_match : ndarray of shape (n_customers, n_managers)
        Non-negative overlap counts.
    best : ndarray of shape (n_customers,)
        Column to read per customer, -1 for "no manager" (class E).
    thresholds : tuple of 4 ints, non-increasing
        Minimum totals of classes A, B, C and D.
    upgrade_margin : int

    Returns
    -------
    ndarray of shape (n_customers,), dtype int8
    """
    needs_match, hobbies_match = _overlap_pair(needs_match, hobbies_match)
    best = _column_vector("best", best, *needs_match.shape)
    thresholds = tuple(thresholds)
    if (
        len(thresholds) != 4
        or not all(isinstance(t, (int, np.integer)) for t in thresholds)
        or list(thresholds) != sorted(thresholds, reverse=True)
    ):
        raise ValueError(
            f"thresholds must be 4 non-increasing ints (A, B, C, D), got {thresholds}"
        )
    if not isinstance(upgrade_margin, (int, np.integer)):
        raise ValueError(f"upgrade_margin must be an int, got {upgrade_margin!r}")
    needs = _at_columns(needs_match, best)
    hobbies = _at_columns(hobbies_match, best)
    passed = sum((needs + hobbies >= t).astype(np.int8) for t in thresholds)
    codes = _CLASS_E - passed
    upgrade = needs >= hobbies + upgrade_margin
    codes = np.where(upgrade, np.maximum(codes - 1, 0), codes)
    codes[best < 0] = _CLASS_E
    return codes.astype(np.int8)


def place_greedy(totals, best, classes, *, eligible, capacity, load):
    """Place customers one by one, the old system's rule.

    Customers go in order of class, then total with their best manager
    (highest first), then row index. Each takes its best manager if eligible
    with room, else the eligible manager with room and the lowest current
    load (lowest index on ties), else stays unassigned.

    Parameters
    ----------
    totals : ndarray of shape (n_customers, n_managers), or TermTotals
        Non-negative integer scores.
    best : ndarray of shape (n_customers,)
        Best manager column per customer, -1 for none.
    classes : ndarray of shape (n_customers,)
        Class codes 0..4.
    eligible : ndarray of shape (n_managers,), dtype bool
        Active and accepting customers.
    capacity : ndarray of shape (n_managers,), int >= 1
    load : ndarray of shape (n_managers,), int >= 0
        Customers already held that are not being placed in this run.

    Returns
    -------
    Placement
    """
    totals, best, eligible, capacity, load = _placement_inputs(
        totals, best, eligible, capacity, load
    )
    classes = np.asarray(classes)
    if classes.shape != best.shape or not np.issubdtype(classes.dtype, np.integer):
        raise ValueError(
            f"classes must be integer of shape {best.shape}, "
            f"got {classes.dtype} of shape {classes.shape}"
        )
    if classes.size and (classes.min() < 0 or classes.max() > _CLASS_E):
        raise ValueError(f"classes must lie in [0, {_CLASS_E}]")
    assigned = _place_greedy(
        totals, best, classes, free_room(eligible, capacity, load), load
    )
    return _placement(totals, best, assigned)


def place_optimal(
    totals, best, *, eligible, capacity, load, max_arcs=DEFAULT_MAX_ARCS, max_candidates=None, target_gap=None
):
    """Place as many customers as room allows with the largest sum of totals.

    Solved as a min-cost flow. Priorities are strict: first the number placed
    (``min(n_customers, free room)``), then the sum of totals, then even final
    loads (the k-th new customer of manager j costs ``load[j] + k``). When
    ``n_customers * n_managers_with_room > max_arcs`` only the top
    ``k = max(1, max_arcs // n_customers)`` managers per customer are kept
    (at most ``max_candidates``), plus a zero-score overflow route that keeps
    the number placed maximal.

    Parameters
    ----------
    totals : ndarray of shape (n_customers, n_managers), or TermTotals
        Non-negative integer scores.
    best : ndarray of shape (n_customers,)
        Best manager column per customer, -1 for none; only sets reasons.
    eligible : ndarray of shape (n_managers,), dtype bool
    capacity : ndarray of shape (n_managers,), int >= 1
    load : ndarray of shape (n_managers,), int >= 0
    max_arcs : int >= 1
        Customer-manager arcs allowed before pruning.
    max_candidates : int >= 1 or None
        When pruned, start with at most this many candidates per customer even
        if ``max_arcs`` allows more (``target_gap`` widens them when the bound
        asks for it). None: as many as ``max_arcs`` allows.
    target_gap : float or None
        When pruned and the proven gap exceeds this fraction, solve again with
        twice the candidates per customer (while that stays below every
        manager), so the result is proven within ``target_gap`` of the exact
        optimum whenever the bound can show it. None: one solve.

    Returns
    -------
    Placement
    """
    totals, best, eligible, capacity, load = _placement_inputs(
        totals, best, eligible, capacity, load
    )
    if not isinstance(max_arcs, (int, np.integer)) or max_arcs < 1:
        raise ValueError(f"max_arcs must be a positive int, got {max_arcs!r}")
    if max_candidates is not None and (not isinstance(max_candidates, (int, np.integer)) or max_candidates < 1):
        raise ValueError(f"max_candidates must be a positive int or None, got {max_candidates!r}")
    if target_gap is not None and not 0 <= target_gap < 1:
        raise ValueError(f"target_gap must lie in [0, 1), got {target_gap!r}")
    n_customers = totals.shape[0]
    free = free_room(eligible, capacity, load)
    open_ = np.flatnonzero(free)
    n_place = min(n_customers, int(free.sum()))
    assigned = np.full(n_customers, -1, dtype=np.intp)
    if n_place == 0:
        return _placement(totals, best, assigned)
    # Column selection returns Fortran order; every later pass works along rows. With room everywhere (a
    # rebalance) the totals are used as they are: no 100k x 1,000 copy.
    if isinstance(totals, TermTotals):
        candidates_totals = totals if open_.size == totals.shape[1] else totals.manager_columns(open_)
    elif open_.size == totals.shape[1]:
        candidates_totals = np.ascontiguousarray(totals)
    else:
        candidates_totals = np.ascontiguousarray(totals[:, open_])
    if n_customers * open_.size <= max_arcs:
        local = _min_cost_flow(candidates_totals, free[open_], load[open_], n_place, None)
        assigned[local >= 0] = open_[local[local >= 0]]
        return _placement(totals, best, assigned)

    k = max(1, max_arcs // n_customers)
    if max_candidates is not None:
        k = min(k, max_candidates)
    local, bound, k = _pruned_min_cost_flow(
        candidates_totals, free[open_], load[open_], n_place, k, target_gap=target_gap
    )
    assigned[local >= 0] = open_[local[local >= 0]]
    return _placement(
        totals, best, assigned, pruned=True, candidates_per_customer=k, upper_bound=bound
    )


def _best_managers(needs_match, hobbies_match):
    if needs_match.shape[1] == 0:
        return np.full(needs_match.shape[0], -1, dtype=np.intp)
    if needs_match.shape[0] == 0:
        return np.empty(0, dtype=np.intp)
    # One key orders by total, then needs; argmax returns the first maximum: the lowest-index tie-break.
    # The smallest integer type that holds it, a row block at a time: no full-size temporaries.
    scale = int(needs_match.max()) + 1
    top = (int(needs_match.max()) + int(hobbies_match.max()) + 1) * scale
    key_type = np.int16 if top < 2**15 else np.int32 if top < 2**31 else np.int64
    out = np.empty(needs_match.shape[0], dtype=np.intp)
    for start, block in _row_blocks(needs_match):
        stop = start + len(block)
        key = block.astype(key_type)
        np.add(key, hobbies_match[start:stop], out=key, casting="unsafe")
        key *= scale
        np.add(key, block, out=key, casting="unsafe")
        out[start:stop] = key.argmax(axis=1)
    return out


def _place_greedy(totals, best, classes, free, load):
    n_customers = totals.shape[0]
    assigned = np.full(n_customers, -1, dtype=np.intp)
    if not free.any():
        return assigned
    best_total = _at_columns(totals, best)
    order = np.lexsort((np.arange(n_customers), -best_total, classes))
    # Plain lists and a heap of (current load, column) over managers with room: the lowest load, lowest
    # column on ties, as argmin would give, without an O(n_managers) scan per fallback. Entries whose
    # load is stale or whose manager is full are dropped when they reach the top.
    room, current, best = free.tolist(), load.tolist(), best.tolist()
    lightest = [(current[j], j) for j in range(len(room)) if room[j] > 0]
    heapq.heapify(lightest)
    out = assigned.tolist()
    for i in order.tolist():
        j = best[i]
        if j < 0 or room[j] == 0:
            while lightest and (room[lightest[0][1]] == 0 or current[lightest[0][1]] != lightest[0][0]):
                heapq.heappop(lightest)
            if not lightest:
                break
            j = lightest[0][1]
        out[i] = j
        room[j] -= 1
        current[j] += 1
        if room[j]:
            heapq.heappush(lightest, (current[j], j))
    return np.asarray(out, dtype=np.intp)


def _pruned_min_cost_flow(totals, free, load, n_place, k, *, target_gap=None):
    """Solve on each customer's k best candidates by price, and prove how close to exact that is.

    Ranking candidates by score alone fails when everyone wants the same managers: they fill up and
    the rest fall to the zero-score overflow. So managers are priced first, by subgradient steps on
    the dual of the transportation problem, aimed at a quick greedy total; candidates are ranked by
    score minus price, the managers an exact optimum uses. A few more steps aimed at the result's
    own total tighten the dual's upper bound on the exact optimum. Above ``_PRICE_SAMPLE`` customers
    (and ``_PRICE_ROWS_PER_MANAGER`` per manager) the steps run on evenly spaced rows with room scaled
    alike; the bound is always evaluated on every customer, so it stays a proof. Returns (assigned,
    upper bound, candidates per customer used).
    """
    n_customers, n_managers = totals.shape
    sample = _sample_rows(n_customers, max(_PRICE_SAMPLE, _PRICE_ROWS_PER_MANAGER * n_managers))
    sample_totals = _dense_rows(totals, slice(None) if sample is None else sample)
    share = sample_totals.shape[0] / n_customers
    sample_free = free if sample is None else np.floor(free * share).astype(np.int64)
    quick = _place_greedy(
        sample_totals, sample_totals.argmax(axis=1), np.zeros(sample_totals.shape[0], np.int8), sample_free, load
    )
    prices, _ = _dual_prices(sample_totals, free * share, target=_total(sample_totals, quick))
    bound = np.inf
    while True:
        candidates, priced_bound = _top_k_by_price(totals, free, prices, k)
        bound = min(bound, priced_bound)
        assigned = _min_cost_flow(totals, free, load, n_place, candidates)
        total = _total(totals, assigned)
        polished, _ = _dual_prices(
            sample_totals, free * share, target=total * share, prices=prices, iterations=_POLISH_ITERATIONS
        )
        bound = min(bound, _dual_bound(totals, free, polished))
        gap = (bound - total) / bound if bound > 0 else 0.0
        if target_gap is None or gap <= target_gap or 2 * k >= n_managers:
            break
        k *= 2
    return assigned, max(bound, float(total)), k


def _sample_rows(n_rows, limit):
    """Evenly spaced rows when there are more than `limit`, else None (use them all)."""
    if n_rows <= limit:
        return None
    return np.linspace(0, n_rows - 1, limit).round().astype(np.intp)


def _row_blocks(totals):
    step = max(1, _BLOCK_CELLS // max(totals.shape[1], 1))
    for start in range(0, totals.shape[0], step):
        yield start, totals[start:start + step]


def _reduced_blocks(totals, prices):
    """(first row, float32 ``totals - prices`` of a block of rows) over every row of a totals matrix or
    `TermTotals`; the caller may change each block."""
    prices = np.asarray(prices, dtype=np.float32)
    for start, block in totals.blocks() if isinstance(totals, TermTotals) else _row_blocks(totals):
        yield start, np.subtract(block, prices, dtype=np.float32)


def _dense_rows(totals, rows):
    """Some rows of a totals matrix or `TermTotals`, as a matrix."""
    return totals.rows(rows) if isinstance(totals, TermTotals) else totals[rows]


def _pairs(totals, rows, cols):
    """``totals[rows, cols]`` of a totals matrix or `TermTotals`."""
    return totals.pairs(rows, cols) if isinstance(totals, TermTotals) else totals[rows, cols]


def _dual_bound(totals, free, prices):
    """sum_i max(0, max_j s_ij - p_j) + sum_j free_j p_j over every customer, a row block at a time."""
    gain = 0.0
    for _start, reduced in _reduced_blocks(totals, prices):
        gain += float(np.maximum(reduced.max(axis=1), 0).sum(dtype=np.float64))
    return gain + float(free.astype(np.float64) @ np.asarray(prices, dtype=np.float64))


def _top_k_by_price(totals, free, prices, k):
    """Columns of each row's k largest ``totals - prices`` (deterministic), and the dual bound of the same
    prices (see `_dual_bound`), in one pass over the rows."""
    out = np.empty((totals.shape[0], k), dtype=np.intp)
    gain = 0.0
    for start, key in _reduced_blocks(totals, prices):
        out[start:start + len(key)] = _top_k(key, k)
        gain += float(np.maximum(key.max(axis=1), 0).sum(dtype=np.float64))
    return out, gain + float(free.astype(np.float64) @ np.asarray(prices, dtype=np.float64))


def _top_k(key, k):
    """Columns of each row's k largest keys; argpartition is deterministic for a given input."""
    if k == 1:  # a million customers with one candidate each: argmax is ten times faster
        return key.argmax(axis=1)[:, None]
    if k >= key.shape[1]:
        return np.broadcast_to(np.arange(key.shape[1]), key.shape).copy()
    return np.argpartition(key, key.shape[1] - k, axis=1)[:, key.shape[1] - k:]


def _total(totals, assigned):
    placed = np.flatnonzero(assigned >= 0)
    return int(_pairs(totals, placed, assigned[placed]).sum())


def _dual_prices(totals, free, *, target, iterations=_PRICE_ITERATIONS, prices=None):
    """Manager prices p >= 0 and the best bound sum_i max(0, max_j s_ij - p_j) + sum_j free_j p_j.

    Any p gives an upper bound on the best total (LP duality; the constraint matrix is totally
    unimodular, so the LP optimum is the integer one). Polyak steps aim at `target`, a total that
    some placement reaches, halving the step when the bound stalls.
    """
    free = free.astype(np.float64)
    prices = np.zeros(totals.shape[1], dtype=np.float32) if prices is None else prices
    best_prices, best_bound, theta, stalled = prices, np.inf, 1.0, 0
    choice = np.empty(totals.shape[0], dtype=np.intp)
    gain = np.empty(totals.shape[0], dtype=np.float32)
    for _ in range(iterations):
        # A row block at a time: no float copy of a 60k x 5,000 sample, and the block stays in cache.
        for start, block in _row_blocks(totals):
            reduced = np.subtract(block, prices, dtype=np.float32)
            chosen = reduced.argmax(axis=1)
            choice[start:start + len(block)] = chosen
            gain[start:start + len(block)] = reduced[np.arange(len(block)), chosen]
        np.maximum(gain, 0, out=gain)
        bound = float(gain.sum(dtype=np.float64) + free @ prices)
        if bound < best_bound - 1e-6:
            best_prices, best_bound, stalled = prices, bound, 0
        else:
            stalled += 1
            if stalled >= 5:
                theta, stalled = theta / 2, 0
        demand = np.bincount(choice[gain > 0], minlength=totals.shape[1])
        slope = free - demand
        norm = float(slope @ slope)
        if norm == 0 or best_bound - target < 1e-6:
            break
        prices = np.maximum(prices - theta * (bound - target) / norm * slope, 0).astype(np.float32)
    return best_prices, best_bound


def _min_cost_flow(totals, free, load, n_place, candidates):
    """Assign ``n_place`` customers to managers that all have room.

    Nodes: source, customers, managers, [overflow], sink. Each manager reaches
    the sink through unit arcs of rising cost ``load + 1, load + 2, ...``, a
    convex cost that favours even loads. Scores are scaled by more than the
    largest possible evenness cost, so one point of total always wins.
    ``candidates`` (n_customers, k) limits each customer's managers; an
    overflow node then keeps the number placed maximal. None: every pair.
    """
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

    n_customers, n_managers = totals.shape
    k = None if candidates is None else candidates.shape[1]
    slots = np.minimum(free, n_place)
    max_unit = int((load + slots).max())
    scale = n_place * max_unit + 1
    if n_place * (int(totals.max()) * scale + max_unit) > _INT64_MAX:
        raise ValueError(
            f"totals of shape {totals.shape} with max {totals.max()} overflow "
            "int64 flow costs"
        )
    customer_node = 1 + np.arange(n_customers, dtype=np.int32)
    manager_node = 1 + n_customers + np.arange(n_managers, dtype=np.int32)
    overflow = 1 + n_customers + n_managers
    sink = overflow + (k is not None)

    if k is None:
        rows = np.repeat(np.arange(n_customers), n_managers)
        cols = np.tile(np.arange(n_managers), n_customers)
    else:
        rows = np.repeat(np.arange(n_customers), k)
        cols = candidates.ravel()

    flow = SimpleMinCostFlow()
    _add_arcs(flow, np.zeros(n_customers, np.int32), customer_node, 1, 0)
    candidate_arcs = _add_arcs(
        flow,
        customer_node[rows],
        manager_node[cols],
        1,
        -scale * _pairs(totals, rows, cols).astype(np.int64),
    )
    if k is not None:
        overflow_in = _add_arcs(
            flow, customer_node, np.full(n_customers, overflow, np.int32), 1, 0
        )
        overflow_out = _add_arcs(
            flow, np.full(n_managers, overflow, np.int32), manager_node, slots, 0
        )
    starts = np.cumsum(slots) - slots
    rank = np.arange(int(slots.sum())) - np.repeat(starts, slots) + 1
    _add_arcs(
        flow,
        np.repeat(manager_node, slots),
        np.full(rank.size, sink, np.int32),
        1,
        np.repeat(load, slots) + rank,
    )
    flow.set_nodes_supplies(
        np.array([0, sink], np.int32), np.array([n_place, -n_place], np.int64)
    )
    status = flow.solve()
    if status != SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status!r}")

    assigned = np.full(n_customers, -1, dtype=np.intp)
    used = flow.flows(candidate_arcs) > 0
    assigned[rows[used]] = cols[used]
    if k is not None:
        # The model scores overflow customers 0, so every pairing with the
        # managers the overflow fed is equally good there: take index order.
        via_overflow = np.flatnonzero(flow.flows(overflow_in) > 0)
        fed = flow.flows(overflow_out)
        assigned[via_overflow] = np.repeat(np.arange(n_managers), fed)
    return assigned


def _add_arcs(flow, tails, heads, capacity, cost):
    n = len(tails)
    return flow.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, np.int32),
        np.asarray(heads, np.int32),
        np.broadcast_to(np.asarray(capacity, np.int64), n).copy(),
        np.broadcast_to(np.asarray(cost, np.int64), n).copy(),
    )


def _placement(totals, best, assigned, **flags):
    reasons = np.where(assigned == best, REASON_BEST, REASON_FALLBACK)
    reasons[assigned < 0] = REASON_NO_CAPACITY
    return Placement(
        assigned=assigned,
        reasons=reasons.astype(np.int8),
        scores=_at_columns(totals, assigned),
        **flags,
    )


def free_room(eligible, capacity, load):
    """Slots each manager can still take: ``capacity - load`` where eligible (never negative), else 0."""
    return np.where(eligible, np.maximum(capacity - load, 0), 0).astype(np.int64)


def _at_columns(matrix, cols):
    """``matrix[i, cols[i]]`` per row (of a matrix or `TermTotals`), 0 where ``cols[i] == -1``."""
    out = np.zeros(matrix.shape[0], dtype=np.int64)
    rows = np.flatnonzero(cols >= 0)
    out[rows] = _pairs(matrix, rows, cols[rows])
    return out


def _index_vector(name, values):
    values = np.asarray(values)
    if values.size == 0:
        return values.reshape(0).astype(np.intp)
    if values.ndim != 1 or not np.issubdtype(values.dtype, np.integer):
        raise ValueError(
            f"{name} must be a 1-D integer array, got {values.dtype} "
            f"of shape {values.shape}"
        )
    return values


def _indicator_matrix(name, values):
    values = np.asarray(values)
    if values.ndim != 2 or not (
        values.dtype == bool or np.issubdtype(values.dtype, np.integer)
    ):
        raise ValueError(
            f"{name} must be a 2-D bool or integer array, got {values.dtype} "
            f"of shape {values.shape}"
        )
    if values.size and not np.isin(values, (0, 1)).all():
        raise ValueError(f"{name} of shape {values.shape} must hold only 0 and 1")
    return values


def _count_matrix(name, values):
    values = np.asarray(values)
    if values.ndim != 2 or not np.issubdtype(values.dtype, np.integer):
        raise ValueError(
            f"{name} must be a 2-D integer array, got {values.dtype} "
            f"of shape {values.shape}"
        )
    if values.size and values.min() < 0:
        raise ValueError(f"{name} of shape {values.shape} must be non-negative")
    return values


def _overlap_pair(needs_match, hobbies_match):
    needs_match = _count_matrix("needs_match", needs_match)
    hobbies_match = _count_matrix("hobbies_match", hobbies_match)
    if needs_match.shape != hobbies_match.shape:
        raise ValueError(
            f"needs_match of shape {needs_match.shape} and hobbies_match "
            f"of shape {hobbies_match.shape} differ"
        )
    return needs_match, hobbies_match


def _column_vector(name, values, n_customers, n_managers):
    values = np.asarray(values)
    if values.shape != (n_customers,) or not np.issubdtype(values.dtype, np.integer):
        raise ValueError(
            f"{name} must be integer of shape ({n_customers},), got {values.dtype} "
            f"of shape {values.shape}"
        )
    if values.size and (values.min() < -1 or values.max() >= n_managers):
        raise ValueError(f"{name} must lie in [-1, {n_managers})")
    return values.astype(np.intp)


def _placement_inputs(totals, best, eligible, capacity, load):
    if not isinstance(totals, TermTotals):
        totals = _count_matrix("totals", totals)
    n_customers, n_managers = totals.shape
    best = _column_vector("best", best, n_customers, n_managers)
    eligible = np.asarray(eligible)
    if eligible.shape != (n_managers,) or eligible.dtype != bool:
        raise ValueError(
            f"eligible must be bool of shape ({n_managers},), got {eligible.dtype} "
            f"of shape {eligible.shape}"
        )
    checked = []
    for name, values, low in (("capacity", capacity, 1), ("load", load, 0)):
        values = np.asarray(values)
        if values.shape != (n_managers,) or not np.issubdtype(values.dtype, np.integer):
            raise ValueError(
                f"{name} must be integer of shape ({n_managers},), got "
                f"{values.dtype} of shape {values.shape}"
            )
        if values.size and values.min() < low:
            raise ValueError(f"{name} of shape {values.shape} must be >= {low}")
        checked.append(values.astype(np.int64))
    return totals, best, eligible, *checked
