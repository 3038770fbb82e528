"""Portrait segments: K-Means++ on standardised customer portraits.

Pure numpy / scikit-learn, no Django: arrays in, arrays and plain dataclasses out.
The service loads portraits, calls :func:`portrait_features`, :func:`segment` and
:func:`summarize`, and stores the labels and summaries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# scikit-learn takes seconds to import (scipy, pandas), and every process that loads the matching services
# (autoassign, the web server) would pay for it: its names are module attributes resolved on first use.
_SKLEARN = {
    "KMeans": "sklearn.cluster",
    "MiniBatchKMeans": "sklearn.cluster",
    "silhouette_score": "sklearn.metrics",
    "StandardScaler": "sklearn.preprocessing",
    "check_random_state": "sklearn.utils",
}


def __getattr__(name):
    if name in _SKLEARN:
        import importlib

        value = globals()[name] = getattr(importlib.import_module(_SKLEARN[name]), name)
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _sk(name):
    """A scikit-learn name, imported on first use (a test may have replaced it on the module)."""
    return globals()[name] if name in globals() else __getattr__(name)

# Several k-means++ starts make the result insensitive to one unlucky seeding.
_N_INIT = 10
# MiniBatchKMeans is noisier per run, so it also gets a few starts.
_N_INIT_MINIBATCH = 3
# The fewest segments a person may ask for (one segment says nothing); see `check_requested_k`.
MIN_K = 2
_K_RANGE = range(MIN_K, 9)
_SAMPLE_SIZE = 2000


@dataclass(frozen=True, eq=False)
class SegmentResult:
    """Segment labels of one run; ``eq=False`` because arrays have no plain ``==``.

    Attributes
    ----------
    labels : ndarray of shape (n_customers,), dtype intp
        Segment of each customer, renumbered so that 0 is the largest segment.
    k : int
        Number of non-empty segments (0 for no customers).
    silhouette : float or None
        Silhouette score of the chosen ``k`` on the sample; None when ``k`` was
        given or no ``k >= 2`` was possible.
    """

    labels: np.ndarray
    k: int
    silhouette: float | None


@dataclass(frozen=True)
class SegmentSummary:
    """Figures the dashboard shows for one segment.

    Attributes
    ----------
    label : int
    size : int
    median_age : float
    median_assets : float
        In yuan.
    top_needs, top_hobbies : list of str
        Most frequent first, ties in vocabulary order, only terms held by at
        least one member.
    name : str
        Readable label such as ``"中年 · 资产中位 120万 · 基金投资/养老规划"``.
    """

    label: int
    size: int
    median_age: float
    median_assets: float
    top_needs: list[str]
    top_hobbies: list[str]
    name: str


def portrait_features(age, total_assets, needs, hobbies) -> np.ndarray:
    """Feature matrix of customer portraits: standardised age and log assets, terms as 0/1.

    Assets enter as ``log1p`` because wealth spans orders of magnitude and one
    very rich customer would otherwise squeeze everyone else together.
    The multi-hot terms are not standardised: scaling a 0/1 column by its
    spread would make a term held by 3% of customers stand 5.7 units out and
    split off small segments around rare terms; as 0/1 every shared or
    missing term counts one unit, comparable to one standard deviation of
    age or assets.

    Parameters
    ----------
    age : array-like of shape (n_customers,)
    total_assets : array-like of shape (n_customers,)
        Non-negative, in yuan.
    needs : array-like of shape (n_customers, n_services)
        Multi-hot, 0/1.
    hobbies : array-like of shape (n_customers, n_hobbies)
        Multi-hot, 0/1.

    Returns
    -------
    features : ndarray of shape (n_customers, 2 + n_services + n_hobbies)
        float64; the first two columns with mean 0 and standard deviation 1
        (0 when constant), then the needs and hobbies as given.

    Raises
    ------
    ValueError
        If shapes disagree, values are not finite, assets are negative or the
        multi-hot arrays hold anything but 0 and 1.
    """
    StandardScaler = _sk("StandardScaler")
    age, total_assets, needs, hobbies = _check_portraits(age, total_assets, needs, hobbies)
    continuous = np.column_stack([age, np.log1p(total_assets)])
    if continuous.shape[0]:
        # StandardScaler gives zero-variance columns a scale of 1, so they become 0, not NaN.
        continuous = StandardScaler().fit_transform(continuous)
    return np.column_stack([continuous, needs, hobbies]).astype(np.float64)


def choose_k(features, *, k_range=_K_RANGE, sample_size=_SAMPLE_SIZE, random_state=0) -> int:
    """Number of segments with the best silhouette score on a random sample.

    Parameters
    ----------
    features : array-like of shape (n_customers, n_features)
    k_range : iterable of int
        Candidates, each at least 2. Candidates that are not below the sample
        size or the number of distinct sampled rows are skipped.
    sample_size : int
        Rows drawn without replacement to keep the silhouette (quadratic in
        rows) cheap.
    random_state : int, RandomState instance or None

    Returns
    -------
    k : int
        The best candidate, the smallest on ties; 1 if no candidate fits the data.
    """
    check_random_state = _sk("check_random_state")
    features = _check_features(features)
    k_range = _check_k_range(k_range)
    sample_size = _check_int(sample_size, "sample_size", 1)
    k, _ = _choose_k(features, k_range, sample_size, check_random_state(random_state))
    return k


class KOutOfRange(ValueError):
    """A requested number of segments outside ``MIN_K .. n_customers``.

    Attributes
    ----------
    k, n_customers : int
    too_small : bool
        True when ``k < MIN_K``, False when ``k > n_customers``.
    """

    def __init__(self, k, n_customers):
        self.k, self.n_customers, self.too_small = k, n_customers, k < MIN_K
        if self.too_small:
            super().__init__(f"k must be at least {MIN_K}, got {k}.")
        else:
            super().__init__(f"k={k} is more than the {n_customers} customers there are.")


def check_requested_k(k, n_customers) -> int:
    """The one rule for a number of segments someone asks for (service, command, forms all call it).

    Parameters
    ----------
    k : int
        Requested number of segments.
    n_customers : int
        Customers to segment; with none there is nothing to segment and no upper bound applies.

    Returns
    -------
    int
        ``k``, checked.

    Raises
    ------
    KOutOfRange
        When ``k < MIN_K`` or (with customers) ``k > n_customers``.
    ValueError
        When ``k`` is not an integer.
    """
    k = _check_int(k, "k", -(2**63))
    n_customers = _check_int(n_customers, "n_customers", 0)
    if k < MIN_K or (n_customers and k > n_customers):
        raise KOutOfRange(k, n_customers)
    return k


def segment(features, *, k=None, random_state=0, minibatch_threshold=20_000) -> SegmentResult:
    """Cluster customers with K-Means++ and number segments by size.

    Parameters
    ----------
    features : array-like of shape (n_customers, n_features)
        Usually the output of :func:`portrait_features`.
    k : int or None
        Number of segments, clipped to ``n_customers``; None chooses it with
        :func:`choose_k` over 2..8.
    random_state : int, RandomState instance or None
        The same int always gives the same labels.
    minibatch_threshold : int
        Above this many customers MiniBatchKMeans is used, which is much faster
        and nearly as good on large data.

    Returns
    -------
    SegmentResult
        ``labels`` of shape (n_customers,); segment 0 is the largest, ties go
        to the lower original centroid.
    """
    KMeans = _sk("KMeans")
    MiniBatchKMeans = _sk("MiniBatchKMeans")
    check_random_state = _sk("check_random_state")
    features = _check_features(features)
    if k is not None:
        k = _check_int(k, "k", 1)
    minibatch_threshold = _check_int(minibatch_threshold, "minibatch_threshold", 1)
    n = features.shape[0]
    if n <= 1:
        return SegmentResult(labels=np.zeros(n, dtype=np.intp), k=n, silhouette=None)

    rng = check_random_state(random_state)
    silhouette = None
    if k is None:
        k, silhouette = _choose_k(features, _K_RANGE, _SAMPLE_SIZE, rng)
    k = min(k, n)
    if n > minibatch_threshold:
        model = MiniBatchKMeans(n_clusters=k, init="k-means++", n_init=_N_INIT_MINIBATCH, random_state=rng)
    else:
        model = KMeans(n_clusters=k, init="k-means++", n_init=_N_INIT, random_state=rng)
    labels, k = _renumber_by_size(model.fit_predict(features))
    return SegmentResult(labels=labels, k=k, silhouette=silhouette)


def summarize(
    labels, age, total_assets, needs, hobbies, *, service_names, hobby_names, top=3
) -> list[SegmentSummary]:
    """Describe each segment by its medians and most common needs and hobbies.

    Parameters
    ----------
    labels : array-like of shape (n_customers,)
        Non-negative integers, e.g. ``SegmentResult.labels``.
    age, total_assets, needs, hobbies
        As for :func:`portrait_features`, before standardisation.
    service_names : sequence of str of length n_services
    hobby_names : sequence of str of length n_hobbies
    top : int
        How many needs and hobbies to list per segment.

    Returns
    -------
    summaries : list of SegmentSummary
        One per label present, in label order; empty for no customers.
    """
    age, total_assets, needs, hobbies = _check_portraits(age, total_assets, needs, hobbies)
    labels = np.asarray(labels)
    if labels.shape != age.shape:
        raise ValueError(f"labels has shape {labels.shape} but age has shape {age.shape}; expected the same shape.")
    if labels.size and (not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0):
        raise ValueError("labels must be non-negative integers.")
    service_names, hobby_names = list(service_names), list(hobby_names)
    if len(service_names) != needs.shape[1]:
        raise ValueError(
            f"service_names has {len(service_names)} names but needs has shape {needs.shape}; "
            f"expected {needs.shape[1]} names."
        )
    if len(hobby_names) != hobbies.shape[1]:
        raise ValueError(
            f"hobby_names has {len(hobby_names)} names but hobbies has shape {hobbies.shape}; "
            f"expected {hobbies.shape[1]} names."
        )
    top = _check_int(top, "top", 0)

    summaries = []
    for label in np.unique(labels):
        member = labels == label
        median_age = float(np.median(age[member]))
        median_assets = float(np.median(total_assets[member]))
        needs_ranked = _ranked_terms(needs[member], service_names)
        summaries.append(
            SegmentSummary(
                label=int(label),
                size=int(member.sum()),
                median_age=median_age,
                median_assets=median_assets,
                top_needs=needs_ranked[:top],
                top_hobbies=_ranked_terms(hobbies[member], hobby_names)[:top],
                name=_segment_name(median_age, median_assets, needs_ranked[:2]),
            )
        )
    return summaries


def _choose_k(features, k_range, sample_size, rng):
    """Return ``(k, silhouette)``; ``(1, None)`` when no candidate fits the sample."""
    KMeans = _sk("KMeans")
    silhouette_score = _sk("silhouette_score")
    n = features.shape[0]
    sample = features[rng.choice(n, sample_size, replace=False)] if n > sample_size else features
    # Silhouette needs 2 <= labels <= rows - 1, and k-means cannot find more
    # clusters than there are distinct points.
    limit = min(sample.shape[0] - 1, np.unique(sample, axis=0).shape[0])
    best_k, best_score = 1, None
    for k in k_range:
        if k > limit:
            continue
        labels = KMeans(n_clusters=k, init="k-means++", n_init=_N_INIT, random_state=rng).fit_predict(sample)
        score = float(silhouette_score(sample, labels))
        if best_score is None or score > best_score:
            best_k, best_score = k, score
    return best_k, best_score


def _renumber_by_size(labels):
    """Relabel so 0 is the largest cluster (ties: lower old label) and drop empty ones."""
    counts = np.bincount(labels)
    order = np.argsort(-counts, kind="stable")
    order = order[counts[order] > 0]
    new_label = np.empty_like(counts, dtype=np.intp)
    new_label[order] = np.arange(order.size, dtype=np.intp)
    return new_label[labels], int(order.size)


def _ranked_terms(flags, names):
    """Names of terms held by at least one row, most frequent first, ties in vocabulary order."""
    counts = flags.sum(axis=0)
    order = np.argsort(-counts, kind="stable")
    return [names[i] for i in order if counts[i] > 0]


def _segment_name(median_age, median_assets, needs):
    parts = [_age_band(median_age), f"资产中位 {_format_wan(median_assets)}"]
    if needs:
        parts.append("/".join(needs))
    return " · ".join(parts)


def _age_band(age):
    if age < 35:
        return "青年"
    if age < 55:
        return "中年"
    return "老年"


def _format_wan(yuan):
    """Yuan in 万 with about two significant digits below 10万 and whole 万 above."""
    wan = yuan / 10_000
    decimals = 0 if wan >= 10 else 1 if wan >= 1 else 2
    text = f"{wan:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}万"


def _check_portraits(age, total_assets, needs, hobbies):
    age = _as_float(age, "age")
    total_assets = _as_float(total_assets, "total_assets")
    needs = _as_float(needs, "needs")
    hobbies = _as_float(hobbies, "hobbies")
    if age.ndim != 1:
        raise ValueError(f"age has shape {age.shape}; expected (n_customers,).")
    n = age.shape[0]
    if total_assets.shape != (n,):
        raise ValueError(f"total_assets has shape {total_assets.shape} but age has shape {age.shape}; expected ({n},).")
    if needs.ndim != 2 or needs.shape[0] != n:
        raise ValueError(f"needs has shape {needs.shape} but age has shape {age.shape}; expected ({n}, n_services).")
    if hobbies.ndim != 2 or hobbies.shape[0] != n:
        raise ValueError(f"hobbies has shape {hobbies.shape} but age has shape {age.shape}; expected ({n}, n_hobbies).")
    if np.any(total_assets < 0):
        raise ValueError("total_assets must be non-negative.")
    for name, flags in (("needs", needs), ("hobbies", hobbies)):
        if not np.isin(flags, (0, 1)).all():
            raise ValueError(f"{name} must hold only 0 and 1.")
    return age, total_assets, needs, hobbies


def _check_features(features):
    features = _as_float(features, "features")
    if features.ndim != 2 or features.shape[1] == 0:
        raise ValueError(
            f"features has shape {features.shape}; expected (n_customers, n_features) with n_features >= 1."
        )
    return features


def _as_float(values, name):
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric.") from exc
    if not np.isfinite(array).all():
        raise ValueError(f"{name} has shape {array.shape} and holds NaN or infinite values.")
    return array


def _check_k_range(k_range):
    k_range = list(k_range)
    if not k_range:
        raise ValueError("k_range is empty; expected candidates such as range(2, 9).")
    for k in k_range:
        _check_int(k, "every k in k_range", 2)
    return k_range


def _check_int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)
