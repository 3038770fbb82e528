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
REASON_BEST, REASON_FALLBACK, REASON_NO_CAPACITY, REASON_NO_ELIGIBLE_MANAGER = 0, 1, 2, 3
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
        ``REASON_BEST`` (the best manager, or one with the same total),
        ``REASON_FALLBACK`` (a manager with a lower total), ``REASON_NO_CAPACITY``
        or ``REASON_NO_ELIGIBLE_MANAGER`` (see `Eligibility`).
    scores : ndarray of shape (n_customers,), dtype int64
        Total with the assigned manager, 0 when unassigned; kept so the
        caller can store it without the totals matrix.
    pruned : bool
        True when ``place_optimal`` kept only the top candidates per customer.
    candidates_per_customer : int or None
        Candidates kept per customer when pruned.
    upper_bound : float or None
        When pruned, a proven upper bound on the exact optimum's objective (from
        the linear-programming dual), so ``optimality_gap`` is a guarantee.
    objective_scores : ndarray of shape (n_customers,), dtype int64, or None
        What each placement is worth in the optimal rule's objective when it is
        not the plain total: the total, less the region penalty of the pair,
        plus the move cost when the customer stays with their current manager
        (see `place_optimal`). None: the objective is ``scores``.
    """

    assigned: np.ndarray
    reasons: np.ndarray
    scores: np.ndarray
    pruned: bool = False
    candidates_per_customer: int | None = None
    upper_bound: float | None = None
    objective_scores: np.ndarray | None = None

    @property
    def total_score(self) -> int:
        """Sum of the totals of placed customers."""
        return int(self.scores.sum())

    @property
    def objective(self) -> int:
        """Sum of what the placements are worth in the optimal rule's objective (``total_score`` without
        penalties or move costs)."""
        return self.total_score if self.objective_scores is None else int(self.objective_scores.sum())

    @property
    def optimality_gap(self) -> float:
        """At most this fraction of the exact optimum's objective is lost (0.0 when solved exactly)."""
        if self.upper_bound is None or self.upper_bound <= 0:
            return 0.0
        return max(0.0, (self.upper_bound - self.objective) / self.upper_bound)


@dataclass(frozen=True)
class Eligibility:
    """Which managers may serve which customers, by groups: never a customer x manager matrix.

    Customers of one group (a branch and a service tier, say) may be served by the same managers at the
    same penalty; 1M customers in 60 groups against 5,000 managers take a 60 x 5,000 matrix. Build one
    from branches, regions and tiers with `eligibility_groups`.

    Parameters
    ----------
    customer_group : ndarray of shape (n_customers,), integer in [0, n_groups)
    allowed : ndarray of shape (n_groups, n_managers), dtype bool
        ``allowed[g, j]``: manager j may serve customers of group g (a hard constraint: no placement,
        greedy or optimal, and no best manager outside it).
    penalty : ndarray of shape (n_groups, n_managers), integer >= 0, or None
        Score points an allowed pair is worth less to the rule (a same-region manager of another
        branch, say): the best manager and the optimal objective use ``total - penalty``; stored
        scores stay the plain totals. None: no penalty.

    Notes
    -----
    A customer left without a manager gets ``REASON_NO_ELIGIBLE_MANAGER`` when none of the managers
    allowed for their group had free room before the placement while some other manager had: the
    constraint, not the bank's capacity, leaves them out. Otherwise (their managers' room went to
    others, or nobody had room) the reason stays ``REASON_NO_CAPACITY``.
    """

    customer_group: np.ndarray
    allowed: np.ndarray
    penalty: np.ndarray | None = None

    @property
    def n_groups(self) -> int:
        return self.allowed.shape[0]

    def customer_rows(self, rows) -> "Eligibility":
        """The same eligibility for some customers only (rows in the order given)."""
        return Eligibility(self.customer_group[rows], self.allowed, self.penalty)

    def manager_columns(self, cols) -> "Eligibility":
        """The same eligibility against some managers only (columns in the order given)."""
        return Eligibility(
            self.customer_group, self.allowed[:, cols], None if self.penalty is None else self.penalty[:, cols]
        )

    def pair_penalty(self, rows, cols):
        """Penalty of each (rows[i], cols[i]) pair, as int64 (zeros without penalties)."""
        rows = np.asarray(rows, dtype=np.intp)
        if self.penalty is None:
            return np.zeros(rows.shape, dtype=np.int64)
        return self.penalty[self.customer_group[rows], np.asarray(cols, dtype=np.intp)].astype(np.int64)


BRANCH_POLICIES = ("none", "branch", "region")


def eligibility_groups(
    customer_branch, customer_tier, manager_branch, manager_tiers, branch_region, *, policy, region_penalty=0
):
    """Eligibility of customers by branch and service tier, grouped by (branch, tier).

    Parameters
    ----------
    customer_branch : ndarray of shape (n_customers,), integer
        Branch index of each customer, -1 for none (any branch may serve them).
    customer_tier : ndarray of shape (n_customers,), integer in [0, n_tiers)
    manager_branch : ndarray of shape (n_managers,), integer
        Branch index of each manager, -1 for none (serves every branch).
    manager_tiers : ndarray of shape (n_managers, n_tiers), dtype bool
        Tiers each manager serves (a row of all True: every tier).
    branch_region : ndarray of shape (n_branches,), integer
        Region index of each branch.
    policy : {"none", "branch", "region"}
        ``none``: branches do not matter; ``branch``: only a manager of the customer's branch (or
        without one) serves them; ``region``: also managers of another branch of the same region, at
        ``region_penalty`` points less.
    region_penalty : int >= 0

    Returns
    -------
    Eligibility
        One group per distinct (branch, tier) of the customers, numbered in order of first occurrence.
    """
    customer_branch = _integer_vector("customer_branch", customer_branch)
    customer_tier = _integer_vector("customer_tier", customer_tier)
    manager_branch = _integer_vector("manager_branch", manager_branch)
    branch_region = _integer_vector("branch_region", branch_region)
    manager_tiers = np.asarray(manager_tiers)
    n_customers, n_managers = customer_branch.shape[0], manager_branch.shape[0]
    if manager_tiers.ndim != 2 or manager_tiers.dtype != bool or manager_tiers.shape[0] != n_managers:
        raise ValueError(
            f"manager_tiers must be bool of shape ({n_managers}, n_tiers), got {manager_tiers.dtype} "
            f"of shape {manager_tiers.shape}"
        )
    n_tiers, n_branches = manager_tiers.shape[1], branch_region.shape[0]
    if customer_tier.shape != (n_customers,):
        raise ValueError(
            f"customer_tier of shape {customer_tier.shape} and customer_branch of shape "
            f"{customer_branch.shape} differ"
        )
    for name, values, low, high in (
        ("customer_branch", customer_branch, -1, n_branches),
        ("manager_branch", manager_branch, -1, n_branches),
        ("customer_tier", customer_tier, 0, n_tiers),
    ):
        if values.size and (values.min() < low or values.max() >= high):
            raise ValueError(f"{name} must lie in [{low}, {high})")
    if policy not in BRANCH_POLICIES:
        raise ValueError(f"policy must be one of {BRANCH_POLICIES}, got {policy!r}")
    if not isinstance(region_penalty, (int, np.integer)) or region_penalty < 0:
        raise ValueError(f"region_penalty must be a non-negative int, got {region_penalty!r}")
    keys = (customer_branch.astype(np.int64) + 1) * max(n_tiers, 1) + customer_tier
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    group = rank[inverse.ravel()].astype(np.intp)
    group_branch, group_tier = customer_branch[first[order]], customer_tier[first[order]]
    allowed = manager_tiers[:, group_tier].T.copy()  # (n_groups, n_managers)
    penalty = None
    if policy != "none":
        same = (
            (group_branch[:, None] == manager_branch[None, :])
            | (group_branch[:, None] < 0)
            | (manager_branch[None, :] < 0)
        )
        if policy == "branch":
            allowed &= same
        else:
            region = np.where(group_branch >= 0, branch_region[np.maximum(group_branch, 0)], -1)
            manager_region = np.where(manager_branch >= 0, branch_region[np.maximum(manager_branch, 0)], -2)
            near = (region[:, None] == manager_region[None, :]) & ~same
            allowed &= same | near
            if region_penalty:
                penalty = np.where(near & allowed, region_penalty, 0).astype(np.int64)
    return Eligibility(group, allowed, penalty)


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
        rows = np.arange(*rows.indices(self.shape[0])) if isinstance(rows, slice) else np.arange(self.shape[0])[rows]
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

    def best(self, eligibility=None):
        """Best manager of each customer as ``best_managers`` picks it (total, then needs, then lowest index),
        with the overlaps it brings: (best, needs_best, hobbies_best), -1 and 0s when there is no manager.

        One pass, whose row maximum of ``total * scale + needs`` (scale > any needs count) encodes both.
        With an `Eligibility`, the best *eligible* manager by ``total - penalty``, then needs, then lowest
        index: each group of customers is scored against its allowed managers only.
        """
        if eligibility is not None:
            eligibility = _eligibility_inputs(eligibility, *self.shape)
            return self._best_eligible(eligibility)
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

    def _best_eligible(self, eligibility):
        n_customers = self.shape[0]
        best = np.full(n_customers, -1, dtype=np.intp)
        needs_best = np.zeros(n_customers, dtype=np.int64)
        hobbies_best = np.zeros(n_customers, dtype=np.int64)
        for g, rows in _group_rows(eligibility.customer_group, eligibility.n_groups):
            cols = np.flatnonzero(eligibility.allowed[g])
            if not cols.size:
                continue
            penalties = np.zeros(cols.size, np.int64) if eligibility.penalty is None else eligibility.penalty[g, cols]
            # Best within each penalty level, then the best of the levels by (total - penalty, needs, -column).
            found = None
            for level in np.unique(penalties):
                level_cols = cols[penalties == level]
                b, nb, hb = self.customer_rows(rows).manager_columns(level_cols).best()
                key = np.stack([nb + hb - level, nb, -level_cols[b]])
                if found is None:
                    found = (key, level_cols[b], nb, hb)
                    continue
                better = _lexicographically_greater(key, found[0])
                found = tuple(np.where(better, new, old) for new, old in zip((key, level_cols[b], nb, hb), found))
            best[rows], needs_best[rows], hobbies_best[rows] = found[1], found[2], found[3]
        return best, needs_best, hobbies_best

