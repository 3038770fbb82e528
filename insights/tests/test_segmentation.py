import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score

from core.testing.hypothesis import examples
from insights import segmentation
from insights.segmentation import (
    SegmentResult,
    SegmentSummary,
    choose_k,
    portrait_features,
    segment,
    summarize,
)

SERVICES = ["贷款", "信用卡", "基金投资", "理财规划", "养老规划", "保险", "教育储蓄", "外汇"]
HOBBIES = ["旅行", "健身", "茶艺", "书法", "高尔夫", "摄影", "钓鱼"]
# Clearly separated customer groups; 外汇 and 钓鱼 are never planted, so they stay constant columns.
GROUPS = [
    {"age": (27, 3), "assets": 5e4, "needs": ["贷款", "信用卡"], "hobbies": ["旅行", "健身"]},
    {"age": (66, 4), "assets": 5e5, "needs": ["养老规划", "保险"], "hobbies": ["茶艺", "书法"]},
    {"age": (46, 4), "assets": 5e6, "needs": ["基金投资", "理财规划"], "hobbies": ["高尔夫"]},
    {"age": (38, 3), "assets": 3e5, "needs": ["教育储蓄", "保险"], "hobbies": ["摄影"]},
]


def planted_portraits(sizes, seed, *, drop=0.1, stray=0.05):
    """Portraits of ``len(sizes)`` planted groups with noise, shuffled.

    Each member loses each of its group's terms with probability ``drop`` and picks up
    each term of the other planted groups with probability ``stray``.
    """
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(len(sizes)), sizes)
    n = groups.size
    age, assets = np.empty(n), np.empty(n)
    needs = np.zeros((n, len(SERVICES)), dtype=int)
    hobbies = np.zeros((n, len(HOBBIES)), dtype=int)
    for g, spec in enumerate(GROUPS[: len(sizes)]):
        member = groups == g
        age[member] = rng.normal(*spec["age"], member.sum())
        assets[member] = spec["assets"] * rng.lognormal(0.0, 0.4, member.sum())
        needs[np.ix_(member, [SERVICES.index(s) for s in spec["needs"]])] = 1
        hobbies[np.ix_(member, [HOBBIES.index(h) for h in spec["hobbies"]])] = 1
    for flags, vocabulary, key in ((needs, SERVICES, "needs"), (hobbies, HOBBIES, "hobbies")):
        used = sorted({vocabulary.index(t) for spec in GROUPS[: len(sizes)] for t in spec[key]})
        block = flags[:, used]
        block[(block == 1) & (rng.random(block.shape) < drop)] = 0
        block[(block == 0) & (rng.random(block.shape) < stray)] = 1
        flags[:, used] = block
    order = rng.permutation(n)
    return groups[order], age[order], assets[order], needs[order], hobbies[order]


def random_portraits(n, seed=0):
    rng = np.random.default_rng(seed)
    return (
        rng.integers(20, 80, n),
        rng.lognormal(12, 1.5, n),
        rng.integers(0, 2, (n, len(SERVICES))),
        rng.integers(0, 2, (n, len(HOBBIES))),
    )


# --- portrait_features ---------------------------------------------------------------


def test_portrait_features_shape_and_dtype():
    features = portrait_features(*random_portraits(50))
    assert features.shape == (50, 2 + len(SERVICES) + len(HOBBIES))
    assert features.dtype == np.float64


