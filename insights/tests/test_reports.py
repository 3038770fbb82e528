"""Book reports agree with the history they summarise, month by month, in a fixed number of queries."""
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from change_requests.models import ChangeRequest, ReasonCategory, RequestStatus
from contacts.models import Channel, Contact
from customers.models import CustomerProfile
from insights.reports import REPORT_QUERIES, book_report, manager_summaries, report_rows, report_workbook
from managers.models import ManagerProfile
from matching.models import Assignment, Reason
from vocabularies.tests.factories import BranchFactory

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 6, 15, 12, 0))
MONTHS = [
    "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
    "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
]


def at(year, month, day, hour=10):
    return timezone.make_aware(dt.datetime(year, month, day, hour, 0))


def change(customer, *, to, previous=None, when, fit="", total=0):
    """One history row written `when` (as the services write them; the time set afterwards)."""
    row = Assignment.objects.create(
        customer=customer, previous_manager=previous, new_manager=to, customer_class=fit, total=total,
        reason=Reason.MANUAL if to else Reason.NO_CAPACITY,
    )
    Assignment.objects.filter(pk=row.pk).update(created_at=when)
    customer.manager = to
    customer.save(update_fields=["manager"])


def request_(customer, *, manager, asked, decided=None):
    row = ChangeRequest.objects.create(
        customer=customer, manager=manager, reason=ReasonCategory.EXPERTISE,
        status=RequestStatus.DECLINED if decided else RequestStatus.OPEN, decided_at=decided,
    )
    ChangeRequest.objects.filter(pk=row.pk).update(created_at=asked)


def contact(customer, *, manager, when, follow_up=None):
    return Contact.objects.create(
        customer=customer, manager=manager, contacted_at=when, channel=Channel.PHONE, summary="理财回访",
        next_follow_up=follow_up,
    )


@pytest.fixture
def history(portraits):
    """Two managers and four customers over a year (NOW is 2026-06-15):

    c1 joins m1 before the window (fit A, score 5) and moves to m2 in June 2026; c2 joins m1 in August 2025
    (B, 3) and moves to m2 in January; c3 joins m1 in October (C, 1); c4 in March 2026 (A, 4).
    Requests: one by c3 (asked February, declined April), one by c4 (asked June, open), one of m2's.
    m1's contacts: c3 in December (follow-up done by the next contact) and May (follow-up 1 June, overdue);
    c4 in March (follow-up 1 April, done by the contact of 2 April, which has none). m2 calls c1 once.
    """
    m1, m2 = portraits.manager("m1"), portraits.manager("m2")
    c1, c2, c3, c4 = (portraits.customer(f"c{i}") for i in range(1, 5))
    change(c1, to=m1, when=at(2025, 5, 10), fit="A", total=5)
    change(c2, to=m1, when=at(2025, 8, 10), fit="B", total=3)
    change(c3, to=m1, when=at(2025, 10, 10), fit="C", total=1)
    change(c2, previous=m1, to=m2, when=at(2026, 1, 10), fit="B", total=2)
    change(c4, to=m1, when=at(2026, 3, 10), fit="A", total=4)
    change(c1, previous=m1, to=m2, when=at(2026, 6, 10), fit="A", total=6)
    request_(c3, manager=m1, asked=at(2026, 2, 5), decided=at(2026, 4, 2))
    request_(c4, manager=m1, asked=at(2026, 6, 1))
    request_(c2, manager=m2, asked=at(2026, 3, 1))
    contact(c3, manager=m1, when=at(2025, 12, 1), follow_up=dt.date(2025, 12, 10))
    contact(c3, manager=m1, when=at(2026, 5, 20), follow_up=dt.date(2026, 6, 1))
    contact(c4, manager=m1, when=at(2026, 3, 15), follow_up=dt.date(2026, 4, 1))
    contact(c4, manager=m1, when=at(2026, 4, 2))
    contact(c1, manager=m2, when=at(2026, 6, 12))
    return m1, m2


def figures(report, name):
    return dict(zip(MONTHS, (getattr(month, name) for month in report.months)))


def m1_report(history):
    return book_report(managers=ManagerProfile.objects.filter(pk=history[0].pk), now=NOW)


def test_the_report_covers_the_last_twelve_months_this_one_last(history):
    assert [month.month for month in m1_report(history).months] == MONTHS


def test_the_book_at_each_months_end_follows_the_history(history):
    assert list(figures(m1_report(history), "customers").values()) == [1, 2, 2, 3, 3, 3, 2, 2, 3, 3, 3, 2]


def test_the_fit_mix_is_the_fit_recorded_when_each_customer_joined(history):
    fits = figures(m1_report(history), "fits")
    assert fits["2025-07"] == {"A": 1, "B": 0, "C": 0, "D": 0, "E": 0}
    assert fits["2025-12"] == {"A": 1, "B": 1, "C": 1, "D": 0, "E": 0}
    assert fits["2026-03"] == {"A": 2, "B": 0, "C": 1, "D": 0, "E": 0}
    assert fits["2026-06"] == {"A": 1, "B": 0, "C": 1, "D": 0, "E": 0}


