import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from change_requests.models import ChangeRequest, ReasonCategory, RequestStatus
from change_requests.selectors import change_request_candidates
from change_requests.services import change_request_approve, change_request_decline, change_request_open
from change_requests.signals import change_request_approved, change_request_declined, change_request_opened
from core.errors import Conflict
from matching.errors import CapacityExceeded
from matching.models import Assignment, Reason

from .factories import ChangeRequestFactory

pytestmark = pytest.mark.django_db


def _open(bank, **kwargs):
    values = {"reason": ReasonCategory.EXPERTISE, "text": "我需要懂基金的经理"} | kwargs
    return change_request_open(customer=bank.asker, actor=bank.asker.user, **values)


class TestOpen:
    def test_a_customer_opens_a_request_about_their_manager(self, bank):
        request = _open(bank)

        assert (request.status, request.manager, request.reason) == ("open", bank.current, "expertise")
        event = AuditEvent.objects.get(action="change_request.opened")
        assert (event.actor, event.target_id, event.data["reason"]) == (bank.asker.user, str(request.pk), "expertise")

    def test_one_open_request_at_a_time(self, bank):
        _open(bank)

        with pytest.raises(Conflict):
            _open(bank, reason=ReasonCategory.OTHER)
        assert ChangeRequest.objects.count() == 1

    def test_the_database_refuses_a_second_open_request_too(self, bank):
        ChangeRequestFactory(customer=bank.asker)

        with pytest.raises(IntegrityError), transaction.atomic():
            ChangeRequestFactory(customer=bank.asker)

    def test_a_new_request_once_the_last_is_decided(self, bank):
        change_request_decline(change_request=_open(bank), reply="再观察一个月", actor=bank.decider)

        assert _open(bank).status == RequestStatus.OPEN
        assert ChangeRequest.objects.filter(customer=bank.asker).count() == 2

    def test_only_the_customer_themselves_asks(self, bank):
        with pytest.raises(PermissionDenied):
            change_request_open(customer=bank.asker, actor=bank.other.user, reason="other", text="")
        with pytest.raises(PermissionDenied):
            change_request_open(customer=bank.asker, actor=bank.decider, reason="other", text="")
        assert not ChangeRequest.objects.exists()

    def test_a_customer_without_a_manager_cannot_ask(self, bank):
        bank.asker.manager = None
        bank.asker.save()

        with pytest.raises(ValidationError):
            _open(bank)

    @pytest.mark.parametrize("text", ["see\u202eevil", "bell\x07", "x" * 1001])
    def test_free_text_follows_the_text_rule(self, bank, text):
        with pytest.raises(ValidationError) as refused:
            _open(bank, text=text)
        assert "text" in refused.value.error_dict
        assert not AuditEvent.objects.filter(action="change_request.opened").exists()

    def test_free_text_keeps_its_lines(self, bank):
        assert _open(bank, text="第一行\n第二行").text == "第一行\n第二行"

    def test_an_unknown_reason_is_refused(self, bank):
        with pytest.raises(ValidationError):
            _open(bank, reason="bored")