def best_managers(needs_match, hobbies_match, *, eligibility=None):
    """Best manager of each customer by total, then needs, then lowest index.

    Parameters
    ----------
    needs_match, hobbies_match : ndarray of shape (n_customers, n_managers)
        Non-negative overlap counts.
    eligibility : Eligibility or None
        When given, the best *eligible* manager, by ``total - penalty``, then needs, then lowest
        index; -1 for a customer no manager may serve. The class (`classify`) is then the fit with
        the best eligible manager.

    Returns
    -------
    ndarray of shape (n_customers,), dtype intp
        Manager column, -1 for everyone when ``n_managers == 0``.
    """
    needs_match, hobbies_match = _overlap_pair(needs_match, hobbies_match)
    if eligibility is None:
        return _best_managers(needs_match, hobbies_match)
    eligibility = _eligibility_inputs(eligibility, *needs_match.shape)
    n_customers, n_managers = needs_match.shape
    if n_customers == 0 or n_managers == 0:
        return np.full(n_customers, -1, dtype=np.intp)
    group = eligibility.customer_group
    scale = int(needs_match.max()) + 1
    key = (needs_match.astype(np.int64) + hobbies_match) * scale + needs_match
    if eligibility.penalty is not None:
        key -= eligibility.penalty[group].astype(np.int64) * scale
    allowed = eligibility.allowed[group]
    key[~allowed] = np.iinfo(np.int64).min
    best = key.argmax(axis=1).astype(np.intp)
    best[~allowed.any(axis=1)] = -1
    return best


def _group_rows(customer_group, n_groups):
    """(group, rows of that group) for every group with customers, rows in order."""
    order = np.argsort(customer_group, kind="stable")
    bounds = np.searchsorted(customer_group[order], np.arange(n_groups + 1))
    for g in range(n_groups):
        if bounds[g + 1] > bounds[g]:
            yield g, order[bounds[g]:bounds[g + 1]]


def _lexicographically_greater(a, b):
    """Columns where the key rows of ``a`` (shape (n_keys, n)) exceed those of ``b``, first key first."""
    greater = np.zeros(a.shape[1], dtype=bool)
    equal = np.ones(a.shape[1], dtype=bool)
    for x, y in zip(a, b):
        greater |= equal & (x > y)
        equal &= x == y
    return greater


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


def place_greedy(totals, best, classes, *, eligible, capacity, load, eligibility=None):
    """Place customers one by one, the old system's rule.

    Customers go in order of class, then total with their best manager
    (highest first), then row index. Each takes its best manager if eligible
    with room, else the eligible manager with room and the lowest current
    load (lowest index on ties), else stays unassigned.

    With an `Eligibility`, "eligible" also means allowed for the customer's
    group: ``best`` must be the best eligible manager (`best_managers` or
    `TermTotals.best` with the same eligibility), the order uses
    ``total - penalty`` with it, and the fallback looks among the customer's
    allowed managers only.

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
    eligibility : Eligibility or None
        Who may serve whom (hard constraints); None: any eligible manager.

    Returns
    -------
    Placement
    """
    totals, best, eligible, capacity, load = _placement_inputs(
        totals, best, eligible, capacity, load
    )
    if eligibility is not None:
        eligibility = _eligibility_inputs(eligibility, *totals.shape)
        _check_best_allowed(best, eligibility)
    classes = np.asarray(classes)
    if classes.shape != best.shape or not np.issubdtype(classes.dtype, np.integer):
        raise ValueError(
            f"classes must be integer of shape {best.shape}, "
            f"got {classes.dtype} of shape {classes.shape}"
        )
    if classes.size and (classes.min() < 0 or classes.max() > _CLASS_E):
        raise ValueError(f"classes must lie in [0, {_CLASS_E}]")
    free = free_room(eligible, capacity, load)
    if eligibility is None:
        return _placement(totals, best, _place_greedy(totals, best, classes, free, load))
    assigned = _place_greedy_eligible(totals, best, classes, free, load, eligibility)
    return _placement(totals, best, assigned, eligibility=eligibility, free=free)


def _check_best_allowed(best, eligibility):
    placed = np.flatnonzero(best >= 0)
    if not eligibility.allowed[eligibility.customer_group[placed], best[placed]].all():
        raise ValueError("best must name a manager allowed by the eligibility (or -1) for every customer")


def _place_greedy_eligible(totals, best, classes, free, load, eligibility):
    """`_place_greedy` where each customer's fallback looks among their group's allowed managers only.

    One heap of (load, column) per group, built when the group first needs a fallback. Loads only grow,
    so an entry whose load is stale is pushed back with the current one when it reaches the top.
    """
    n_customers = totals.shape[0]
    assigned = np.full(n_customers, -1, dtype=np.intp)
    if not free.any():
        return assigned
    best_key = _at_columns(totals, best)
    has_best = np.flatnonzero(best >= 0)
    best_key[has_best] -= eligibility.pair_penalty(has_best, best[has_best])
    order = np.lexsort((np.arange(n_customers), -best_key, classes))
    room, current, best_list = free.tolist(), load.tolist(), best.tolist()
    group = eligibility.customer_group.tolist()
    heaps = {}
    out = assigned.tolist()
    for i in order.tolist():
        j = best_list[i]
        if j < 0 or room[j] == 0:
            g = group[i]
            heap = heaps.get(g)
            if heap is None:
                heap = [(current[c], c) for c in np.flatnonzero(eligibility.allowed[g] & (free > 0)).tolist()]
                heapq.heapify(heap)
                heaps[g] = heap
            while heap:
                stale_load, c = heap[0]
                if room[c] == 0:
                    heapq.heappop(heap)
                elif current[c] != stale_load:
                    heapq.heapreplace(heap, (current[c], c))
                else:
                    break
            if not heap:
                continue
            j = heap[0][1]
        out[i] = j
        room[j] -= 1
        current[j] += 1
    return np.asarray(out, dtype=np.intp)