def test_the_mean_match_score_is_that_of_the_book_at_the_months_end(history):
    scores = figures(m1_report(history), "mean_score")
    assert scores["2025-07"] == 5 and scores["2025-08"] == 4 and scores["2025-10"] == 3
    assert scores["2026-03"] == pytest.approx(3.33) and scores["2026-06"] == 2.5


def test_customers_gained_and_lost_by_month(history):
    report = m1_report(history)
    gained, lost = figures(report, "gained"), figures(report, "lost")
    assert {month: n for month, n in gained.items() if n} == {"2025-08": 1, "2025-10": 1, "2026-03": 1}
    assert {month: n for month, n in lost.items() if n} == {"2026-01": 1, "2026-06": 1}


def test_requests_opened_and_resolved_count_the_manager_the_customer_had_when_asking(history):
    report = m1_report(history)
    opened, resolved = figures(report, "requests_opened"), figures(report, "requests_resolved")
    assert {month: n for month, n in opened.items() if n} == {"2026-02": 1, "2026-06": 1}
    assert {month: n for month, n in resolved.items() if n} == {"2026-04": 1}


def test_contacts_made_and_follow_ups_overdue_by_the_month_they_fell_due(history):
    report = m1_report(history)
    made, overdue = figures(report, "contacts"), figures(report, "overdue_follow_ups")
    assert {month: n for month, n in made.items() if n} == {"2025-12": 1, "2026-03": 1, "2026-04": 1, "2026-05": 1}
    assert {month: n for month, n in overdue.items() if n} == {"2026-06": 1}
    assert report.overdue_before == 0 and report.totals()["overdue_follow_ups"] == 1


def test_a_follow_up_overdue_since_before_the_window_is_counted_apart(history, portraits):
    m1 = history[0]
    old = portraits.customer("c5")
    change(old, to=m1, when=at(2024, 1, 5))
    contact(old, manager=m1, when=at(2024, 2, 1), follow_up=dt.date(2024, 3, 1))
    report = m1_report(history)
    assert report.overdue_before == 1 and report.totals()["overdue_follow_ups"] == 2


def test_a_move_between_two_managers_of_the_report_is_neither_gained_nor_lost(history):
    report = book_report(managers=ManagerProfile.objects.all(), now=NOW)
    assert {month: n for month, n in figures(report, "gained").items() if n} == {
        "2025-08": 1, "2025-10": 1, "2026-03": 1,
    }
    assert not any(figures(report, "lost").values())
    assert figures(report, "customers")["2026-06"] == 4
    assert sum(figures(report, "requests_opened").values()) == 3
    assert sum(figures(report, "contacts").values()) == 5


def test_a_branchs_report_is_the_sum_of_its_managers_books(history, portraits):
    """A branch of m1 and m2 (another branch's manager m3 beside them): every month's book, fit and tier mix,
    requests, contacts and overdue follow-ups are the sums of the two books; a move between the two (c2 in
    January, c1 in June) is lost by one and gained by the other, so the branch neither gains nor loses it."""
    m1, m2 = history
    branch, elsewhere = BranchFactory(code="BJ"), BranchFactory(code="SH")
    ManagerProfile.objects.filter(pk__in=[m1.pk, m2.pk]).update(branch=branch)
    m3 = portraits.manager("m3", branch=elsewhere)
    change(portraits.customer("c7", assets="900000.00"), to=m3, when=at(2026, 2, 1), fit="E", total=0)
    CustomerProfile.objects.filter(user__username="c4").update(total_assets="8000000.00")
    whole = book_report(managers=ManagerProfile.objects.filter(branch=branch), now=NOW)
    parts = [book_report(managers=ManagerProfile.objects.filter(pk=pk), now=NOW) for pk in (m1.pk, m2.pk)]
    for index, month in enumerate(whole.months):
        first, second = (part.months[index] for part in parts)
        for name in ("customers", "requests_opened", "requests_resolved", "contacts", "overdue_follow_ups"):
            assert getattr(month, name) == getattr(first, name) + getattr(second, name), (month.month, name)
        assert month.fits == {letter: first.fits[letter] + second.fits[letter] for letter in month.fits}
        assert month.tiers == {code: first.tiers[code] + second.tiers[code] for code in month.tiers}
        moved_inside = 1 if month.month in ("2026-01", "2026-06") else 0
        assert month.gained == first.gained + second.gained - moved_inside
        assert month.lost == first.lost + second.lost - moved_inside
    assert whole.months[-1].customers == 4 and whole.months[-1].tiers == {"mass": 3, "vip": 0, "private": 1}
    assert whole.months[-1].fits["E"] == 0  # m3's customer is another branch's


def test_the_overviews_rows_are_each_managers_totals(history):
    m1, m2 = history
    summaries = manager_summaries(manager_ids=[m1.pk, m2.pk], now=NOW)
    own = m1_report(history).totals()
    row = summaries[m1.pk]
    assert (row.gained, row.lost, row.requests_opened, row.requests_resolved, row.contacts, row.overdue_follow_ups) == (
        own["gained"], own["lost"], own["requests_opened"], own["requests_resolved"], own["contacts"],
        own["overdue_follow_ups"],
    )
    assert (summaries[m2.pk].gained, summaries[m2.pk].lost, summaries[m2.pk].contacts) == (2, 0, 1)