class TestApprove:
    def test_approving_assigns_through_the_manual_service(self, bank):
        request = _open(bank)

        request = change_request_approve(change_request=request, manager=bank.best, actor=bank.decider)

        bank.asker.refresh_from_db()
        assert (bank.asker.manager, bank.asker.manager_locked) == (bank.best, True)
        assert (request.status, request.new_manager, request.decided_by) == ("approved", bank.best, bank.decider)
        assert request.decided_at is not None
        assignment = Assignment.objects.get(customer=bank.asker)
        assert (assignment.previous_manager, assignment.new_manager, assignment.reason) == (
            bank.current, bank.best, Reason.MANUAL
        )
        assert set(AuditEvent.objects.values_list("action", flat=True)) >= {
            "change_request.opened", "customer.assigned", "change_request.approved"
        }

    def test_a_full_manager_is_refused_and_the_request_stays_open(self, bank):
        request = _open(bank)

        with pytest.raises(CapacityExceeded):
            change_request_approve(change_request=request, manager=bank.full, actor=bank.decider)

        request.refresh_from_db()
        bank.asker.refresh_from_db()
        assert (request.status, bank.asker.manager) == ("open", bank.current)

    def test_a_manager_not_accepting_is_refused(self, bank):
        with pytest.raises(ValidationError):
            change_request_approve(change_request=_open(bank), manager=bank.away, actor=bank.decider)

    def test_the_current_manager_is_refused(self, bank):
        with pytest.raises(ValidationError):
            change_request_approve(change_request=_open(bank), manager=bank.current, actor=bank.decider)

    def test_approval_takes_the_run_lock(self, bank, monkeypatch):
        taken = []
        monkeypatch.setattr("matching.services.manual.acquire_run_lock", taken.append)

        change_request_approve(change_request=_open(bank), manager=bank.best, actor=bank.decider)

        assert len(taken) == 1

    def test_a_decided_request_cannot_be_decided_again(self, bank):
        request = change_request_approve(change_request=_open(bank), manager=bank.best, actor=bank.decider)

        with pytest.raises(Conflict):
            change_request_approve(change_request=request, manager=bank.second, actor=bank.decider)
        with pytest.raises(Conflict):
            change_request_decline(change_request=request, reply="不", actor=bank.decider)

    def test_only_an_admin_approves(self, bank):
        request = _open(bank)

        with pytest.raises(PermissionDenied):
            change_request_approve(change_request=request, manager=bank.best, actor=bank.current.user)
        with pytest.raises(PermissionDenied):
            change_request_approve(change_request=request, manager=bank.best, actor=bank.asker.user)


class TestDecline:
    def test_declining_stores_the_reply_and_keeps_the_manager(self, bank):
        request = change_request_decline(change_request=_open(bank), reply="您的经理下周回来", actor=bank.decider)

        bank.asker.refresh_from_db()
        assert (request.status, request.reply, bank.asker.manager) == ("declined", "您的经理下周回来", bank.current)
        event = AuditEvent.objects.get(action="change_request.declined")
        assert event.changes == {"status": ["open", "declined"]}

    def test_a_reply_is_required(self, bank):
        with pytest.raises(ValidationError):
            change_request_decline(change_request=_open(bank), reply="  ", actor=bank.decider)

    def test_only_an_admin_declines(self, bank):
        with pytest.raises(PermissionDenied):
            change_request_decline(change_request=_open(bank), reply="不", actor=bank.current.user)


class TestSignals:
    def test_each_decision_is_announced_after_commit(self, bank, django_capture_on_commit_callbacks):
        heard = []

        def listen(signal):
            def receiver(sender, change_request, actor, **kwargs):
                heard.append((signal, change_request.status, actor))
            return receiver

        receivers = {name: listen(name) for name in ("opened", "approved", "declined")}
        change_request_opened.connect(receivers["opened"])
        change_request_approved.connect(receivers["approved"])
        change_request_declined.connect(receivers["declined"])
        try:
            with django_capture_on_commit_callbacks(execute=True):
                request = _open(bank)
            assert heard == [("opened", "open", bank.asker.user)]
            with django_capture_on_commit_callbacks(execute=True):
                change_request_approve(change_request=request, manager=bank.best, actor=bank.decider)
            with django_capture_on_commit_callbacks(execute=True):
                change_request_decline(change_request=_open(bank), reply="不", actor=bank.decider)
        finally:
            change_request_opened.disconnect(receivers["opened"])
            change_request_approved.disconnect(receivers["approved"])
            change_request_declined.disconnect(receivers["declined"])

        assert [entry[:2] for entry in heard] == [
            ("opened", "open"), ("approved", "approved"), ("opened", "open"), ("declined", "declined")
        ]

    def test_nothing_is_announced_when_the_transaction_rolls_back(self, bank, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            with pytest.raises(CapacityExceeded):
                change_request_approve(change_request=_open(bank), manager=bank.full, actor=bank.decider)
        assert len(callbacks) == 1  # the opening only


class TestCandidates:
    def test_candidates_are_the_best_managers_with_room_but_the_current(self, bank):
        request = _open(bank)

        names = [row["id"] for row in change_request_candidates(change_request=request)]

        assert names == [bank.best.pk, bank.second.pk, bank.third.pk]

    def test_candidates_are_limited(self, bank):
        assert [row["id"] for row in change_request_candidates(change_request=_open(bank), limit=1)] == [bank.best.pk]