def place_optimal(
    totals,
    best,
    *,
    eligible,
    capacity,
    load,
    max_arcs=DEFAULT_MAX_ARCS,
    max_candidates=None,
    target_gap=None,
    eligibility=None,
    current=None,
    move_cost=0,
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
    eligibility : Eligibility or None
        Hard constraints: no arc to a manager not allowed for the customer's
        group, and the placed count maximised is the largest that respects
        them (a max flow over groups and managers). The objective's score of a
        pair is ``total - penalty``. The problem splits into independent parts
        (groups and managers connected by allowed pairs: one per branch under
        the branch policy), each solved, pruned and proven on its own.
    current : ndarray of shape (n_customers,), integer in [-1, n_managers), or None
        Each customer's manager today (-1: none), for ``move_cost``.
    move_cost : int >= 0
        Score points that moving a customer away from their current manager
        (or leaving them without one) costs in the objective: the current
        manager's pair is worth ``move_cost`` more, so a customer moves only
        when the move gains more than ``move_cost`` (on a tie of the objective
        the plan keeping more customers wins, before even loads). 0: a plain
        rebalance.

    Returns
    -------
    Placement
        With ``objective_scores`` set when there is a penalty or a move cost.
    """
    totals, best, eligible, capacity, load = _placement_inputs(
        totals, best, eligible, capacity, load
    )
    if eligibility is not None:
        eligibility = _eligibility_inputs(eligibility, *totals.shape)
    if current is not None:
        current = _column_vector("current", current, *totals.shape)
    if not isinstance(move_cost, (int, np.integer)) or move_cost < 0:
        raise ValueError(f"move_cost must be a non-negative int, got {move_cost!r}")
    if not isinstance(max_arcs, (int, np.integer)) or max_arcs < 1:
        raise ValueError(f"max_arcs must be a positive int, got {max_arcs!r}")
    if max_candidates is not None and (not isinstance(max_candidates, (int, np.integer)) or max_candidates < 1):
        raise ValueError(f"max_candidates must be a positive int or None, got {max_candidates!r}")
    if target_gap is not None and not 0 <= target_gap < 1:
        raise ValueError(f"target_gap must lie in [0, 1), got {target_gap!r}")
    n_customers = totals.shape[0]
    free = free_room(eligible, capacity, load)
    if eligibility is not None or (current is not None and move_cost > 0):
        return _place_constrained(
            totals, best, free, load, eligibility, current if move_cost > 0 else None, int(move_cost),
            max_arcs=max_arcs, max_candidates=max_candidates, target_gap=target_gap,
        )
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


# An ineligible pair's effective score: far below any real one, exact in float32, and never summed.
_NO_ARC = -(2**20)


class _Effective:
    """What each pair is worth to the optimal rule: total, less the pair's penalty, plus the move cost when it
    is the customer's current manager; ``_NO_ARC`` when the pair is not allowed. Computed from the totals a
    block of rows at a time, like `TermTotals`, and read the same way (blocks, rows, pairs).
    """

    def __init__(self, totals, eligibility, current, bonus):
        self.totals, self.eligibility, self.current, self.bonus = totals, eligibility, current, bonus
        self.shape = totals.shape
        self._block_rows = max(1, _BLOCK_CELLS // max(self.shape[1], 1))

    def _of_rows(self, rows):
        out = _dense_rows(self.totals, rows).astype(np.int32)
        group = self.eligibility.customer_group[rows]
        if self.eligibility.penalty is not None:
            out -= self.eligibility.penalty[group].astype(np.int32)
        if self.current is not None and self.bonus:
            has = np.flatnonzero(self.current[rows] >= 0)
            out[has, self.current[rows][has]] += self.bonus
        out[~self.eligibility.allowed[group]] = _NO_ARC
        return out

    def blocks(self):
        step = self._block_rows
        for start in range(0, self.shape[0], step):
            yield start, self._of_rows(np.arange(start, min(start + step, self.shape[0]))).astype(np.float32)

    def rows(self, rows):
        rows = np.arange(*rows.indices(self.shape[0])) if isinstance(rows, slice) else np.arange(self.shape[0])[rows]
        out = np.empty((len(rows), self.shape[1]), dtype=np.int32)
        step = self._block_rows
        for start in range(0, len(rows), step):
            out[start:start + step] = self._of_rows(rows[start:start + step])
        return out

    def raw_pairs(self, rows, cols):
        return np.asarray(_pairs(self.totals, rows, cols), dtype=np.int64)

    def pairs(self, rows, cols):
        rows, cols = np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)
        out = self.raw_pairs(rows, cols) - self.eligibility.pair_penalty(rows, cols)
        if self.current is not None and self.bonus:
            out += self.bonus * (self.current[rows] == cols)
        return out

    def allowed_pairs(self, rows, cols):
        return self.eligibility.allowed[self.eligibility.customer_group[rows], cols]

    @property
    def keeps(self):
        """Whether a plan keeping more customers with their current manager wins ties of the objective."""
        return self.current is not None and self.bonus > 0

    @property
    def keep_weight(self):
        """What a point of effective score weighs against one customer kept (see `_constrained_flow`): more
        than the customers on any simple cycle of its residual graph."""
        return self.shape[1] + self.eligibility.n_groups + 3 if self.keeps else 1

    def values(self, rows, cols):
        """``keep_weight * pairs + 1`` when the pair is the customer's current manager: the objective with its
        tie-break, as the flow weighs it."""
        out = self.keep_weight * self.pairs(rows, cols)
        if self.keeps:
            out += self.current[rows] == cols
        return out

    def max_abs(self):
        """A bound on every effective score's magnitude."""
        top = _totals_max(self.totals) + self.bonus
        low = 0 if self.eligibility.penalty is None or not self.eligibility.penalty.size else int(
            self.eligibility.penalty.max()
        )
        return max(top, low)


def _totals_max(totals):
    if hasattr(totals, "max") and not isinstance(totals, np.ndarray):
        return int(totals.max())
    return int(totals.max()) if totals.size else 0


def _place_constrained(totals, best, free, load, eligibility, current, move_cost, *, max_arcs, max_candidates,
                       target_gap, even=True):
    """`place_optimal` with eligibility and/or a move cost: each independent part solved on its own.

    ``even=False`` drops the even-loads tie-break (an optimal plan in placed count and score all the same,
    solved faster: capacity planning's numbers do not depend on it)."""
    n_customers, n_managers = totals.shape
    if eligibility is None:
        eligibility = Eligibility(np.zeros(n_customers, np.intp), np.ones((1, n_managers), bool))
    assigned = np.full(n_customers, -1, dtype=np.intp)
    bound, pruned, kept = 0.0, False, None
    for rows, cols in _parts(eligibility, free):
        local, part_bound, k = _solve_part(
            totals, eligibility, free, load, current, move_cost, rows, cols,
            max_arcs=max_arcs, max_candidates=max_candidates, target_gap=target_gap, even=even,
        )
        placed = local >= 0
        assigned[rows[placed]] = cols[local[placed]]
        if k is not None:
            pruned, kept = True, max(k, kept or 0)
        bound += part_bound
    objective = _objective_scores(totals, eligibility, current, move_cost, assigned)
    flags = {"pruned": pruned, "candidates_per_customer": kept, "upper_bound": max(bound, float(objective.sum()))}
    if not pruned:
        flags["upper_bound"] = None
    plain = eligibility.penalty is None and current is None
    return _placement(
        totals, best, assigned, eligibility=eligibility, free=free,
        objective_scores=None if plain else objective, **flags,
    )


def _objective_scores(totals, eligibility, current, move_cost, assigned):
    out = np.zeros(assigned.shape[0], dtype=np.int64)
    rows = np.flatnonzero(assigned >= 0)
    out[rows] = np.asarray(_pairs(totals, rows, assigned[rows]), np.int64) - eligibility.pair_penalty(
        rows, assigned[rows]
    )
    if current is not None and move_cost:
        out[rows] += move_cost * (current[rows] == assigned[rows])
    return out


def _parts(eligibility, free):
    """(customer rows, manager columns) of each independent part of a constrained placement: groups and
    managers with room joined by allowed pairs (connected components, by label propagation)."""
    counts = np.bincount(eligibility.customer_group, minlength=eligibility.n_groups)
    links = eligibility.allowed & (free > 0)[None, :] & (counts > 0)[:, None]
    n_managers = links.shape[1]
    big = np.iinfo(np.intp).max
    labels = np.arange(n_managers, dtype=np.intp)
    while True:
        group_label = np.where(links, labels[None, :], big).min(axis=1) if n_managers else np.zeros(0, np.intp)
        new = np.minimum(labels, np.where(links, group_label[:, None], big).min(axis=0, initial=big))
        if (new == labels).all():
            break
        labels = new
    linked = links.any(axis=0)
    group_label = np.where(links, labels[None, :], big).min(axis=1) if n_managers else np.full(len(counts), big)
    customer_label = group_label[eligibility.customer_group]
    for label in np.unique(labels[linked]):
        yield np.flatnonzero(customer_label == label), np.flatnonzero(linked & (labels == label))


def _solve_part(totals, eligibility, free, load, current, move_cost, rows, cols, *, max_arcs, max_candidates,
                target_gap, even):
    """Place one part: (local assigned, objective bound, candidates kept or None when solved exactly)."""
    part_totals = _sub_totals(totals, rows, cols)
    groups, part_group = np.unique(eligibility.customer_group[rows], return_inverse=True)
    part_eligibility = Eligibility(
        part_group.astype(np.intp),
        eligibility.allowed[np.ix_(groups, cols)],
        None if eligibility.penalty is None else eligibility.penalty[np.ix_(groups, cols)],
    )
    part_current = None
    if current is not None:
        lookup = np.full(totals.shape[1] + 1, -1, dtype=np.intp)
        lookup[cols] = np.arange(cols.size)
        part_current = lookup[current[rows]]  # -1 stays -1 (the last entry)
    scored = _Effective(part_totals, part_eligibility, part_current, move_cost)
    part_free, part_load = free[cols], load[cols]
    n_place = _max_placed(part_eligibility, part_free)
    if n_place == 0:
        return np.full(rows.size, -1, dtype=np.intp), 0.0, None
    counts = np.bincount(part_eligibility.customer_group, minlength=part_eligibility.n_groups)
    n_arcs = int(counts @ part_eligibility.allowed.sum(axis=1))
    if n_arcs <= max_arcs:
        arc_rows, arc_cols = _allowed_arcs(part_eligibility)
        local = _constrained_flow(scored, part_free, part_load, n_place, arc_rows, arc_cols, overflow=False, even=even)
        return local, float(scored.pairs(np.flatnonzero(local >= 0), local[local >= 0]).sum()), None
    k = max(1, max_arcs // max(totals.shape[0], 1))
    if max_candidates is not None:
        k = min(k, max_candidates)

    proven = []

    def solve(candidates):
        arc_rows = np.repeat(np.arange(rows.size), candidates.shape[1])
        arc_cols = candidates.ravel()
        if part_current is not None:
            has = np.flatnonzero(part_current >= 0)
            arc_rows, arc_cols = np.concatenate([arc_rows, has]), np.concatenate([arc_cols, part_current[has]])
        keep = scored.allowed_pairs(arc_rows, arc_cols)
        local, bound = _widened_constrained_flow(
            scored, part_free, part_load, n_place, arc_rows[keep], arc_cols[keep],
            budget=rows.size * max(candidates.shape[1], _WIDEN_PER_CUSTOMER), target_gap=target_gap, even=even,
        )
        proven.append(bound)
        return local

    # One call of `solve` (it proves and widens by itself), whose bound the candidates' priced one can only lower.
    local, bound, k = _pruned_min_cost_flow(
        scored, part_free, part_load, n_place, min(k, cols.size), target_gap=None, solve=solve
    )
    return local, min([bound, *proven]), k


def _widened_constrained_flow(scored, free, load, n_place, arc_rows, arc_cols, *, budget, target_gap, even):
    """`_constrained_flow` on the arcs, proven by the solve's own dual prices and widened by the pairs they
    price above the plan (column generation, as `_pruned_min_cost_flow` does without constraints).

    After each solve `_constrained_prices` gives prices that are optimal duals of it, and one pass over every
    allowed pair (`_constrained_price_pairs`) gives the bound they prove and the pairs worth more to their
    customer than the plan's own. None: the plan is exact. Otherwise, while the proven gap is above
    ``target_gap``, those pairs (at most ``_WIDEN_PER_CUSTOMER`` per customer and round, ``budget`` in all,
    the most valuable first) join the next solve. Returns (assigned, upper bound of the objective).
    """
    added = 0
    while True:
        assigned = _constrained_flow(scored, free, load, n_place, arc_rows, arc_cols, overflow=True, even=even)
        total = _total(scored, assigned)
        prices = _constrained_prices(scored, free, n_place, assigned, arc_rows, arc_cols)
        if prices is None:  # not expected (the solve is optimal over its arcs): no proof from these prices
            return assigned, np.inf
        more_rows, more_cols, excess, bound = _constrained_price_pairs(
            scored, free, n_place, assigned, prices, per_customer=_WIDEN_PER_CUSTOMER
        )
        bound = max(bound, float(total))
        if not more_rows.size:  # optimal over every allowed pair
            return assigned, float(total)
        gap = (bound - total) / bound if bound > 0 else 0.0
        if target_gap is None or gap <= target_gap or added >= budget:
            return assigned, bound
        if more_rows.size > budget - added:  # the most valuable pairs the budget allows, then the last solve
            keep = np.sort(np.argsort(-excess, kind="stable")[:budget - added])
            more_rows, more_cols = more_rows[keep], more_cols[keep]
        added += more_rows.size
        arc_rows, arc_cols = np.concatenate([arc_rows, more_rows]), np.concatenate([arc_cols, more_cols])


def _constrained_prices(scored, free, n_place, assigned, arc_rows, arc_cols):
    """Prices (q_j = p_j + lambda for each manager, and lambda) that are optimal duals of the constrained solve
    that gave ``assigned`` over the arcs, or None.

    The solve maximised the values (`_Effective.values`: the effective score, and the customers kept) over
    its arcs and the overflow, which is worth what a group's worst pair with manager j is (``-penalty``),
    with exactly ``n_place`` placed. Its linear-programming dual has customer values u_i >= 0, manager
    prices p_j >= 0 (0 where room is left) and a price lambda of the number placed, with u_i + p_j + lambda
    >= value of every arc; tight for each placement. With
    q_j = p_j + lambda and u_i = s'_i,a(i) - q_a(i) (s' the arc's value, or the overflow's) what remains
    are difference constraints over managers, a node per group (the overflow: y_g <= q_j + penalty_gj and
    q_a <= y_g + s'_ia for its placed, y_g >= 0 when one of the group is unplaced), a zero node z and a
    node for lambda; feasible potentials (Bellman-Ford from a root joined to every node) give them. None
    when those constraints have a negative cycle.
    """
    n_customers, n_managers = scored.shape
    eligibility = scored.eligibility
    n_groups = eligibility.n_groups
    z, lam = n_managers + n_groups, n_managers + n_groups + 1
    n_nodes = lam + 1
    group = eligibility.customer_group
    placed = np.flatnonzero(assigned >= 0)
    owner = assigned[placed]
    arc_score = scored.values(arc_rows, arc_cols).astype(np.float32)
    # s'_ia: the placed customer's arc value when the solve had the arc, else the overflow's (-penalty).
    own = np.full(n_customers, np.nan, dtype=np.float32)
    is_own = assigned[arc_rows] == arc_cols
    own[arc_rows[is_own]] = arc_score[is_own]
    worth = np.zeros(n_customers, dtype=np.float32)
    overflow_worth = -scored.keep_weight * eligibility.pair_penalty(placed, owner)
    worth[placed] = np.where(np.isnan(own[placed]), overflow_worth.astype(np.float32), own[placed])
    weight = np.full((n_nodes, n_nodes), np.inf, dtype=np.float32)  # weight[tail, head]: q_head <= q_tail + w
    head = assigned[arc_rows]
    on = head >= 0
    # an arc of a placed customer: q_a <= q_j + s'_ia - s_ij; of an unplaced one: q_j >= s_ij (z <= q_j - s_ij)
    np.minimum.at(weight, (arc_cols, np.where(on, head, z)), np.where(on, worth[arc_rows], 0) - arc_score)
    np.minimum.at(weight, (np.full(placed.size, z), owner), worth[placed])  # u_i >= 0: q_a <= s'_ia
    np.minimum.at(weight, (n_managers + group[placed], owner), worth[placed])  # q_a <= y_g + s'_ia
    unplaced_groups = np.unique(group[assigned < 0])
    weight[n_managers + unplaced_groups, z] = np.minimum(weight[n_managers + unplaced_groups, z], 0)  # y_g >= 0
    g, j = np.nonzero(eligibility.allowed & (np.minimum(free, n_place) > 0)[None, :])
    pen = np.zeros(g.size, np.float32) if eligibility.penalty is None else eligibility.penalty[g, j]
    np.minimum.at(weight, (j, n_managers + g), scored.keep_weight * pen)  # y_g <= q_j + penalty_gj
    weight[:n_managers, lam] = np.minimum(weight[:n_managers, lam], 0)  # p_j >= 0: lambda <= q_j
    slack = np.flatnonzero(np.bincount(owner, minlength=n_managers) < free)
    weight[lam, slack] = np.minimum(weight[lam, slack], 0)  # room left: p_j = 0, q_j <= lambda
    np.fill_diagonal(weight, np.inf)
    dist = np.zeros(n_nodes, dtype=np.float32)
    active = np.arange(n_nodes)
    rows_per_step = max(1, _BLOCK_CELLS // n_nodes)
    for _ in range(n_nodes + 1):
        reached = np.full(n_nodes, np.inf, dtype=np.float32)
        for start in range(0, active.size, rows_per_step):
            chunk = active[start:start + rows_per_step]
            np.minimum(reached, (dist[chunk, None] + weight[chunk]).min(axis=0), out=reached)
        improved = np.flatnonzero(reached < dist)
        if not improved.size:
            dist -= dist[z]
            return dist[:n_managers].astype(np.float64), float(dist[lam])
        dist[improved] = reached[improved]
        active = improved
    return None


def _constrained_price_pairs(scored, free, n_place, assigned, prices, *, per_customer):
    """The constrained `_price_pairs`: allowed pairs worth more to their customer at prices (q, lambda) than the
    plan's own (v_ij - q_j > v_ia - q_a, or > 0 when unplaced; v the values the flow weighs, with the
    customers kept), up to ``per_customer`` each, most valuable first, what each is worth more, and the bound
    of the effective score these prices prove: sum_i max(0, max_j v_ij - q_j) + sum_j free_j (q_j - lambda) +
    n_place lambda (weak duality with p = q - lambda >= 0) bounds the values, so divided by ``keep_weight``
    the score. One pass over every pair."""
    q, lam = prices
    weight = scored.keep_weight
    q32 = q.astype(np.float32)
    placed = np.flatnonzero(assigned >= 0)
    own = np.zeros(scored.shape[0], dtype=np.float32)
    own[placed] = scored.values(placed, assigned[placed]) - q32[assigned[placed]]
    np.maximum(own, 0, out=own)
    gain = 0.0
    found_rows, found_cols, found_excess = [], [], []
    for start, block in scored.blocks():
        reduced = np.multiply(block, weight, dtype=np.float32)
        reduced -= q32
        if scored.keeps:
            current = scored.current[start:start + len(block)]
            kept = np.flatnonzero(current >= 0)
            reduced[kept, current[kept]] += 1
        block_gain, rows, cols, excess = _pairs_above_own(reduced, own[start:start + len(block)], per_customer)
        gain += block_gain
        found_rows.append(start + rows)
        found_cols.append(cols)
        found_excess.append(excess)
    bound = (gain + float(free.astype(np.float64) @ (q - lam)) + n_place * lam) / weight
    if not found_rows:
        return np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0, np.float32), bound
    return np.concatenate(found_rows), np.concatenate(found_cols).astype(np.intp), np.concatenate(found_excess), bound


def _sub_totals(totals, rows, cols):
    if isinstance(totals, TermTotals):
        return totals.customer_rows(rows).manager_columns(cols)
    return np.ascontiguousarray(totals[np.ix_(rows, cols)])


def _allowed_arcs(eligibility):
    """(rows, cols) of every allowed pair, group by group."""
    rows, cols = [], []
    for g, members in _group_rows(eligibility.customer_group, eligibility.n_groups):
        allowed = np.flatnonzero(eligibility.allowed[g])
        rows.append(np.repeat(members, allowed.size))
        cols.append(np.tile(allowed, members.size))
    if not rows:
        return np.empty(0, np.intp), np.empty(0, np.intp)
    return np.concatenate(rows), np.concatenate(cols)


def _max_placed(eligibility, free):
    """Most customers that can be placed at once: a max flow from groups (their customer counts) through
    allowed pairs to managers (their free room)."""
    counts = np.bincount(eligibility.customer_group, minlength=eligibility.n_groups)
    links = eligibility.allowed & (free > 0)[None, :] & (counts > 0)[:, None]
    if links.all():
        return int(min(counts.sum(), free.sum()))
    from ortools.graph.python.max_flow import SimpleMaxFlow

    n_groups, n_managers = links.shape
    flow = SimpleMaxFlow()
    source, sink = 0, 1 + n_groups + n_managers
    groups = np.arange(n_groups)
    group_node = (1 + groups).astype(np.int32)
    manager_node = (1 + n_groups + np.arange(n_managers)).astype(np.int32)
    flow.add_arcs_with_capacity(np.zeros(n_groups, np.int32), group_node, counts.astype(np.int64))
    g, j = np.nonzero(links)
    flow.add_arcs_with_capacity(group_node[g], manager_node[j], counts[g].astype(np.int64))
    flow.add_arcs_with_capacity(manager_node, np.full(n_managers, sink, np.int32), free.astype(np.int64))
    status = flow.solve(source, sink)
    if status != SimpleMaxFlow.OPTIMAL:
        raise RuntimeError(f"max flow failed with status {status!r}")
    return int(flow.optimal_flow())


def _constrained_flow(scored, free, load, n_place, arc_rows, arc_cols, *, overflow, even=True):
    """`_min_cost_flow` on explicit arcs with effective scores; with ``overflow``, one overflow node per group
    that reaches the group's allowed managers at the lowest score a pair can have there (``-penalty``), so
    as many are placed as the constraints allow whatever the candidates.

    Priorities, strictly: the number placed (the supply), the effective score, then with a move cost the
    customers kept with their current manager (a move that gains exactly the move cost is not made), then
    even loads. Each is weighted above what the next can change along one simple cycle of the residual
    graph (a flow is optimal when no cycle lowers its cost): a kept customer weighs 1 and a score point
    ``keep_weight``, more than the customers on a cycle (at most its other nodes: managers, overflow nodes,
    source and sink); a cycle crosses the sink once, through two unit arcs, so evenness changes by less
    than ``max_unit`` and a point of that value weighs ``max_unit + 1``. Far smaller costs than weighing
    against every placement's evenness at once, which the cost-scaling solver's rounds grow with."""
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

    n_customers, n_managers = scored.shape
    eligibility = scored.eligibility
    n_groups = eligibility.n_groups
    slots = np.minimum(free, n_place)
    max_unit = int((load + slots).max())
    scale = max_unit + 1 if even else 1
    keep_weight = scored.keep_weight
    if n_place * ((scored.max_abs() * keep_weight + 1) * scale + max_unit) > _INT64_MAX:
        raise ValueError(f"scores of shape {scored.shape} up to {scored.max_abs()} overflow int64 flow costs")
    customer_node = 1 + np.arange(n_customers, dtype=np.int32)
    manager_node = 1 + n_customers + np.arange(n_managers, dtype=np.int32)
    overflow_node = 1 + n_customers + n_managers + np.arange(n_groups if overflow else 0, dtype=np.int32)
    sink = 1 + n_customers + n_managers + len(overflow_node)

    flow = SimpleMinCostFlow()
    _add_arcs(flow, np.zeros(n_customers, np.int32), customer_node, 1, 0)
    arcs = _add_arcs(
        flow, customer_node[arc_rows], manager_node[arc_cols], 1, -scale * scored.values(arc_rows, arc_cols)
    )
    if overflow:
        overflow_in = _add_arcs(flow, customer_node, overflow_node[eligibility.customer_group], 1, 0)
        g, j = np.nonzero(eligibility.allowed & (slots > 0)[None, :])
        penalty = np.zeros(g.size, np.int64) if eligibility.penalty is None else eligibility.penalty[g, j]
        overflow_out = _add_arcs(flow, overflow_node[g], manager_node[j], slots[j], scale * keep_weight * penalty)
    if even:
        starts = np.cumsum(slots) - slots
        rank = np.arange(int(slots.sum())) - np.repeat(starts, slots) + 1
        sinks = np.full(rank.size, sink, np.int32)
        _add_arcs(flow, np.repeat(manager_node, slots), sinks, 1, np.repeat(load, slots) + rank)
    else:
        _add_arcs(flow, manager_node, np.full(n_managers, sink, np.int32), slots, 0)
    flow.set_nodes_supplies(np.array([0, sink], np.int32), np.array([n_place, -n_place], np.int64))
    status = flow.solve()
    if status != SimpleMinCostFlow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status!r}")
    assigned = np.full(n_customers, -1, dtype=np.intp)
    used = flow.flows(arcs) > 0
    assigned[arc_rows[used]] = arc_cols[used]
    if overflow:
        # Overflow customers of a group take the managers its overflow fed, in index order.
        via = flow.flows(overflow_in) > 0
        fed = flow.flows(overflow_out)
        for group in np.unique(eligibility.customer_group[via]):
            members = np.flatnonzero(via & (eligibility.customer_group == group))
            assigned[members] = np.repeat(j[g == group], fed[g == group])
    return assigned


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


def _pruned_min_cost_flow(totals, free, load, n_place, k, *, target_gap=None, solve=None):
    """Solve on each customer's k best candidates by price, and prove how close to exact that is.

    Ranking candidates by score alone fails when everyone wants the same managers: they fill up and
    the rest fall to the zero-score overflow. So managers are priced first, by subgradient steps on
    the dual of the transportation problem, aimed at a quick greedy total; candidates are ranked by
    score minus price, the managers an exact optimum uses. Above ``_PRICE_SAMPLE`` customers (and
    ``_PRICE_ROWS_PER_MANAGER`` per manager) the steps run on evenly spaced rows with room scaled alike;
    every bound is evaluated on every customer, so it stays a proof.

    Without ``solve`` (plain scores, every pair allowed), the bound after a solve comes from the
    solve's own dual prices (`_restricted_prices`): the plan is optimal over its pairs, so those prices
    prove it exact unless some pair outside them is worth more to its customer than what the plan gives
    (`_price_pairs`); the proven gap is the sum of those excesses. When it exceeds ``target_gap`` only
    those pairs join the next solve (column generation: at most ``_WIDEN_PER_CUSTOMER`` per customer and
    round, ``max(k, _WIDEN_PER_CUSTOMER)`` per customer in all, the most valuable first), instead of
    doubling every customer's candidates (on flat score distributions a million customers' doubling
    solves were still running after 15 minutes, at 7.6 GB). A solve with no such pair left is exact.
    ``solve(candidates)`` places on the candidates the constrained way (effective scores, per-group
    overflow) and proves and widens by itself (`_widened_constrained_flow`), so it is called once; the
    bound returned then is the candidates' priced one, which its caller sets beside the solve's own.
    Returns (assigned, upper bound, candidates per customer ranked by price).
    """
    n_customers, n_managers = totals.shape
    sample = _sample_rows(n_customers, max(_PRICE_SAMPLE, _PRICE_ROWS_PER_MANAGER * n_managers))
    sample_totals = _dense_rows(totals, slice(None) if sample is None else sample)
    share = sample_totals.shape[0] / n_customers
    sample_free = free if sample is None else np.floor(free * share).astype(np.int64)
    # The quick placement only aims the price steps; with effective scores (`_Effective`: ineligible pairs
    # hugely negative) it counts those pairs as 0.
    quick_totals = sample_totals if solve is None else np.maximum(sample_totals, 0)
    quick = _place_greedy(
        quick_totals, quick_totals.argmax(axis=1), np.zeros(sample_totals.shape[0], np.int8), sample_free, load
    )
    prices, _ = _dual_prices(sample_totals, free * share, target=_total(quick_totals, quick))
    bound = np.inf
    candidates, priced_bound = _top_k_by_price(totals, free, prices, k)
    bound = min(bound, priced_bound)
    extra_rows, extra_cols = np.empty(0, np.intp), np.empty(0, np.intp)
    while True:
        if solve is None:
            assigned = _min_cost_flow(totals, free, load, n_place, candidates, extra=(extra_rows, extra_cols))
        else:
            assigned = solve(candidates)
        total = _total(totals, assigned)
        if solve is not None:
            break
        exact_prices = _restricted_prices(totals, free, assigned, candidates, (extra_rows, extra_cols))
        if exact_prices is not None:
            more_rows, more_cols, excess, priced, proof = _price_pairs(
                totals, free, assigned, exact_prices, per_customer=_WIDEN_PER_CUSTOMER
            )
            if proof is not None:  # optimal over every pair: exact
                bound = float(total)
                break
            bound = min(bound, priced)
            gap = (bound - total) / bound if bound > 0 else 0.0
            if target_gap is not None and gap > target_gap and more_rows.size:
                # Subgradient steps from the solve's own prices often prove the target where they do not, one
                # pass instead of another solve (300k x 1,500 flat: 0.025% where the solve's prices prove 0.160%
                # and steps from the first prices 0.130%).
                polished, _ = _dual_prices(
                    sample_totals, free * share, target=total * share, prices=exact_prices.astype(np.float32),
                    iterations=_POLISH_ITERATIONS,
                )
                bound = min(bound, _dual_bound(totals, free, polished))
                gap = (bound - total) / bound if bound > 0 else 0.0
            budget = n_customers * max(k, _WIDEN_PER_CUSTOMER) - extra_rows.size
            if target_gap is None or gap <= target_gap or not more_rows.size or budget <= 0:
                break
            if more_rows.size > budget:  # the most valuable pairs the budget allows, then the last solve
                keep = np.sort(np.argsort(-excess, kind="stable")[:budget])
                more_rows, more_cols = more_rows[keep], more_cols[keep]
            extra_rows, extra_cols = np.concatenate([extra_rows, more_rows]), np.concatenate([extra_cols, more_cols])
            continue
        polished, _ = _dual_prices(
            sample_totals, free * share, target=total * share, prices=prices, iterations=_POLISH_ITERATIONS
        )
        bound = min(bound, _dual_bound(totals, free, polished))
        gap = (bound - total) / bound if bound > 0 else 0.0
        if target_gap is None or gap <= target_gap or 2 * k >= n_managers:
            break
        k *= 2
        candidates, priced_bound = _top_k_by_price(totals, free, prices, k)
        bound = min(bound, priced_bound)
    return assigned, max(bound, float(total)), k


# Pairs of one customer that a widening step adds at most (the most valuable first).
_WIDEN_PER_CUSTOMER = 2


def _restricted_prices(totals, free, assigned, candidates, extra):
    """Manager prices that are optimal duals of the solve that gave ``assigned``, or None.

    The solve maximised the total over its pairs (each customer's candidates and ``extra``) and the
    overflow (any manager with room, worth 0). Its linear-programming dual, with customer values u >= 0
    and manager prices p >= 0, is tight when u_i = s'_i,a(i) - p_a(i) for each placed customer (s' the
    pair's score if it was a solve pair, else 0), u_i = 0 for the unplaced, and p_j = 0 at a manager with
    room left. What remains are difference constraints between prices, one per solve pair
    (p_a - p_j <= s'_ia - s_ij), so shortest paths over managers and a zero node z give them (Bellman-Ford
    from z over a dense (n_managers + 1)^2 graph, relaxing only from the prices that fell last round).
    None when that graph has a negative cycle (the solve was not optimal over its pairs): the caller
    falls back to subgradient prices.
    """
    n_customers, n_managers = totals.shape
    z = n_managers
    extra_rows, extra_cols = extra
    placed = np.flatnonzero(assigned >= 0)
    owner = assigned[placed]
    # s'_ia: the score of a placed customer's pair when the solve had it, 0 when the overflow put them there.
    in_solve = (candidates[placed] == owner[:, None]).any(axis=1)
    if extra_rows.size:
        keys = extra_rows.astype(np.int64) * n_managers + extra_cols
        in_solve |= np.isin(placed.astype(np.int64) * n_managers + owner, keys)
    worth = np.zeros(n_customers, dtype=np.float32)
    worth[placed] = np.where(in_solve, _pairs(totals, placed, owner), 0)
    weight = np.full((n_managers + 1, n_managers + 1), np.inf, dtype=np.float32)
    arc_rows = np.concatenate([np.repeat(np.arange(n_customers), candidates.shape[1]), extra_rows])
    arc_cols = np.concatenate([candidates.ravel(), extra_cols])
    step = _BLOCK_CELLS * 8
    for start in range(0, arc_rows.size, step):
        rows, cols = arc_rows[start:start + step], arc_cols[start:start + step]
        score = _pairs(totals, rows, cols).astype(np.float32)
        head = assigned[rows]
        # a placed customer's pair: edge j -> a of weight s'_ia - s_ij; an unplaced one's: edge j -> z of -s_ij
        np.minimum.at(weight, (cols, np.where(head >= 0, head, z)), worth[rows] - score)
    np.minimum.at(weight, (np.full(placed.size, z), owner), worth[placed])  # u_i >= 0: edge z -> a of s'_ia
    weight[:n_managers, z] = np.minimum(weight[:n_managers, z], 0)  # p_j >= 0
    flow = np.bincount(owner, minlength=n_managers)
    slack = np.flatnonzero(flow < free)
    weight[z, slack] = np.minimum(weight[z, slack], 0)  # room left: p_j <= 0
    np.fill_diagonal(weight, np.inf)
    dist = np.full(n_managers + 1, np.inf, dtype=np.float32)
    dist[z] = 0
    active = np.array([z])
    rows_per_step = max(1, _BLOCK_CELLS // (n_managers + 1))
    for _ in range(n_managers + 2):
        reached = np.full(n_managers + 1, np.inf, dtype=np.float32)
        for start in range(0, active.size, rows_per_step):
            chunk = active[start:start + rows_per_step]
            np.minimum(reached, (dist[chunk, None] + weight[chunk]).min(axis=0), out=reached)
        improved = np.flatnonzero(reached < dist)
        if not improved.size:
            return dist[:n_managers].astype(np.float64) if dist[z] == 0 else None
        dist[improved] = reached[improved]
        active = improved
    return None


def _price_pairs(totals, free, assigned, prices, *, per_customer):
    """Pairs worth more to their customer at these prices than the plan's own, the dual bound, and prices
    that prove the plan optimal over every pair when some do, in one pass over every pair.

    A pair (i, j) is worth ``s_ij - p_j`` to customer i, the plan's pair ``s_ia - p_a`` (0 when
    unplaced). Returns (rows, cols) of up to ``per_customer`` such pairs per customer, most valuable
    first, what each is worth more than the plan's pair, the bound
    sum_i max(0, max_j s_ij - p_j) + sum_j free_j p_j (see `_dual_bound`), and `_plan_prices` (or None).

    The same pass collapses the whole problem's dual (see `_plan_prices`): customers are taken a manager's
    at a time, and for each manager a the least s_ia - s_ij over its customers, for every j.
    """
    n_customers, n_managers = totals.shape
    prices = np.asarray(prices, dtype=np.float32)
    z = n_managers
    owner = np.where(assigned >= 0, assigned, z)
    order = np.argsort(owner, kind="stable")
    owner = owner[order]
    placed = np.flatnonzero(assigned >= 0)
    score = np.zeros(n_customers, dtype=np.int64)
    score[placed] = _pairs(totals, placed, assigned[placed])
    score = score[order]
    own = np.where(owner < z, score - prices[np.minimum(owner, z - 1)], 0).astype(np.float32)
    np.maximum(own, 0, out=own)
    top = _totals_max(totals)
    # into[a, j]: offset + the least s_ia - s_ij over the customers i of a (of z: the unplaced, s_ia taken as
    # 0). Small scores fit uint8 with an offset: that reduction costs half what an int16 one does.
    dtype, offset = (np.uint8, top) if top < 2**7 else (np.int16, 0) if top < 2**14 else (np.int32, 0)
    into = np.full((n_managers + 1, n_managers), np.iinfo(dtype).max, dtype=dtype)
    shifted = (score + offset).astype(dtype)
    in_order = totals.customer_rows(order) if hasattr(totals, "customer_rows") else None
    gain = 0.0
    found_rows, found_cols, found_excess = [], [], []
    step = max(1, 8 * _BLOCK_CELLS // max(n_managers, 1))
    bounds = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1], True])
    for first, end in zip(bounds[:-1], bounds[1:]):
        group = owner[first]
        for start in range(first, end, step):  # a manager's customers, at most `step` at a time
            stop = min(start + step, end)
            block = _dense_rows(totals, order[start:stop]) if in_order is None else in_order.rows(slice(start, stop))
            least = np.subtract(shifted[start:stop, None], block, dtype=dtype, casting="unsafe").min(axis=0)
            np.minimum(into[group], least, out=into[group])
            reduced = np.subtract(block, prices, dtype=np.float32)
            block_gain, rows, cols, excess = _pairs_above_own(reduced, own[start:stop], per_customer)
            gain += block_gain
            found_rows.append(order[start + rows])
            found_cols.append(cols)
            found_excess.append(excess)
    bound = gain + float(free.astype(np.float64) @ prices.astype(np.float64))
    proof = _plan_prices(into, offset, free, owner, score)
    if not found_rows:
        return np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0, np.float32), bound, proof
    return (
        np.concatenate(found_rows), np.concatenate(found_cols).astype(np.intp), np.concatenate(found_excess), bound,
        proof,
    )


