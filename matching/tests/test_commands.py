"""`autoassign` as operations run it: options, output, exit codes."""
import io

import pytest
from django.core.management import CommandError, call_command

from customers.models import CustomerProfile
from matching.models import Assignment, MatchingRun, RunKind, Strategy

from .conftest import SERVICES, refreshed

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class TestAutoassign:
    def test_prints_the_summary_and_the_run_id(self, portraits):
        portraits.manager("m1", capabilities=SERVICES[:4], capacity=1)
        portraits.customer(needs=SERVICES[:4])
        portraits.customer(needs=SERVICES[:1])
        out, err = run("autoassign", "--strategy", "greedy")
        run_id = MatchingRun.objects.get().pk
        assert f"Run {run_id}" in out
        assert "customers classified: 2 (C 1, E 1)" in out
        assert "placed: 1, moved: 0, left unassigned for lack of room: 1, fallbacks: 0" in out
        assert "total score: 4, mean score: 4.00" in out
        assert "One by one in order" in out
        for phase in ("load", "score", "place", "write"):
            assert phase in out
        assert "matching" in err  # the progress bar goes to stderr

    def test_dry_run_prints_the_first_changes_and_changes_no_customer(self, portraits):
        portraits.manager("m1", capabilities=SERVICES[:2])
        customer = portraits.customer("alice", needs=SERVICES[:2])
        out, _ = run("autoassign", "--dry-run")
        assert "DRY RUN" in out
        assert "alice [D]: - -> m1 (Best matching manager, score 2)" in out  # total 2, needs lead by 2: E up to D
        assert refreshed(customer).manager is None
        assert not Assignment.objects.exists()

    def test_dry_run_keeps_the_plan_as_a_preview_that_can_be_applied(self, portraits):
        from matching.services.previews import preview_apply

        portraits.manager("m1", capabilities=SERVICES[:2])
        customer = portraits.customer("alice", needs=SERVICES[:2])
        out, _ = run("autoassign", "--dry-run", "--strategy", "greedy")
        preview = MatchingRun.objects.get()
        assert preview.kind == RunKind.PREVIEW and preview.strategy == Strategy.GREEDY
        assert f"kept as preview {preview.pk}" in out
        preview_apply(preview=preview, actor=None)
        assert refreshed(customer).manager.user.username == "m1"

    def test_rebalance_option(self, portraits):
        best = portraits.manager("best", capabilities=SERVICES[:5])
        other = portraits.manager("other")
        customer = portraits.customer(needs=SERVICES[:5], manager=other)
        run("autoassign")
        assert refreshed(customer).manager == other
        run("autoassign", "--rebalance")
        assert refreshed(customer).manager == best

    def test_undo_option_restores_and_refuses_clearly(self, portraits):
        portraits.manager("m1")
        customer = portraits.customer()
        run("autoassign")
        run_id = MatchingRun.objects.get().pk
        out, _ = run("autoassign", "--undo", str(run_id))
        assert "1 customer(s) restored" in out
        assert refreshed(customer).manager is None
        with pytest.raises(CommandError, match="already been undone"):
            run("autoassign", "--undo", str(run_id))
        with pytest.raises(CommandError, match="No matching run with id 999"):
            run("autoassign", "--undo", "999")

    def test_undo_refusal_lists_the_customers_changed_since(self, portraits):
        from matching.services import customer_assign

        portraits.manager("m1")
        m2 = portraits.manager("m2")
        customer = portraits.customer("bob")
        run("autoassign")
        automatic = MatchingRun.objects.get()
        customer_assign(customer=customer, manager=m2, actor=None)
        with pytest.raises(CommandError, match="bob"):
            run("autoassign", "--undo", str(automatic.pk))

    def test_bad_options_end_with_a_command_error(self, portraits):
        with pytest.raises(CommandError):
            run("autoassign", "--strategy", "random")
        with pytest.raises(CommandError, match="cannot be combined"):
            run("autoassign", "--undo", "1", "--dry-run")

    def test_an_empty_manager_pool_is_a_warning_not_a_crash(self, portraits):
        portraits.customer()
        out, _ = run("autoassign")
        assert "Warning: No active manager" in out
        assert CustomerProfile.objects.get().customer_class == "E"