def test_the_workbook_holds_a_row_per_month_with_the_figures(history):
    report = m1_report(history)
    sheet = load_workbook(io.BytesIO(report_workbook(report))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Month", "Customers at the month's end", "Match fit A")
    by_month = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert list(by_month) == MONTHS
    assert by_month["2026-03"]["Customers at the month's end"] == 3
    assert by_month["2026-03"]["Match fit A"] == 2 and by_month["2026-03"]["Customers gained"] == 1
    assert by_month["2026-06"]["Mean match score"] == 2.5
    assert by_month["2026-06"]["Follow-ups overdue, by the month due"] == 1


def _grow(portraits, manager, n):
    """`n` more customers with a history, a request and contacts in `manager`'s book."""
    for i in range(n):
        customer = portraits.customer(assets=("100000.00", "800000.00", "7000000.00")[i % 3])
        change(customer, to=manager, when=at(2025, 9 + i % 4, 3), fit="ABCDE"[i % 5], total=i % 7)
        request_(customer, manager=manager, asked=at(2026, 2, 1 + i % 20))
        contact(customer, manager=manager, when=at(2026, 1, 1 + i % 20), follow_up=dt.date(2026, 2, 1))


@pytest.mark.parametrize("extra", [2, 30])
def test_a_report_takes_the_same_queries_whatever_the_data(history, portraits, extra, django_assert_max_num_queries):
    m1 = history[0]
    _grow(portraits, m1, extra)
    with django_assert_max_num_queries(REPORT_QUERIES):
        report = book_report(managers=ManagerProfile.objects.filter(pk=m1.pk), now=NOW)
    assert report.months[-1].customers == 2 + extra
    assert sum(report.months[-1].tiers.values()) == 2 + extra
    with django_assert_max_num_queries(5):
        manager_summaries(manager_ids=[m1.pk, history[1].pk], now=NOW)


def test_the_tier_mix_splits_each_months_book_by_the_customers_assets_now(history):
    """Each month's book by the configured service tiers (mass from 0, VIP from 500,000 yuan, private banking
    from 6,000,000), on the page's data and in the workbook: the assets a customer holds now set their tier
    in every month (the history records no assets)."""
    CustomerProfile.objects.filter(user__username="c3").update(total_assets="500000.00")  # VIP at the threshold
    CustomerProfile.objects.filter(user__username="c4").update(total_assets="8000000.00")
    report = m1_report(history)
    tiers = figures(report, "tiers")
    assert tiers["2025-07"] == {"mass": 1, "vip": 0, "private": 0}  # c1 (100,000 yuan)
    assert tiers["2025-12"] == {"mass": 2, "vip": 1, "private": 0}  # c1, c2; c3
    assert tiers["2026-01"] == {"mass": 1, "vip": 1, "private": 0}  # c2 has moved to m2
    assert tiers["2026-06"] == {"mass": 0, "vip": 1, "private": 1}  # c3, c4: c1 has moved to m2
    assert all(sum(month.tiers.values()) == month.customers for month in report.months)
    chart = report.as_chart_data()["tiers"]
    assert [tier["code"] for tier in chart] == ["mass", "vip", "private"]
    assert chart[2] == {"code": "private", "label": "Private banking customers", "counts": [0] * 8 + [1] * 4}
    header, rows = report_rows(report)
    assert header[7:10] == ["Mass customers", "VIP customers", "Private banking customers"]
    assert rows[-1][7:10] == [0, 1, 1]


def test_the_tier_mix_follows_the_configured_tiers(history, settings):
    """Tiers are read from `PORTRAIT_TIERS` whenever a report is made: a changed threshold needs no
    recomputation."""
    settings.PORTRAIT_TIERS = [
        {"code": "retail", "name": "Retail", "min_assets": 0},
        {"code": "wealth", "name": "Wealth", "min_assets": 50_000},
    ]
    CustomerProfile.objects.filter(user__username="c3").update(total_assets="40000.00")
    tiers = figures(m1_report(history), "tiers")
    assert tiers["2025-12"] == {"retail": 1, "wealth": 2} and tiers["2026-06"] == {"retail": 1, "wealth": 1}


def test_a_customer_whose_arrival_the_history_does_not_show_leaves_without_denting_the_book(history, portraits):
    """Given a manager outside any service (no change brought them in), a customer's move away counts as lost
    but takes nobody out of the months' books: the history never counted them in."""
    m1, m2 = history
    before = figures(m1_report(history), "customers")
    stray = portraits.customer("c6", manager=m1)
    change(stray, previous=m1, to=m2, when=at(2026, 2, 20), fit="D", total=1)
    report = m1_report(history)
    assert figures(report, "customers") == before
    assert figures(report, "lost")["2026-02"] == 1