def _plan_prices(into, offset, free, owner, score):
    """Manager prices that prove a plan optimal over EVERY pair, or None when none exist.

    The plan places the most customers room allows (scores are >= 0, so the largest total with at most
    one manager per customer is reached at that count too). It is optimal over every pair exactly when the
    linear-programming dual of the whole transportation problem has a solution complementary to it:
    prices p >= 0, 0 at a manager with room left, and customer values u_i = s_i,a(i) - p_a(i) >= 0 for the
    placed (0 for the unplaced) with u_i >= s_ij - p_j for every manager j. Those are difference
    constraints between managers: p_a - p_j <= s_ia - s_ij for each customer i of a and each j; p_j >=
    s_ij for an unplaced i; p_a <= s_ia; p >= 0. ``into[a, j]`` (``offset`` + the least s_ia - s_ij over
    a's customers; row n_managers: the unplaced, with s_ia = 0) holds them collapsed over customers, so
    shortest paths from a zero node z over managers give the prices (Bellman-Ford on a dense graph,
    relaxing only from the prices that fell last round). A distance below 0 closes a negative cycle
    through z (every manager has an edge to z of weight 0): then no such prices exist, and a better plan
    does. Degenerate optima (many pairs scoring alike) are proven this way where the solve's own prices
    (`_restricted_prices`) only bound the gap. ``owner`` (sorted; n_managers: unplaced) and ``score``
    (the plan's score of each) are in the same order.
    """
    n_managers = into.shape[1]
    z = n_managers
    none = np.iinfo(np.int32).max // 4
    weight = np.full((n_managers + 1, n_managers + 1), none, dtype=np.int32)  # weight[tail, head]
    weight[:n_managers] = into.T
    weight[:n_managers] -= offset
    weight[:n_managers][into.T == np.iinfo(into.dtype).max] = none
    firsts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    groups = owner[firsts]
    least_own = np.minimum.reduceat(score, firsts) if score.size else score
    mine = groups < z
    weight[z, groups[mine]] = least_own[mine]  # u_i >= 0: p_a <= s_ia, edge z -> a
    weight[:n_managers, z] = np.minimum(weight[:n_managers, z], 0)  # p_j >= 0: edge j -> z of 0
    flow = np.bincount(owner[owner < z], minlength=n_managers)
    slack = np.flatnonzero(flow < free)
    weight[z, slack] = np.minimum(weight[z, slack], 0)  # room left: p_j <= 0, edge z -> j of 0
    np.fill_diagonal(weight, none)
    dist = np.full(n_managers + 1, none, dtype=np.int64)
    dist[z] = 0
    active = np.array([z])
    rows_per_step = max(1, _BLOCK_CELLS // (n_managers + 1))
    for _ in range(n_managers + 2):
        reached = np.full(n_managers + 1, none, dtype=np.int64)
        for start in range(0, active.size, rows_per_step):
            chunk = active[start:start + rows_per_step]
            np.minimum(reached, (dist[chunk, None] + weight[chunk]).min(axis=0), out=reached)
        improved = np.flatnonzero(reached < dist)
        if not improved.size:
            return dist[:n_managers].astype(np.float64)
        dist[improved] = reached[improved]
        if dist[improved].min() < 0:
            return None
        active = improved
    return None


def _pairs_above_own(reduced, own, per_customer):
    """One block's part of a pricing pass: the sum of each row's best positive reduced value, and the pairs
    worth more than the row's own by a point (scores are integers), at most ``per_customer`` a row, the most
    valuable first. Returns (gain, local rows, columns, excess over own)."""
    best = reduced.max(axis=1)
    gain = float(np.maximum(best, 0).sum(dtype=np.float64))
    better = np.flatnonzero(best > own + 0.5)
    if not better.size:
        return gain, np.empty(0, np.intp), np.empty(0, np.intp), np.empty(0, reduced.dtype)
    columns = _top_k(reduced[better], min(per_customer, reduced.shape[1]))
    rows = np.repeat(better, columns.shape[1])
    excess = reduced[better][np.repeat(np.arange(better.size), columns.shape[1]), columns.ravel()] - own[rows]
    keep = excess > 0.5
    return gain, rows[keep], columns.ravel()[keep], excess[keep]


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
    for start, block in totals.blocks() if hasattr(totals, "blocks") else _row_blocks(totals):
        yield start, np.subtract(block, prices, dtype=np.float32)


def _dense_rows(totals, rows):
    """Some rows of a totals matrix or `TermTotals`, as a matrix."""
    return totals.rows(rows) if hasattr(totals, "rows") else totals[rows]


def _pairs(totals, rows, cols):
    """``totals[rows, cols]`` of a totals matrix or `TermTotals`."""
    return totals.pairs(rows, cols) if hasattr(totals, "pairs") else totals[rows, cols]


def _dual_bound(totals, free, prices):
    """sum_i max(0, max_j s_ij - p_j) + sum_j free_j p_j over every customer, a row block at a time."""
    gain = 0.0
    for _start, reduced in _reduced_blocks(totals, prices):
        gain += float(np.maximum(reduced.max(axis=1), 0).sum(dtype=np.float64))
    return gain + float(free.astype(np.float64) @ np.asarray(prices, dtype=np.float64))


def _top_k_by_price(totals, free, prices, k):
    """Columns of each row's k largest ``totals - prices`` (deterministic), and the dual bound of the same
    prices (see `_dual_bound`), in one pass over the rows.

    By k argmax passes, 2.5 times cheaper than argpartition over 5 billion pairs. Argmax breaks ties towards
    the first column, which on flat scores crowds every customer's candidates onto the same managers; so each
    block of rows first gets a small rising key of its own, rotated by the block (below any score or price
    difference that matters: a hundredth of a point), and the ties of the whole pass spread over every manager."""
    n_managers = totals.shape[1]
    out = np.empty((totals.shape[0], k), dtype=np.intp)
    gain = 0.0
    rising = np.arange(n_managers, dtype=np.float32) * np.float32(_TIE_SPREAD / max(n_managers, 1))
    for block, (start, key) in enumerate(_reduced_blocks(totals, prices)):
        gain += float(np.maximum(key.max(axis=1), 0).sum(dtype=np.float64))
        if k >= n_managers:
            out[start:start + len(key)] = np.arange(n_managers)
            continue
        key += np.roll(rising, block * _TIE_STRIDE % n_managers)
        rows = np.arange(len(key))
        for rank in range(k):
            chosen = key.argmax(axis=1)
            out[start:start + len(key), rank] = chosen
            key[rows, chosen] = -np.inf
    return out, gain + float(free.astype(np.float64) @ np.asarray(prices, dtype=np.float64))


# `_top_k_by_price`'s tie-break: keys below a hundredth of a point, rotated by a large prime per row block.
_TIE_SPREAD = 1e-2
_TIE_STRIDE = 7919


def _top_k(key, k):
    """Columns of each row's k largest keys; argpartition is deterministic for a given input (ties: see
    `_top_k_by_price`)."""
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


def _min_cost_flow(totals, free, load, n_place, candidates, extra=None):
    """Assign ``n_place`` customers to managers that all have room.

    Nodes: source, customers, managers, [overflow], sink. Each manager reaches
    the sink through unit arcs of rising cost ``load + 1, load + 2, ...``, a
    convex cost that favours even loads. Scores are scaled by more than the
    largest possible evenness cost, so one point of total always wins.
    ``candidates`` (n_customers, k) limits each customer's managers; an
    overflow node then keeps the number placed maximal. None: every pair.
    ``extra`` (rows, cols): more customer-manager pairs beside the candidates.

    With candidates the same plan is found in two smaller steps: scale and unit arcs make the costs
    millions of times wider, and the cost-scaling solver's rounds grow with their logarithm (a million
    customers: 58 s of CPU in one step). First the largest total alone (`_flow` without evenness); then
    its optimal dual prices (`_restricted_prices`) say which pairs an optimal plan may use (those whose
    reduced cost is 0), which managers it must fill (price above 0) and which customers it must place
    (value above 0): every plan that keeps to them has the same total (complementary slackness), so
    evening loads among them (`_even_flow`, costs of a few hundred at most) gives the plan the one-step
    solve gives.
    """
    if candidates is None:
        return _flow(totals, free, load, n_place, None, even=True)
    if extra is None:
        extra = (np.empty(0, np.intp), np.empty(0, np.intp))
    assigned = _flow(totals, free, load, n_place, candidates, extra, even=False)
    prices = _restricted_prices(totals, free, assigned, candidates, extra)
    evened = None if prices is None else _even_flow(totals, free, load, n_place, candidates, extra, assigned, prices)
    if evened is None:  # not expected (the first step is optimal over its pairs): the one-step solve
        return _flow(totals, free, load, n_place, candidates, extra, even=True)
    return evened


def _flow(totals, free, load, n_place, candidates, extra=None, *, even):
    """The min-cost flow of `_min_cost_flow`; without ``even``, the largest total alone (one arc of the
    manager's room to the sink, unscaled scores)."""
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

    n_customers, n_managers = totals.shape
    k = None if candidates is None else candidates.shape[1]
    slots = np.minimum(free, n_place)
    max_unit = int((load + slots).max())
    scale = n_place * max_unit + 1 if even else 1
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
        if extra is not None:
            rows, cols = np.concatenate([rows, extra[0]]), np.concatenate([cols, extra[1]])

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
    if even:
        _even_arcs(flow, manager_node, sink, slots, load)
    else:
        _add_arcs(flow, manager_node, np.full(n_managers, sink, np.int32), slots, 0)
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


def _even_arcs(flow, manager_node, sink, slots, load):
    """Unit arcs from each manager to the sink of rising cost ``load + 1, load + 2, ...`` (even loads)."""
    starts = np.cumsum(slots) - slots
    rank = np.arange(int(slots.sum())) - np.repeat(starts, slots) + 1
    heads = np.full(rank.size, sink, np.int32)
    _add_arcs(flow, np.repeat(manager_node, slots), heads, 1, np.repeat(load, slots) + rank)


def _even_flow(totals, free, load, n_place, candidates, extra, assigned, prices):
    """The most even of the plans as good as ``assigned`` over the same pairs, or None if the flow fails.

    ``prices`` are optimal duals of the solve that gave ``assigned`` (`_restricted_prices`): customer i is
    worth u_i = s'_i,a(i) - p_a(i) (s' the pair's score when the solve had it, 0 by the overflow). A plan is
    as good exactly when it uses only pairs with s_ij - p_j = u_i (the overflow: u_i = 0 and p_j = 0),
    fills every manager priced above 0 and places every customer worth more than 0. Those are supplies and
    arcs of a flow whose only costs are the even-load ones.
    """
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

    n_customers, n_managers = totals.shape
    rows = np.concatenate([np.repeat(np.arange(n_customers), candidates.shape[1]), extra[0]])
    cols = np.concatenate([candidates.ravel(), extra[1]])
    score = _pairs(totals, rows, cols)
    placed = np.flatnonzero(assigned >= 0)
    own = np.zeros(n_customers, dtype=bool)
    own[rows[cols == assigned[rows]]] = True
    worth = np.zeros(n_customers)
    worth[placed] = np.where(own[placed], _pairs(totals, placed, assigned[placed]), 0) - prices[assigned[placed]]
    tight = score - prices[cols] == worth[rows]
    rows, cols = rows[tight], cols[tight]
    slots = np.minimum(free, n_place)
    full = prices > 0
    must = worth > 0  # placed by every optimal plan: a supply of their own
    # A customer every optimal plan places, by one tight pair only, has no choice: placed before the flow, the
    # manager's room and unit costs start after them (its cost is convex in its count, so the same plan).
    forced = must & (np.bincount(rows, minlength=n_customers) == 1)
    evened = np.full(n_customers, -1, dtype=np.intp)
    pinned = forced[rows]
    evened[rows[pinned]] = cols[pinned]
    taken = np.bincount(cols[pinned], minlength=n_managers)
    rows, cols = rows[~pinned], cols[~pinned]
    slots, load, must = slots - taken, load + taken, must & ~forced
    n_place -= int(forced.sum())
    left = np.flatnonzero(~forced)  # the customers the flow still places: nodes 1 .. left.size
    customer_node = np.zeros(n_customers, dtype=np.int32)
    customer_node[left] = 1 + np.arange(left.size, dtype=np.int32)
    manager_node = 1 + left.size + np.arange(n_managers, dtype=np.int32)
    overflow, sink = 1 + left.size + n_managers, 2 + left.size + n_managers
    flow = SimpleMinCostFlow()
    maybe = np.flatnonzero(~must & ~forced)
    _add_arcs(flow, np.zeros(maybe.size, np.int32), customer_node[maybe], 1, 0)
    arcs = _add_arcs(flow, customer_node[rows], manager_node[cols], 1, 0)
    overflow_in = _add_arcs(flow, customer_node[maybe], np.full(maybe.size, overflow, np.int32), 1, 0)
    fed = np.flatnonzero(~full & (slots > 0))
    overflow_out = _add_arcs(flow, np.full(fed.size, overflow, np.int32), manager_node[fed], slots[fed], 0)
    _even_arcs(flow, manager_node, sink, np.where(full, 0, slots), load)
    # A manager priced above 0 takes exactly its room, as a demand of its own.
    n_must = int(must.sum())
    flow.set_nodes_supplies(
        np.concatenate([[0, sink], customer_node[must], manager_node[full]]).astype(np.int32),
        np.concatenate([
            [n_place - n_must, -(n_place - int(slots[full].sum()))], np.ones(n_must), -slots[full]
        ]).astype(np.int64),
    )
    if flow.solve() != SimpleMinCostFlow.OPTIMAL:
        return None
    used = flow.flows(arcs) > 0
    evened[rows[used]] = cols[used]
    via_overflow = maybe[flow.flows(overflow_in) > 0]
    evened[via_overflow] = np.repeat(fed, flow.flows(overflow_out))
    return evened


def _add_arcs(flow, tails, heads, capacity, cost):
    n = len(tails)
    return flow.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, np.int32),
        np.asarray(heads, np.int32),
        np.broadcast_to(np.asarray(capacity, np.int64), n).copy(),
        np.broadcast_to(np.asarray(cost, np.int64), n).copy(),
    )


