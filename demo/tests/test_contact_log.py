"""The demo's contact log, drawn: pure numpy (the channels and summaries checked against the contact model)."""
import numpy as np
import pytest

from contacts.models import SUMMARY_MAX_LENGTH, Channel
from demo.generators import (
    CONTACT_CHANNELS,
    CONTACT_CUSTOMERS,
    CONTACT_DAY_MINUTES,
    CONTACT_DAYS,
    CONTACT_SUMMARIES,
    GENERAL_SUMMARIES,
    SERVICES,
    generate_contacts,
)

N = 1500


def inputs(seed=0, n=N):
    """Customers as the demo gives them: needs, assets, since when they have a manager (some never), a book."""
    rng = np.random.default_rng(seed)
    needs = rng.random((n, len(SERVICES))) < 0.2
    assets_cents = (np.exp(rng.normal(np.log(60e4), 1.0, n)) * 100).astype(np.int64)
    since = rng.integers(-30, 340, n)
    focus = np.zeros(n, dtype=bool)
    focus[rng.choice(n, min(n, 45), replace=False)] = True
    return {"needs": needs, "assets_cents": assets_cents, "since": since, "focus": focus}


@pytest.fixture(scope="module")
def given():
    return inputs()


@pytest.fixture(scope="module")
def log(given):
    return generate_contacts(seed=42, **given)


def latest_contacts(log) -> dict[int, int]:
    """Customer row: index of their latest contact."""
    latest = {}
    for index, (customer, day) in enumerate(zip(log.customers.tolist(), log.days_ago.tolist())):
        if customer not in latest or day <= log.days_ago[latest[customer]]:
            latest[customer] = index
    return latest


def test_the_channels_are_the_contact_logs_and_the_summaries_fit_it():
    assert {code for code, _, _ in CONTACT_CHANNELS} == set(Channel.values)
    assert set(CONTACT_SUMMARIES) == {name for name, _ in SERVICES}
    texts = [*GENERAL_SUMMARIES, *(text for texts in CONTACT_SUMMARIES.values() for text in texts)]
    assert all(0 < len(text) <= SUMMARY_MAX_LENGTH and text == text.strip() for text in texts)


def test_a_few_hundred_customers_and_every_one_of_the_book_have_one_to_four_contacts(log, given):
    contacted = set(log.customers.tolist())
    counts = np.bincount(log.customers, minlength=N)[sorted(contacted)]
    reachable_focus = np.flatnonzero(given["focus"] & (given["since"] >= 1))

    assert len(contacted) == CONTACT_CUSTOMERS
    assert set(reachable_focus.tolist()) <= contacted
    assert counts.min() == 1 and counts.max() == 4


def test_contacts_fall_in_office_hours_on_distinct_days_after_the_customer_had_a_manager(log, given):
    since = given["since"][log.customers]

    assert (log.days_ago >= 1).all() and (log.days_ago <= np.minimum(since, CONTACT_DAYS)).all()
    assert ((log.minutes >= 0) & (log.minutes < CONTACT_DAY_MINUTES)).all()
    assert len(set(zip(log.customers.tolist(), log.days_ago.tolist()))) == len(log)
    assert (np.diff(log.days_ago) <= 0).all()  # in the order they happened


def test_the_wealthy_are_contacted_more_and_more_often_in_person(log, given):
    wealthy = given["assets_cents"][log.customers] >= 300 * 10_000 * 100
    counts = np.bincount(log.customers, minlength=N)
    rich, rest = np.unique(log.customers[wealthy]), np.unique(log.customers[~wealthy])
    visits = np.array([channel == "visit" for channel in log.channels])

    assert counts[rich].mean() > counts[rest].mean() + 0.5
    assert visits[wealthy].mean() > 2 * visits[~wealthy].mean()


def test_each_summary_is_about_one_of_the_customers_needs_or_general(log, given):
    for customer, text in zip(log.customers.tolist(), log.summaries):
        about = [SERVICES[column][0] for column in np.flatnonzero(given["needs"][customer])]
        assert text in GENERAL_SUMMARIES or any(text in CONTACT_SUMMARIES[name] for name in about)


def test_follow_ups_are_never_before_their_contact_and_earlier_ones_were_kept(log):
    latest = set(latest_contacts(log).values())
    for index, (customer, day, follow_up) in enumerate(zip(log.customers.tolist(), log.days_ago.tolist(),
                                                           log.follow_ups)):
        if follow_up is None:
            continue
        assert follow_up >= -day
        if index not in latest:  # the day of the customer's next contact
            later = [d for c, d in zip(log.customers.tolist(), log.days_ago.tolist()) if c == customer and d < day]
            assert follow_up == -max(later)


def test_the_books_latest_follow_ups_fall_due_today_and_overdue(log, given):
    latest = latest_contacts(log)
    focus = [log.follow_ups[index] for customer, index in latest.items() if given["focus"][customer]]
    others = [log.follow_ups[index] for customer, index in latest.items() if not given["focus"][customer]]

    assert focus.count(0) >= 5 and sum(f is not None and f < 0 for f in focus) >= 7
    assert sum(f is not None and f <= 0 for f in others) / len(others) < 0.25


def test_the_same_seed_gives_the_same_log_and_another_seed_another(given):
    first, again, other = (generate_contacts(seed=seed, **given) for seed in (42, 42, 7))

    assert first.customers.tolist() == again.customers.tolist() and first.summaries == again.summaries
    assert first.follow_ups == again.follow_ups and first.channels == again.channels
    assert first.customers.tolist() != other.customers.tolist()


def test_customers_who_never_had_a_manager_get_no_contact():
    given = inputs(n=50)
    given["since"][:] = 0

    assert len(generate_contacts(seed=1, **given)) == 0


def test_refuses_inputs_that_do_not_match():
    given = inputs(n=10)
    given["needs"] = given["needs"][:, :-1]

    with pytest.raises(ValueError, match="services"):
        generate_contacts(seed=1, **given)