def test_portrait_features_standardises_age_and_assets_and_keeps_terms_as_0_1():
    age, assets, needs, hobbies = random_portraits(200)
    features = portrait_features(age, assets, needs, hobbies)
    np.testing.assert_allclose(features[:, :2].mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(features[:, :2].std(axis=0), 1.0)
    np.testing.assert_array_equal(features[:, 2:], np.column_stack([needs, hobbies]))


def test_portrait_features_constant_columns_become_zero_not_nan():
    age = [30, 30, 30]
    needs = [[1, 0], [1, 0], [1, 1]]
    features = portrait_features(age, [1e4, 2e4, 3e4], needs, [[0], [0], [0]])
    assert np.isfinite(features).all()
    np.testing.assert_array_equal(features[:, 0], 0.0)
    np.testing.assert_allclose(features[:, 1].std(), 1.0)
    np.testing.assert_array_equal(features[:, 2:], [[1, 0, 0], [1, 0, 0], [1, 1, 0]])


def test_portrait_features_single_row_has_zero_age_and_assets():
    features = portrait_features([40], [1e5], [[1, 0]], [[0, 1]])
    np.testing.assert_array_equal(features, [[0, 0, 1, 0, 0, 1]])


def test_rare_terms_do_not_split_off_their_own_segments():
    """3% of all terms flipped at random: standardised 0/1 columns made k=7 with a 27-customer segment."""
    rng = np.random.default_rng(1)
    plans = [
        (28, 2e5, [0, 1, 2], [0, 1, 2]),
        (66, 2e6, [5, 6, 7], [5, 6, 7]),
        (45, 3e7, [10, 11, 12, 13], [10, 11, 12]),
    ]
    rows, truth = [], []
    for group, (age, assets, need_terms, hobby_terms) in enumerate(plans):
        for _ in range(400):
            needs, hobbies = np.zeros(18), np.zeros(18)
            needs[rng.choice(need_terms, rng.integers(2, len(need_terms) + 1), replace=False)] = 1
            hobbies[rng.choice(hobby_terms, rng.integers(1, len(hobby_terms) + 1), replace=False)] = 1
            needs = np.where(rng.random(18) < 0.03, 1 - needs, needs)
            hobbies = np.where(rng.random(18) < 0.03, 1 - hobbies, hobbies)
            rows.append((age + rng.normal(0, 5), assets * rng.lognormal(0, 0.4), needs, hobbies))
            truth.append(group)
    age, assets, needs, hobbies = (np.array(column) for column in zip(*rows))
    result = segment(portrait_features(age, assets, needs, hobbies), random_state=0)
    assert result.k == 3
    assert adjusted_rand_score(truth, result.labels) > 0.99


def test_portrait_features_no_rows_keeps_columns():
    features = portrait_features([], [], np.empty((0, 3)), np.empty((0, 2)))
    assert features.shape == (0, 7)


def test_portrait_features_uses_log_of_assets():
    assets = np.array([1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 1e10])
    n = assets.size
    features = portrait_features(np.arange(30, 30 + n), assets, np.zeros((n, 1)), np.zeros((n, 1)))
    expected = np.log1p(assets)
    expected = (expected - expected.mean()) / expected.std()
    np.testing.assert_allclose(features[:, 1], expected)
    # On a linear scale the billionaire would squeeze everyone else into about 0.01 of a unit.
    assert np.ptp(features[:-1, 1]) > 1.0
    assert features[-1, 1] < 3.0


@settings(max_examples=examples(30), deadline=None)
@given(
    n=st.integers(0, 30),
    n_services=st.integers(0, 4),
    n_hobbies=st.integers(0, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_portrait_features_is_finite_with_unit_or_zero_spread_and_0_1_terms(n, n_services, n_hobbies, seed):
    rng = np.random.default_rng(seed)
    features = portrait_features(
        rng.integers(18, 100, n),
        rng.choice([0.0, 1e3, 1e6, 1e9], n),
        rng.integers(0, 2, (n, n_services)),
        rng.integers(0, 2, (n, n_hobbies)),
    )
    assert features.shape == (n, 2 + n_services + n_hobbies)
    assert np.isfinite(features).all()
    if n:
        spread = features[:, :2].std(axis=0)
        assert np.all(np.isclose(spread, 0.0) | np.isclose(spread, 1.0))
        assert set(np.unique(features[:, 2:])) <= {0.0, 1.0}


@pytest.mark.parametrize(
    ("age", "assets", "needs", "hobbies", "message"),
    [
        ([[30, 40]], [1, 2], [[0], [1]], [[0], [1]], r"age has shape \(1, 2\)"),
        ([30, 40], [1, 2, 3], [[0], [1]], [[0], [1]], r"total_assets has shape \(3,\) but age has shape \(2,\)"),
        ([30, 40], [1, 2], [[0], [1], [1]], [[0], [1]], r"needs has shape \(3, 1\).*expected \(2, n_services\)"),
        ([30, 40], [1, 2], [0, 1], [[0], [1]], r"needs has shape \(2,\)"),
        ([30, 40], [1, 2], [[0], [1]], [[0, 1]], r"hobbies has shape \(1, 2\).*expected \(2, n_hobbies\)"),
    ],
)
def test_portrait_features_rejects_mismatched_shapes(age, assets, needs, hobbies, message):
    with pytest.raises(ValueError, match=message):
        portrait_features(age, assets, needs, hobbies)


@pytest.mark.parametrize(
    ("age", "assets", "needs", "message"),
    [
        ([30, np.nan], [1, 2], [[0], [1]], "age .* NaN"),
        ([30, 40], [1, -2], [[0], [1]], "non-negative"),
        ([30, 40], [1, np.inf], [[0], [1]], "total_assets .* infinite"),
        ([30, 40], [1, 2], [[0], [2]], "needs must hold only 0 and 1"),
        ([30, "old"], [1, 2], [[0], [1]], "age must be numeric"),
    ],
)
def test_portrait_features_rejects_bad_values(age, assets, needs, message):
    with pytest.raises(ValueError, match=message):
        portrait_features(age, assets, needs, [[0], [1]])


# --- choose_k and segment on planted groups ------------------------------------------------


@pytest.mark.parametrize("n_groups", [3, 4])
@pytest.mark.parametrize("seed", [0, 1])
def test_segment_recovers_planted_groups_and_their_number(n_groups, seed):
    groups, *portraits = planted_portraits([100] * n_groups, seed)
    result = segment(portrait_features(*portraits), random_state=seed)
    assert result.k == n_groups
    assert adjusted_rand_score(groups, result.labels) >= 0.9
    assert isinstance(result.silhouette, float) and 0.0 < result.silhouette <= 1.0


@pytest.mark.parametrize("n_groups", [3, 4])
def test_segment_with_given_k_recovers_planted_groups(n_groups):
    groups, *portraits = planted_portraits([100] * n_groups, seed=2)
    result = segment(portrait_features(*portraits), k=n_groups, random_state=0)
    assert result.k == n_groups
    assert result.silhouette is None
    assert adjusted_rand_score(groups, result.labels) >= 0.9


@pytest.mark.parametrize("n_groups", [3, 4])
def test_choose_k_finds_planted_number_on_a_sample(n_groups):
    _, *portraits = planted_portraits([300] * n_groups, seed=3)
    assert choose_k(portrait_features(*portraits), sample_size=400, random_state=0) == n_groups


def test_segment_minibatch_path_recovers_planted_groups(monkeypatch):
    fitted = []

    class SpyMiniBatchKMeans(segmentation.MiniBatchKMeans):
        def fit(self, *args, **kwargs):
            fitted.append(self.n_clusters)
            return super().fit(*args, **kwargs)

    monkeypatch.setattr(segmentation, "MiniBatchKMeans", SpyMiniBatchKMeans)
    groups, *portraits = planted_portraits([150, 150, 150, 150], seed=4)
    result = segment(portrait_features(*portraits), random_state=0, minibatch_threshold=100)
    assert fitted == [4]
    assert result.k == 4
    assert adjusted_rand_score(groups, result.labels) >= 0.9


def test_segment_below_threshold_does_not_use_minibatch(monkeypatch):
    monkeypatch.setattr(segmentation, "MiniBatchKMeans", None)
    _, *portraits = planted_portraits([50, 50, 50], seed=5)
    assert segment(portrait_features(*portraits), minibatch_threshold=150).k == 3


@pytest.mark.parametrize("minibatch_threshold", [20_000, 50])
def test_segment_is_deterministic_for_a_random_state(minibatch_threshold):
    _, *portraits = planted_portraits([80, 80, 80], seed=6)
    features = portrait_features(*portraits)
    first = segment(features, random_state=7, minibatch_threshold=minibatch_threshold)
    second = segment(features, random_state=7, minibatch_threshold=minibatch_threshold)
    np.testing.assert_array_equal(first.labels, second.labels)
    assert (first.k, first.silhouette) == (second.k, second.silhouette)
    from_instance = segment(features, random_state=np.random.RandomState(7), minibatch_threshold=minibatch_threshold)
    np.testing.assert_array_equal(first.labels, from_instance.labels)


def test_choose_k_is_deterministic_for_a_random_state():
    _, *portraits = planted_portraits([150, 150, 150], seed=10)
    features = portrait_features(*portraits)
    ks = [choose_k(features, sample_size=100, random_state=3) for _ in range(2)]
    assert ks == [3, 3]


def test_segment_numbers_segments_by_size():
    groups, *portraits = planted_portraits([60, 200, 120], seed=8)
    result = segment(portrait_features(*portraits), random_state=0)
    assert result.labels.dtype == np.intp
    np.testing.assert_array_equal(np.bincount(result.labels), [200, 120, 60])
    # The biggest planted group (index 1) became segment 0.
    np.testing.assert_array_equal(result.labels[groups == 1], 0)


@pytest.mark.parametrize(
    ("labels", "expected", "k"),
    [
        ([1, 1, 1, 2, 2, 0, 0, 3], [0, 0, 0, 2, 2, 1, 1, 3], 4),  # 0 and 2 tie: lower old label first
        ([2, 2, 0], [0, 0, 1], 2),  # empty old cluster 1 is dropped
        ([0, 1], [0, 1], 2),
    ],
)
def test_renumber_by_size_orders_by_size_then_old_label(labels, expected, k):
    renumbered, n_segments = segmentation._renumber_by_size(np.array(labels))
    np.testing.assert_array_equal(renumbered, expected)
    assert n_segments == k


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # duplicate rows with k given
@settings(max_examples=examples(20), deadline=None)
@given(
    features=hnp.arrays(
        np.float64,
        st.tuples(st.integers(0, 25), st.integers(1, 3)),
        elements=st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 1)),
    ),
    k=st.none() | st.integers(1, 6),
)
def test_segment_labels_are_compact_and_sorted_by_size(features, k):
    result = segment(features, k=k, random_state=0)
    n = features.shape[0]
    assert result.labels.shape == (n,)
    assert result.k == np.unique(result.labels).size
    sizes = np.bincount(result.labels, minlength=result.k)
    assert np.all(sizes > 0)
    assert np.all(np.diff(sizes) <= 0)
    if k is not None:
        assert result.k <= k


# --- tiny inputs ---------------------------------------------------------------------------


def test_segment_no_rows():
    result = segment(np.empty((0, 5)))
    assert result.labels.shape == (0,) and result.labels.dtype == np.intp
    assert (result.k, result.silhouette) == (0, None)


@pytest.mark.parametrize("k", [None, 1, 3])
def test_segment_one_row_is_segment_zero(k):
    result = segment(np.ones((1, 4)), k=k)
    np.testing.assert_array_equal(result.labels, [0])
    assert (result.k, result.silhouette) == (1, None)


def test_segment_two_rows_without_k_is_one_segment_without_silhouette():
    result = segment(np.array([[0.0, 1.0], [5.0, -1.0]]))
    np.testing.assert_array_equal(result.labels, [0, 0])
    assert (result.k, result.silhouette) == (1, None)


def test_segment_two_rows_with_k_two_splits_them():
    result = segment(np.array([[0.0, 1.0], [5.0, -1.0]]), k=2)
    assert sorted(result.labels) == [0, 1]
    assert result.k == 2


def test_segment_clips_k_to_number_of_rows():
    result = segment(np.array([[0.0], [1.0], [9.0]]), k=5)
    assert result.k == 3
    assert sorted(result.labels) == [0, 1, 2]


def test_segment_counts_only_non_empty_segments_for_identical_rows():
    with pytest.warns(ConvergenceWarning):
        result = segment(np.zeros((4, 2)), k=3)
    np.testing.assert_array_equal(result.labels, [0, 0, 0, 0])
    assert result.k == 1


@pytest.mark.parametrize(
    ("features", "expected"),
    [
        (np.empty((0, 2)), 1),
        (np.array([[0.0], [1.0]]), 1),
        (np.array([[0.0], [1.0], [9.0]]), 2),
        (np.zeros((10, 3)), 1),
        (np.array([[0.0]] * 5 + [[1.0]] * 5), 2),
    ],
)
def test_choose_k_tiny_inputs(features, expected):
    assert choose_k(features) == expected


# --- segment / choose_k input checks -------------------------------------------------------


@pytest.mark.parametrize(
    ("features", "message"),
    [
        (np.zeros(5), r"features has shape \(5,\)"),
        (np.zeros((5, 0)), r"features has shape \(5, 0\)"),
        (np.zeros((2, 2, 2)), r"features has shape \(2, 2, 2\)"),
        (np.array([[0.0, np.nan]]), r"features has shape \(1, 2\) and holds NaN"),
    ],
)
@pytest.mark.parametrize("function", [segment, choose_k])
def test_rejects_bad_features(function, features, message):
    with pytest.raises(ValueError, match=message):
        function(features)


@pytest.mark.parametrize(
    "kwargs",
    [{"k": 0}, {"k": 2.0}, {"k": True}, {"minibatch_threshold": 0}],
)
def test_segment_rejects_bad_options(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        segment(np.zeros((3, 2)), **kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k_range": []}, "k_range is empty"),
        ({"k_range": range(1, 4)}, "every k in k_range must be an integer >= 2, got 1"),
        ({"sample_size": 0}, "sample_size"),
    ],
)
def test_choose_k_rejects_bad_options(kwargs, message):
    with pytest.raises(ValueError, match=message):
        choose_k(np.zeros((3, 2)), **kwargs)


# --- summarize -----------------------------------------------------------------------------

NEED_NAMES = ["基金投资", "养老规划", "贷款"]
HOBBY_NAMES = ["茶艺", "高尔夫", "旅行"]


def test_summarize_hand_computed_segments():
    summaries = summarize(
        labels=[0, 0, 0, 1, 1],
        age=[30, 40, 50, 60, 70],
        total_assets=[1e6, 1.2e6, 2e6, 5e4, 3e4],
        needs=[[1, 1, 0], [1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1]],
        hobbies=[[0, 1, 0], [0, 1, 0], [1, 1, 0], [1, 0, 1], [0, 0, 0]],
        service_names=NEED_NAMES,
        hobby_names=HOBBY_NAMES,
    )
    assert summaries == [
        SegmentSummary(
            label=0,
            size=3,
            median_age=40.0,
            median_assets=1.2e6,
            top_needs=["基金投资", "养老规划"],
            top_hobbies=["高尔夫", "茶艺"],
            name="中年 · 资产中位 120万 · 基金投资/养老规划",
        ),
        SegmentSummary(
            label=1,
            size=2,
            median_age=65.0,
            median_assets=4e4,
            top_needs=["贷款", "养老规划"],
            top_hobbies=["茶艺", "旅行"],  # tie: vocabulary order
            name="老年 · 资产中位 4万 · 贷款/养老规划",
        ),
    ]


def test_summarize_top_limits_lists_but_name_keeps_two_needs():
    [summary] = summarize(
        [0, 0],
        [25, 31],
        [1e4, 3e4],
        [[1, 1, 1], [0, 1, 1]],
        [[1, 1, 1], [1, 1, 0]],
        service_names=NEED_NAMES,
        hobby_names=HOBBY_NAMES,
        top=1,
    )
    assert summary.top_needs == ["养老规划"]
    assert summary.top_hobbies == ["茶艺"]
    assert summary.name == "青年 · 资产中位 2万 · 养老规划/贷款"


@pytest.mark.parametrize(
    ("age", "assets", "name"),
    [
        (34.9, 35_000, "青年 · 资产中位 3.5万"),
        (35, 3_500, "中年 · 资产中位 0.35万"),
        (54.9, 0, "中年 · 资产中位 0万"),
        (55, 99_600, "老年 · 资产中位 10万"),
        (80, 1.5e8, "老年 · 资产中位 15000万"),
        (20, 1_234_567, "青年 · 资产中位 123万"),
    ],
)
def test_summarize_name_bands_ages_and_rounds_assets(age, assets, name):
    [summary] = summarize(
        [0], [age], [assets], [[0, 0, 0]], [[0, 0, 0]], service_names=NEED_NAMES, hobby_names=HOBBY_NAMES
    )
    assert summary.name == name
    assert summary.top_needs == [] and summary.top_hobbies == []


def test_summarize_no_rows():
    empty = np.empty((0, 3))
    assert summarize([], [], [], empty, empty, service_names=NEED_NAMES, hobby_names=HOBBY_NAMES) == []


def test_summarize_two_rows_in_two_segments_lists_labels_in_order():
    summaries = summarize(
        np.array([1, 0], dtype=np.intp),
        [70, 30],
        [2e5, 1e4],
        [[0, 1, 0], [0, 0, 1]],
        [[1, 0, 0], [0, 0, 1]],
        service_names=NEED_NAMES,
        hobby_names=HOBBY_NAMES,
    )
    assert [(s.label, s.size, s.name) for s in summaries] == [
        (0, 1, "青年 · 资产中位 1万 · 贷款"),
        (1, 1, "老年 · 资产中位 20万 · 养老规划"),
    ]


def test_summarize_planted_segments_end_to_end():
    _, *portraits = planted_portraits([120, 80], seed=9)
    result = segment(portrait_features(*portraits), random_state=0)
    summaries = summarize(result.labels, *portraits, service_names=SERVICES, hobby_names=HOBBIES)
    assert [s.size for s in summaries] == [120, 80]
    assert summaries[0].name.startswith("青年 · ")
    assert summaries[0].top_needs[:2] == ["贷款", "信用卡"]
    assert summaries[1].name.startswith("老年 · ")
    assert set(summaries[1].top_hobbies[:2]) == {"茶艺", "书法"}


@pytest.mark.parametrize(
    ("labels", "service_names", "hobby_names", "message"),
    [
        ([0, 0, 1], NEED_NAMES, HOBBY_NAMES, r"labels has shape \(3,\) but age has shape \(2,\)"),
        ([0, -1], NEED_NAMES, HOBBY_NAMES, "non-negative integers"),
        ([0.0, 1.0], NEED_NAMES, HOBBY_NAMES, "non-negative integers"),
        ([0, 1], NEED_NAMES[:2], HOBBY_NAMES, r"service_names has 2 names but needs has shape \(2, 3\)"),
        ([0, 1], NEED_NAMES, HOBBY_NAMES + ["钓鱼"], r"hobby_names has 4 names but hobbies has shape \(2, 3\)"),
    ],
)
def test_summarize_rejects_mismatched_inputs(labels, service_names, hobby_names, message):
    with pytest.raises(ValueError, match=message):
        summarize(
            labels,
            [30, 40],
            [1e4, 2e4],
            [[0, 1, 0], [1, 0, 0]],
            [[0, 1, 0], [1, 0, 0]],
            service_names=service_names,
            hobby_names=hobby_names,
        )


def test_summarize_rejects_negative_top():
    with pytest.raises(ValueError, match="top"):
        summarize([0], [30], [1e4], [[0, 0, 0]], [[0, 0, 0]], service_names=NEED_NAMES, hobby_names=HOBBY_NAMES, top=-1)


def test_segment_result_is_frozen():
    result = segment(np.zeros((1, 2)))
    assert isinstance(result, SegmentResult)
    with pytest.raises(AttributeError):
        result.k = 2