def _placement(totals, best, assigned, *, eligibility=None, free=None, **flags):
    scores = _at_columns(totals, assigned)
    # A manager who scores what the best one does is a best match: the optimal rule breaks such ties towards
    # the lighter book, and calling that a second choice told staff the best manager was full when none was.
    reasons = np.where((assigned == best) | (scores == _at_columns(totals, best)), REASON_BEST, REASON_FALLBACK)
    reasons[assigned < 0] = REASON_NO_CAPACITY
    if eligibility is not None and free.any():
        # Nobody allowed for their group had room, while someone had: the constraint leaves them out.
        group_room = (eligibility.allowed & (free > 0)).any(axis=1)
        shut_out = (assigned < 0) & ~group_room[eligibility.customer_group]
        reasons[shut_out] = REASON_NO_ELIGIBLE_MANAGER
    return Placement(
        assigned=assigned,
        reasons=reasons.astype(np.int8),
        scores=scores,
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


def _integer_vector(name, values):
    values = np.asarray(values)
    if values.ndim != 1 or not (np.issubdtype(values.dtype, np.integer) or values.size == 0):
        raise ValueError(f"{name} must be a 1-D integer array, got {values.dtype} of shape {values.shape}")
    return values.astype(np.intp)


def _eligibility_inputs(eligibility, n_customers, n_managers):
    """An `Eligibility` checked against (n_customers, n_managers), with arrays of the expected dtypes."""
    if not isinstance(eligibility, Eligibility):
        raise ValueError(f"eligibility must be an Eligibility or None, got {type(eligibility).__name__}")
    group = np.asarray(eligibility.customer_group)
    allowed = np.asarray(eligibility.allowed)
    if allowed.ndim != 2 or allowed.dtype != bool or allowed.shape[1] != n_managers:
        raise ValueError(
            f"eligibility.allowed must be bool of shape (n_groups, {n_managers}), got {allowed.dtype} "
            f"of shape {allowed.shape}"
        )
    n_groups = allowed.shape[0]
    if group.shape != (n_customers,) or not (np.issubdtype(group.dtype, np.integer) or group.size == 0):
        raise ValueError(
            f"eligibility.customer_group must be integer of shape ({n_customers},), got {group.dtype} "
            f"of shape {group.shape}"
        )
    if group.size and (group.min() < 0 or group.max() >= n_groups):
        raise ValueError(f"eligibility.customer_group must lie in [0, {n_groups}) for allowed of shape {allowed.shape}")
    penalty = eligibility.penalty
    if penalty is not None:
        penalty = np.asarray(penalty)
        if penalty.shape != allowed.shape or not np.issubdtype(penalty.dtype, np.integer):
            raise ValueError(
                f"eligibility.penalty must be integer of shape {allowed.shape}, got {penalty.dtype} "
                f"of shape {penalty.shape}"
            )
        if penalty.size and penalty.min() < 0:
            raise ValueError(f"eligibility.penalty of shape {penalty.shape} must be >= 0")
        penalty = penalty.astype(np.int64)
    return Eligibility(group.astype(np.intp), allowed, penalty)


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
