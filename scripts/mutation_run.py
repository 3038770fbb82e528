#!/usr/bin/env python
"""Mutation run: would the suite notice if the matching rules, the import pipeline, who may do what (access,
API permissions, console and portal views) or the audit log were subtly wrong?

Each mutant is one small, realistic slip (a flipped comparison, an off-by-one, a dropped condition or
lock, swapped arguments, a removed filter, a wrong default), written as (file, exact original snippet,
replacement, what it breaks, tests). The script copies the working tree's tracked and untracked
(not ignored) files to a temporary directory, applies one mutant at a time there (never in the
repository), runs the tests that cover that code with `pytest -x` on SQLite, and restores the file. A
mutant is *caught* when a test fails, *survived* when every test passes; a run that times out or ends in
an error (collection, usage, no tests) is reported apart and is not counted as caught.

Before any run it checks that every snippet occurs exactly once in its file and that the mutated file
still compiles: a snippet that no longer matches the source stops the run (exit 2), so the list stays
honest as the code changes. It then runs every selected test module once unmutated (a failure there
would make every mutant look caught; exit 3).

    .venv/bin/python scripts/mutation_run.py                    # every mutant, one at a time
    .venv/bin/python scripts/mutation_run.py --jobs 2           # two copies side by side
    .venv/bin/python scripts/mutation_run.py --only undo        # ids, files or descriptions matching a regex
    .venv/bin/python scripts/mutation_run.py --sample 30 --seed 1  # 30 of them drawn at random (a busy machine)
    .venv/bin/python scripts/mutation_run.py --list             # the mutants, nothing run

Exit 0 when at least --fail-under percent (default 90) are caught, 1 below it. Not part of `make test`:
it takes minutes (docs/testing.md).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    id: str
    file: str
    original: str
    replacement: str
    description: str
    tests: tuple[str, ...]


# --- the tests that cover each part of the code, most targeted (and fastest to fail) first ----------

T_ENGINE = (
    "matching/tests/test_engine_survivors.py", "matching/tests/test_engine.py",
    "matching/tests/test_engine_performance.py", "matching/tests/test_term_totals.py",
)
# Previews place through planning too (matching/services/previews.py), so the plans tests judge its mutants as well.
T_PLANNING = (
    "matching/tests/test_planning.py", "matching/tests/test_survivors.py", "matching/tests/test_services.py",
    "matching/tests/test_acceptance.py", "matching/tests/test_previews.py", "matching/tests/test_fallback_causes.py",
)
T_SCORING = (
    "matching/tests/test_rules.py", "matching/tests/test_survivors.py", "matching/tests/test_services.py",
    "matching/tests/test_acceptance.py",
)
T_SERVICES = (
    "matching/tests/test_survivors.py", "matching/tests/test_services.py", "matching/tests/test_trust.py",
    "matching/tests/test_undo_messages.py", "matching/tests/test_commands.py",
)
T_PLANS = ("matching/tests/test_previews.py", "matching/tests/test_survivors.py")
T_AVAILABILITY = (
    "managers/tests/test_profile_service.py", "matching/tests/test_survivors.py", "matching/tests/test_previews.py",
)
T_SEGMENTS = ("insights/tests/test_segments.py", "insights/tests/test_segmentation.py")
T_SIGNALS = (
    "imports/tests/test_reclassify_end_to_end.py", "matching/tests/test_survivors.py",
    "matching/tests/test_services.py",
)
T_IMPORTS = (
    "imports/tests/test_import_counts.py", "imports/tests/test_reclassify_end_to_end.py",
    "imports/tests/test_customers_import_export.py",
    "imports/tests/test_managers_import.py", "imports/tests/test_audit_and_warnings.py",
)
# The one capacity rule (managers.models.capacity_needs_confirmation) and the surfaces that apply it.
T_CAPACITY_RULE = (*T_AVAILABILITY, "imports/tests/test_audit_and_warnings.py", "matching/tests/test_admin.py")
T_TABULAR = (
    "core/tests/test_tabular_edges.py", "core/tests/test_tabular.py", "core/tests/test_tabular_limits.py",
    "imports/tests/test_customers_import_export.py",
)
# Who may do what: the predicates and scopes, then every route for every caller (generated from the URLs).
T_MATRIX = "portrait/tests/test_access_matrix.py"
T_ACCESS = (
    "accounts/tests/test_access.py", "api/tests/test_cross_access.py", "portal/tests/test_access.py",
    "console/tests/test_cross_access.py", "accounts/tests/test_privileges.py", T_MATRIX,
)
T_API = (
    "api/tests/test_cross_access.py", "api/tests/test_forbidden_fields.py", "api/tests/test_managers.py",
    "api/tests/test_customers.py", "api/tests/test_matching.py", T_MATRIX,
)
T_AUDIT = (
    "audit/tests/test_audit.py", "accounts/tests/test_privileges.py", "matching/tests/test_audit.py",
    "api/tests/test_managers.py",
)
T_CONSOLE = ("console/tests/test_cross_access.py", "console/tests/test_pages.py", T_MATRIX)
T_PORTAL = (
    "portal/tests/test_access.py", "portal/tests/test_me.py", "portal/tests/test_workspace.py",
    "portal/tests/test_auth_pages.py", T_MATRIX,
)

# --- the mutants ----------------------------------------------------------------------------------

MUTANTS = [
    # matching/engine.py: classes, best manager, greedy and optimal placement
    Mutant("engine-class-threshold", "matching/engine.py",
           "passed = sum((needs + hobbies >= t)", "passed = sum((needs + hobbies > t)",
           "a total equal to a class threshold falls one class short", T_ENGINE),
    Mutant("engine-upgrade-margin", "matching/engine.py",
           "upgrade = needs >= hobbies + upgrade_margin", "upgrade = needs > hobbies + upgrade_margin",
           "needs leading hobbies by exactly the margin no longer upgrade", T_ENGINE),
    Mutant("engine-no-manager-is-e", "matching/engine.py",
           "    codes[best < 0] = _CLASS_E\n", "",
           "customers without any active manager are not forced to class E", T_ENGINE),
    Mutant("engine-best-needs-tiebreak", "matching/engine.py",
           "                key += np.bitwise_count(shared & self._needs_bits)\n", "",
           "a tie on total no longer goes to the manager with more needs matched", T_ENGINE),
    Mutant("engine-greedy-order", "matching/engine.py",
           "order = np.lexsort((np.arange(n_customers), -best_total, classes))",
           "order = np.lexsort((np.arange(n_customers), best_total, classes))",
           "greedy serves the lowest best total first within a class", T_ENGINE),
    Mutant("engine-greedy-full-best", "matching/engine.py",
           "j = best[i]\n        if j < 0 or room[j] == 0:", "j = best[i]\n        if j < 0:",
           "greedy gives a customer their best manager even when that manager is full", T_ENGINE),
    Mutant("engine-greedy-eligible-full-best", "matching/engine.py",
           "j = best_list[i]\n        if j < 0 or room[j] == 0:", "j = best_list[i]\n        if j < 0:",
           "greedy within eligibility groups gives a customer their best manager even when that manager is full",
           ("matching/tests/test_eligibility.py", *T_ENGINE)),
    Mutant("engine-greedy-full-fallback", "matching/engine.py",
           # Either guard alone is enough (a full manager's heap entries are all stale): drop both.
           "            while lightest and (room[lightest[0][1]] == 0 or current[lightest[0][1]] != lightest[0][0]):\n"
           "                heapq.heappop(lightest)\n"
           "            if not lightest:\n"
           "                break\n"
           "            j = lightest[0][1]\n"
           "        out[i] = j\n"
           "        room[j] -= 1\n"
           "        current[j] += 1\n"
           "        if room[j]:\n",
           "            while lightest and current[lightest[0][1]] != lightest[0][0]:\n"
           "                heapq.heappop(lightest)\n"
           "            if not lightest:\n"
           "                break\n"
           "            j = lightest[0][1]\n"
           "        out[i] = j\n"
           "        room[j] -= 1\n"
           "        current[j] += 1\n"
           "        if True:\n",
           "a manager who just filled up stays a fallback candidate", T_ENGINE),
    Mutant("engine-free-room-eligible", "matching/engine.py",
           "return np.where(eligible, np.maximum(capacity - load, 0), 0).astype(np.int64)",
           "return np.maximum(capacity - load, 0).astype(np.int64)",
           "managers not accepting customers are given room", T_ENGINE),
    Mutant("engine-evenness-load", "matching/engine.py",
           "np.repeat(load, slots) + rank,", "rank,",
           "the evenness cost ignores the load a manager already has", T_ENGINE),
    Mutant("engine-score-unscaled", "matching/engine.py",
           "-scale * _pairs(totals, rows, cols).astype(np.int64),", "-_pairs(totals, rows, cols).astype(np.int64),",
           "scores are not scaled above the evenness cost, so evenness can outweigh a point of total", T_ENGINE),
    Mutant("engine-dual-bound-clip", "matching/engine.py",
           "    for _start, reduced in _reduced_blocks(totals, prices):\n"
           "        gain += float(np.maximum(reduced.max(axis=1), 0).sum(dtype=np.float64))",
           "    for _start, reduced in _reduced_blocks(totals, prices):\n"
           "        gain += float(reduced.max(axis=1).sum(dtype=np.float64))",
           "the proven upper bound counts customers who would rather stay unplaced as negative gain", T_ENGINE),
    Mutant("engine-reason-no-capacity", "matching/engine.py",
           "    reasons[assigned < 0] = REASON_NO_CAPACITY\n", "",
           "an unplaced customer is recorded as a fallback, not as 'no capacity'", T_ENGINE),
    Mutant("engine-multi-hot-bound", "matching/engine.py",
           "if idx.size and (idx.min() < 0 or idx.max() >= bound):",
           "if idx.size and (idx.min() < 0 or idx.max() > bound):",
           "an index one past the shape is not refused with a clear message", T_ENGINE),

    # matching/planning.py: who is placed, with what load, and what is recorded
    Mutant("planning-locked-placed", "matching/planning.py",
           "    return movable & ~has_active_manager\n", "    return ~has_active_manager\n",
           "a default run places locked customers who have no active manager", T_PLANNING),
    Mutant("planning-rebalance-load", "matching/planning.py",
           "staying_managers = snapshot.customer_manager[~placing]",
           "staying_managers = snapshot.customer_manager",
           "customers being placed still count in their manager's load during a rebalance", T_PLANNING),
    Mutant("planning-needs-hobbies-swapped", "matching/planning.py",
           "needs[placed], hobbies[placed] = totals.overlaps(", "hobbies[placed], needs[placed] = totals.overlaps(",
           "the recorded needs and hobbies overlaps are swapped", T_PLANNING),
    Mutant("planning-keep-unplaced", "matching/planning.py",
           "        kept = new >= 0\n", "        kept = new >= -1\n",
           "a book transfer leaves the customers who fit nowhere without a manager", T_PLANNING),
    Mutant("planning-moved-or", "matching/planning.py",
           "return self.previous_manager_id is not None and self.new_manager_id is not None",
           "return self.previous_manager_id is not None or self.new_manager_id is not None",
           "first placements are counted as moves", T_PLANNING),
    Mutant("planning-fallback-count", "matching/planning.py",
           "return int(np.isin(self.reasons, FALLBACK_REASONS).sum())",
           "return int((self.reasons != engine.REASON_BEST).sum())",
           "customers left without room are counted as fallbacks", T_PLANNING),
    Mutant("planning-fallback-full-before", "matching/planning.py",
           "load[column] >= capacity[column], after[column] >= capacity[column]]",
           "load[column] > capacity[column], after[column] >= capacity[column]]",
           "a best-fitting manager full before the run reads as one whose places went to others", T_PLANNING),
    Mutant("planning-fallback-closed", "matching/planning.py",
           "[~eligible[column], load[column]", "[~eligible[column] & False, load[column]",
           "a best-fitting manager not taking customers reads as a full one", T_PLANNING),

    # matching/scoring.py and selectors.py
    Mutant("scoring-margin-setting", "matching/scoring.py",
           '"upgrade_margin": settings.PORTRAIT_UPGRADE_MARGIN,', '"upgrade_margin": engine.DEFAULT_UPGRADE_MARGIN,',
           "the upgrade margin setting is ignored (the built-in default is used)", T_SCORING),
    Mutant("scoring-inactive-scored", "matching/scoring.py",
           "active = np.flatnonzero(snapshot.manager_active)", "active = np.arange(len(snapshot.manager_ids))",
           "inactive managers count when choosing the best manager and the class", T_SCORING),
    Mutant("selectors-sort-by-id", "matching/selectors.py",
           "        key=lambda row: row[1],\n    )\n    manager_index",
           "        key=lambda row: row[0],\n    )\n    manager_index",
           "managers are ordered by id, not username, so ties no longer go to the smaller username", T_PLANNING),
    Mutant("selectors-active-accepting-swapped", "matching/selectors.py",
           "manager_active=np.array([row[2] for row in manager_rows], dtype=bool),\n"
           "        manager_accepting=np.array([row[3] for row in manager_rows], dtype=bool),",
           "manager_active=np.array([row[3] for row in manager_rows], dtype=bool),\n"
           "        manager_accepting=np.array([row[2] for row in manager_rows], dtype=bool),",
           "an account's active flag and the accepting flag are read into each other's place", T_PLANNING),
    Mutant("selectors-id-list", "matching/selectors.py",
           "if pk in wanted])", "if pk not in wanted])",
           "a long targeted load keeps the customers not asked for", T_PLANNING),

    # matching/signals.py: a portrait saved anywhere is reclassified
    Mutant("signals-bulk-reclassify", "matching/signals.py",
           "def reclassify_after_bulk_write(sender, customer_ids, **kwargs):\n    _reclassify_on_commit(customer_ids)",
           "def reclassify_after_bulk_write(sender, customer_ids, **kwargs):\n    _reclassify_on_commit([])",
           "an import (portraits_changed) no longer reclassifies the customers it changed", T_SIGNALS),
    Mutant("signals-term-side", "matching/signals.py",
           "_reclassify_on_commit((pk_set or ()) if reverse else [instance.pk])",
           "_reclassify_on_commit([instance.pk])",
           "adding customers from a term's side reclassifies the term's id instead of the customers", T_SIGNALS),

    # matching/services: lock, manual, undo, runs, availability, history
    Mutant("lock-interrupted-runs", "matching/services/lock.py",
           "            _fail_interrupted_runs(current=run)\n", "",
           "runs left RUNNING by a dead process are never marked failed", T_SERVICES),
    Mutant("runs-no-lock", "matching/services/runs.py",
           'with recorded_run(run, lock_holder=f"autoassign by {actor or \'system\'}"):',
           "with recorded_run(run, lock_holder=None):",
           "automatic runs no longer take the run lock", T_SERVICES),
    Mutant("runs-transfer-no-lock", "matching/services/runs.py",
           'with recorded_run(run, lock_holder=f"transfer of {manager.user.username}"):',
           "with recorded_run(run, lock_holder=None):",
           "a book move no longer takes the run lock", T_SERVICES),
    Mutant("runs-transfer-keeps-lock-flag", "matching/services/runs.py",
           "placing=book, eligible_override=others, unlock=True,",
           "placing=book, eligible_override=others, unlock=False,",
           "customers moved with a leaving manager's book stay locked", T_SERVICES),
    Mutant("runs-rebalance-ignored", "matching/services/runs.py",
           "placing=lambda s: placing_mask(s, rebalance=options.rebalance)",
           "placing=lambda s: placing_mask(s, rebalance=False)",
           "--rebalance places only customers without a manager", T_SERVICES),
    Mutant("manual-no-lock", "matching/services/manual.py",
           "    acquire_run_lock(f\"manual assignment by {actor or 'system'}\")", "    pass",
           "manual assignment no longer waits for a running run", T_SERVICES),
    Mutant("manual-capacity-one-past", "matching/services/manual.py",
           "if load + len(moving) > manager.capacity:", "if load + len(moving) > manager.capacity + 1:",
           "manual assignment may fill a manager one past capacity", T_SERVICES),
    Mutant("manual-capacity-last-slot", "matching/services/manual.py",
           "if load + len(moving) > manager.capacity:", "if load + len(moving) >= manager.capacity:",
           "manual assignment refuses the last free slot", T_SERVICES),
    Mutant("manual-not-accepting", "matching/services/manual.py",
           "    if not manager.accepting_customers:\n", "    if False:\n",
           "manual assignment to a manager not accepting customers is allowed", T_SERVICES),
    Mutant("manual-already-served", "matching/services/manual.py",
           "moving = np.flatnonzero(snapshot.customer_manager != column)",
           "moving = np.arange(snapshot.n_customers)",
           "customers already served by the manager count again against the capacity and the history", T_SERVICES),
    Mutant("manual-unlock-filter", "matching/services/manual.py",
           "CustomerProfile.objects.filter(id__in=list(customer_ids), manager_locked=True)",
           "CustomerProfile.objects.filter(id__in=list(customer_ids))",
           "unlocking counts (and audits) customers who were not locked", T_SERVICES),
    Mutant("undo-no-lock", "matching/services/undo.py",
           '    acquire_run_lock(f"undo of run {run.pk}")\n', "",
           "undo no longer takes the run lock", T_SERVICES),
    Mutant("undo-no-later-check", "matching/services/undo.py",
           "if a.customer_id in later or a.customer.manager_id != a.new_manager_id",
           "if a.customer.manager_id != a.new_manager_id",
           "undo ignores customers changed by a later assignment", T_SERVICES),
    Mutant("undo-no-current-check", "matching/services/undo.py",
           "if a.customer_id in later or a.customer.manager_id != a.new_manager_id",
           "if a.customer_id in later",
           "undo ignores customers whose manager changed without a history row", T_SERVICES),
    Mutant("undo-capacity-off", "matching/services/undo.py",
           "    if full:\n        raise UndoRefused(", "    if False:\n        raise UndoRefused(",
           "undo never refuses for capacity", T_SERVICES),
    Mutant("undo-capacity-last-slot", "matching/services/undo.py",
           "        > capacities[a.previous_manager_id]", "        >= capacities[a.previous_manager_id]",
           "undo refuses when the customers exactly fit", T_SERVICES),
    Mutant("undo-capacity-leaving", "matching/services/undo.py",
           "if loads[a.previous_manager_id] - leaving.get(a.previous_manager_id, 0) + restoring[a.previous_manager_id]",
           "if loads[a.previous_manager_id] + restoring[a.previous_manager_id]",
           "undo's capacity check forgets the customers that leave a manager in the same undo", T_SERVICES),
    Mutant("undo-transfer-exempt", "matching/services/undo.py",
           "(not a.previous_manager.accepting_customers and a.previous_manager_id != exempt)",
           "not a.previous_manager.accepting_customers",
           "undoing a book transfer is refused because the leaving manager is not accepting", T_SERVICES),
    Mutant("undo-flag-default", "matching/services/undo.py",
           'bool(run.options["was_accepting"])', "True",
           "undoing a transfer always reopens the manager, even one who was closed", T_SERVICES),
    Mutant("history-needs-hobbies-swapped", "matching/services/history.py",
           '"needs_match": attrgetter("needs_match"),',
           '"needs_match": attrgetter("hobbies_match"),',
           "a run's history rows swap the needs and hobbies overlaps", T_SERVICES),
    Mutant("availability-equal-capacity", "managers/models.py",
           "return capacity != previous and capacity < served", "return capacity != previous and capacity <= served",
           "a capacity equal to the book needs confirming", T_CAPACITY_RULE),
    Mutant("availability-no-lock", "matching/services/availability.py",
           "    acquire_run_lock(f\"availability of {manager.user.username} by {actor or 'system'}\")\n", "",
           "changing a capacity no longer waits for a running run", T_AVAILABILITY),

    # matching/services/previews.py: previews and applying them
    Mutant("plans-transfer-orphans", "matching/services/previews.py",
           "        changed = changed[plan.new_manager[changed] >= 0]\n", "        pass\n",
           "a book-move preview plans to leave customers who fit nowhere without a manager", T_PLANS),
    Mutant("plans-moved-counts-first-placements", "matching/services/previews.py",
           '"moved": int(((previous >= 0) & placed & (previous != plan.new_manager)).sum()),',
           '"moved": int((placed & (previous != plan.new_manager)).sum()),',
           "a preview counts first placements as moves", T_PLANS),
    Mutant("plans-stale-capacity", "matching/services/previews.py",
           "elif load - leaving[manager_id] + arriving[manager_id] > capacity:",
           "elif load + arriving[manager_id] > capacity:",
           "applying a plan that swaps customers between full managers is refused as over capacity", T_PLANS),
    Mutant("plans-stale-locked-transfer", "matching/services/previews.py",
           "elif locked and not transfer:", "elif locked:",
           "a book move's plan is refused because a customer of the book is locked", T_PLANS),
    Mutant("plans-apply-no-lock", "matching/services/previews.py",
           "        acquire_run_lock(f\"apply of preview {preview.pk} by {actor or 'system'}\")\n", "        pass\n",
           "applying a preview no longer takes the run lock", T_PLANS),

    # insights/segmentation.py and the segments service
    Mutant("segmentation-k-range-top", "insights/segmentation.py",
           "_K_RANGE = range(MIN_K, 9)", "_K_RANGE = range(MIN_K, 8)",
           "choosing k by silhouette never tries 8 segments", T_SEGMENTS),
    Mutant("segmentation-requested-k-equal", "insights/segmentation.py",
           "if k < MIN_K or (n_customers and k > n_customers):", "if k < MIN_K or (n_customers and k >= n_customers):",
           "asking for as many segments as customers is refused", T_SEGMENTS),
    Mutant("segmentation-min-k", "insights/segmentation.py",
           "if k < MIN_K or (n_customers and k > n_customers):", "if k < 1 or (n_customers and k > n_customers):",
           "one segment may be asked for", T_SEGMENTS),
    Mutant("segmentation-clip-k", "insights/segmentation.py",
           "    k = min(k, n)\n", "",
           "a k above the number of customers is not clipped", T_SEGMENTS),
    Mutant("segmentation-age-band", "insights/segmentation.py",
           "    if age < 55:\n", "    if age <= 55:\n",
           "a segment with median age 55 is named middle-aged", T_SEGMENTS),
    Mutant("segmentation-renumber", "insights/segmentation.py",
           'order = np.argsort(-counts, kind="stable")\n    order = order[counts[order] > 0]',
           'order = np.argsort(counts, kind="stable")\n    order = order[counts[order] > 0]',
           "segment 0 is the smallest segment, not the largest", T_SEGMENTS),
    Mutant("segments-service-unchecked-k", "insights/services.py",
           "        k = _checked_k(k, n_customers)\n", "        pass\n",
           "the segments service no longer checks the k asked for", T_SEGMENTS),

    # more of matching/: written after the first run, before any new test
    Mutant("runs-warning-inactive-accepting", "matching/services/runs.py",
           "elif not snapshot.manager_accepting[scores.active].any():", "elif not snapshot.manager_accepting.any():",
           "no warning when only inactive managers are accepting customers", T_SERVICES),
    Mutant("plans-stale-leaving-manager", "matching/services/previews.py",
           "        if manager_id not in arriving:\n            continue\n", "",
           "a plan is refused because a manager customers only leave has changed since", T_PLANS),
    Mutant("selectors-term-order", "matching/selectors.py",
           'model.objects.order_by("order", "name")', 'model.objects.order_by("name")',
           "shared needs and hobbies are listed by name, not in the vocabulary's order", T_PLANNING),
    Mutant("segments-old-summaries-kept", "insights/services.py",
           "    )\n    Segment.objects.all().delete()\n    segments = Segment.objects.bulk_create(",
           "    )\n    segments = Segment.objects.bulk_create(",
           "segmenting again keeps the previous segments' summaries beside the new ones", T_SEGMENTS),
    Mutant("segmentation-silhouette-limit", "insights/segmentation.py",
           "        if k > limit:\n", "        if k >= limit:\n",
           "k is never as large as the number of distinct sampled portraits allows", T_SEGMENTS),
    Mutant("availability-unchanged-capacity", "managers/models.py",
           "return capacity != previous and capacity < served", "return capacity < served",
           "saving an over-full manager's unchanged capacity asks for confirmation again", T_CAPACITY_RULE),
    Mutant("import-capacity-unconfirmed", "imports/services.py",
           "    if confirmed:\n        return [], capacity_below_book_warnings(",
           "    if True:\n        return [], capacity_below_book_warnings(",
           "import_managers lowers a capacity below the book without the confirmation", T_IMPORTS),
    Mutant("import-no-run-lock", "imports/services.py",
           "        if run_lock and not dry_run:\n", "        if False:\n",
           "a managers import changes capacities while a run is placing", T_IMPORTS),

    # imports/pipeline.py (not its `warnings` hook, which is being changed on main)
    Mutant("pipeline-errors-written", "imports/pipeline.py",
           "        if errors:\n            return ImportResult(",
           "        if False:\n            return ImportResult(",
           "a file with errors is written anyway", T_IMPORTS),
    Mutant("pipeline-dry-run-writes", "imports/pipeline.py",
           "        if not dry_run:\n            self._write(", "        if True:\n            self._write(",
           "a dry run writes", T_IMPORTS),
    Mutant("pipeline-updated-count", "imports/pipeline.py",
           "updated=sum(plan.changed and not plan.created for plan in plans),",
           "updated=sum(plan.changed for plan in plans),",
           "created profiles are also counted as updated", T_IMPORTS),
    Mutant("pipeline-term-changes", "imports/pipeline.py",
           "(cell.ids is None or cell.ids != linked)", "(cell.ids is None)",
           "a changed list of known terms is not written for an existing profile", T_IMPORTS),
    Mutant("pipeline-rename-unchanged", "imports/pipeline.py",
           "            if user is not None and plan is not None and user.name != plan.name:\n"
           "                plan.changed = True\n", "",
           "a row that only renames the user counts as unchanged", T_IMPORTS),
    Mutant("pipeline-announce-unchanged", "imports/pipeline.py",
           "changed_ids = [plan.pk for plan in plans if plan.changed]",
           "changed_ids = [plan.pk for plan in plans]",
           "unchanged profiles are announced (and reclassified) too", T_IMPORTS),
    Mutant("pipeline-no-announce", "imports/pipeline.py",
           "                self.after_write(changed_ids)\n", "                pass\n",
           "an import no longer announces the profiles it changed", T_IMPORTS),
    Mutant("pipeline-updated-at", "imports/pipeline.py",
           'fields=[*self.fields, "updated_at"],\n'
           "                rows=[(plan.pk, *plan.values, now) for plan in updated],",
           "fields=[*self.fields],\n                rows=[(plan.pk, *plan.values) for plan in updated],",
           "an imported change does not move updated_at (a stored plan does not see it)", T_IMPORTS),
    Mutant("pipeline-optional-empty", "imports/pipeline.py",
           "if not text and column in self.optional:", "if column in self.optional:",
           "an optional column (a manager's capacity) is never read", T_IMPORTS),

    # core/tabular: reading files and rows
    Mutant("tabular-casefold", "core/tabular/read.py",
           "if name and name.casefold() not in seen:", "if name and name not in seen:",
           "the same term in another case is kept twice", T_TABULAR),
    Mutant("tabular-fullwidth-semicolon", "core/tabular/read.py",
           '_TERM_SPLIT_RE = re.compile(r"[;\\uff1b]")', '_TERM_SPLIT_RE = re.compile(r";")',
           "the full-width semicolon no longer separates terms", T_TABULAR),
    Mutant("tabular-max-rows", "core/tabular/read.py",
           "max_rows is not None and len(rows) > max_rows:  # the header",
           "max_rows is not None and len(rows) >= max_rows:  # the header",
           "a CSV with exactly the row limit is refused", T_TABULAR),
    Mutant("tabular-max-columns", "core/tabular/read.py",
           "            if len(cells) > max_columns:\n                return [], [_too_many_columns_error(start,",
           "            if len(cells) >= max_columns:\n                return [], [_too_many_columns_error(start,",
           "a CSV with exactly the column limit is refused", T_TABULAR),
    Mutant("tabular-cell-length", "core/tabular/read.py",
           "if any(len(cell) > most or", "if any(len(cell) >= most or",
           "a cell of exactly the length limit is refused", T_TABULAR),
    Mutant("tabular-del-control", "core/tabular/read.py",
           '_CONTROL_RE = re.compile(r"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]")',
           '_CONTROL_RE = re.compile(r"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]")',
           "the DEL control character is let through", T_TABULAR),
    Mutant("tabular-header-case", "core/tabular/read.py",
           'header = [cell.strip().lstrip("\\ufeff").lower() for cell in header]',
           'header = [cell.strip().lstrip("\\ufeff") for cell in header]',
           "header names are matched case-sensitively", T_TABULAR),
    Mutant("tabular-trailing-separators", "core/tabular/read.py",
           "    while header and not header[-1]:\n        header.pop()", "    while False:\n        header.pop()",
           "a header with trailing separators (Excel) is refused", T_TABULAR),
    Mutant("tabular-extra-cells", "core/tabular/read.py",
           'if len(cells) < width or (len(cells) > width and "".join(cells[width:]).strip()):',
           "if len(cells) < width:",
           "extra cells beyond the header are silently dropped", T_TABULAR),
    Mutant("tabular-mapping-lines", "core/tabular/read.py",
           "else (index + 2, item)", "else (index + 1, item)",
           "rows given in code are numbered from line 1, as if there were no header", T_TABULAR),
    Mutant("tabular-escape-quote", "core/tabular/write.py",
           "if value and (value[0] in FORMULA_PREFIXES or value[0] == ESCAPE_PREFIX):",
           "if value and value[0] in FORMULA_PREFIXES:",
           "a text starting with ' is not escaped, so it does not round-trip", T_TABULAR),
    Mutant("tabular-decimal-partial", "core/tabular/cells.py",
           "if not _DECIMAL_RE.fullmatch(text):", "if not _DECIMAL_RE.match(text):",
           "a decimal cell only has to start like a number", T_TABULAR),
    Mutant("tabular-size-limit", "core/tabular/read.py",
           "return source if most is None or len(source) <= most else None",
           "return source if most is None or len(source) < most else None",
           "an upload of exactly the size limit is refused", T_TABULAR),
    Mutant("tabular-xlsx-whole-float", "core/tabular/read.py",
           "return str(int(value)) if value.is_integer() else repr(value)", "return repr(value)",
           "a whole number typed in Excel reads as '35.0'", T_TABULAR),
    Mutant("tabular-error-order", "core/tabular/results.py",
           "position.get(error.field, -1)", "position.get(error.field, len(position))",
           "problems with a whole row are listed after its cells' problems", T_TABULAR),
    Mutant("tabular-shorten-list", "core/tabular/results.py",
           "    if len(names) <= first:\n", "    if len(names) < first:\n",
           "a list of exactly ten names is shown as 'and 0 more'", T_TABULAR + ("matching/tests/test_trust.py",)),

    # accounts/access.py: who the user is, what they may do, what they may see
    Mutant("access-inactive-signed-in", "accounts/access.py",
           "return bool(user is not None and user.is_authenticated and user.is_active)",
           "return bool(user is not None and user.is_authenticated)",
           "a deactivated account keeps its rights", T_ACCESS),
    Mutant("access-staff-is-admin", "accounts/access.py",
           "(user.role == Role.ADMIN or user.is_superuser)", "(user.role == Role.ADMIN or user.is_staff)",
           "the staff flag is taken for the admin role", T_ACCESS),
    Mutant("access-superuser-customer", "accounts/access.py",
           "user.role == Role.CUSTOMER and not user.is_superuser", "user.role == Role.CUSTOMER",
           "a superuser left with the customer role is also treated as a customer", T_ACCESS),
    Mutant("access-manager-book-by-profile-id", "accounts/access.py",
           "return customer.manager_id is not None and customer.manager.user_id == user.pk",
           "return customer.manager_id is not None and customer.manager_id == user.pk",
           "a manager's customer is recognised by the profile id compared with the user id", T_ACCESS),
    Mutant("access-manager-edits-portrait", "accounts/access.py",
           "return is_admin(user) or (is_customer(user) and customer.user_id == user.pk)",
           "return can_view_customer(user, customer)",
           "a manager may change their customers' portraits", T_ACCESS),
    Mutant("access-any-manager-profile", "accounts/access.py",
           "return is_admin(user) or (is_manager(user) and manager.user_id == user.pk)",
           "return is_admin(user) or is_manager(user)",
           "a manager may read and change every manager's profile", T_ACCESS),
    Mutant("access-customers-list-for-all", "accounts/access.py",
           "return is_admin(user) or is_manager(user)\n\n\ncan_list_managers",
           "return is_signed_in(user)\n\n\ncan_list_managers",
           "a customer may list customers", T_ACCESS),
    Mutant("access-privileges-admin-role", "accounts/access.py",
           "return is_signed_in(user) and user.is_superuser", "return is_admin(user)",
           "an admin without the superuser flag changes privileges", T_ACCESS),
    Mutant("access-book-by-profile-id", "accounts/access.py",
           "return customers.filter(manager__user_id=user.pk)", "return customers.filter(manager_id=user.pk)",
           "a manager's book is filtered by the user id taken for the profile id", T_ACCESS),
    Mutant("access-own-unfiltered", "accounts/access.py",
           "return customers.filter(user_id=user.pk)", "return customers.all()",
           "a customer's scope holds every customer", T_ACCESS),
    Mutant("access-anonymous-scope", "accounts/access.py",
           "        return customers.filter(user_id=user.pk)\n    return customers.none()",
           "        return customers.filter(user_id=user.pk)\n    return customers.all()",
           "an unknown caller sees every customer", T_ACCESS),
    Mutant("access-managers-visible-to-manager", "accounts/access.py",
           "return managers.filter(user_id=user.pk)", "return managers.all()",
           "a manager sees every manager's profile", T_ACCESS),
    Mutant("access-managers-visible-to-customer", "accounts/access.py",
           "return managers.filter(customers__user_id=user.pk)", "return managers.all()",
           "a customer sees every manager's profile", T_ACCESS),
    Mutant("access-page-predicate", "accounts/access.py",
           "            if not predicate(request.user):\n                raise PermissionDenied\n"
           "            return view(",
           "            if not is_signed_in(request.user):\n                raise PermissionDenied\n"
           "            return view(",
           "a page's right is not checked: anyone signed in opens it", T_ACCESS),
    Mutant("access-page-anonymous-403", "accounts/access.py",
           "        def wrapped(request, *args, **kwargs):\n            if not is_signed_in(request.user):\n"
           "                return redirect_to_login(request.get_full_path())",
           "        def wrapped(request, *args, **kwargs):\n            if not is_signed_in(request.user):\n"
           "                raise PermissionDenied",
           "an anonymous visitor gets a 403 rather than the sign-in page", T_ACCESS),
    Mutant("access-api-objects-unchecked", "accounts/access.py",
           "return objects is None or objects(request.user, obj)", "return True",
           "the API checks who calls, not which object they act on", T_ACCESS),
    Mutant("access-home-admin", "accounts/access.py",
           '    if is_admin(user):\n        return "console:dashboard"\n', "",
           "an admin signing in lands on no page of theirs", T_ACCESS),

    # api/: permissions, not-found for what a caller may not see, error statuses
    Mutant("api-customer-write-as-viewer", "api/v1/customers.py",
           "return [api_permission(is_signed_in, objects=can_edit_portrait)()]",
           "return [api_permission(is_signed_in, objects=can_view_customer)()]",
           "a manager may change their customer's portrait through the API", T_API),
    Mutant("api-customer-exists-leak", "api/v1/customers.py",
           "        if not can_view_customer(self.request.user, profile):\n            raise NotFound",
           "        if False:\n            raise NotFound",
           "a caller learns (403, not 404) that a customer they may not see exists", T_API),
    Mutant("api-customers-list-for-customers", "api/v1/customers.py",
           "permission_classes = [api_permission(can_list_customers)]",
           "permission_classes = [api_permission(is_signed_in)]",
           "a customer may call the customers list", T_API),
    Mutant("api-manager-exists-leak", "api/v1/managers.py",
           "if manager is None or not can_view_manager(self.request.user, manager):", "if manager is None:",
           "a caller learns (403, not 404) that a manager they may not see exists", T_API),
    Mutant("api-managers-list-for-managers", "api/v1/managers.py",
           "permission_classes = [api_permission(can_list_managers)]",
           "permission_classes = [api_permission(is_signed_in)]",
           "a manager may list every manager", T_API),
    Mutant("api-capacity-by-manager", "api/v1/managers.py",
           "if capacity is not None and not can_set_capacity(self.request.user):",
           "if capacity is not None and not is_signed_in(self.request.user):",
           "a manager may set their own capacity through the API", T_API),
    Mutant("api-dashboard-open", "api/v1/matching.py",
           "permission_classes = [api_permission(can_use_console)]", "permission_classes = []",
           "the admin dashboard is open to anyone", T_API),
    Mutant("api-manual-assign-open", "api/v1/matching.py",
           "permission_classes = [api_permission(can_assign_by_hand)]", "permission_classes = []",
           "anyone may assign customers by hand through the API", T_API),
    Mutant("api-conflict-is-400", "api/errors.py",
           "code = status.HTTP_409_CONFLICT if isinstance(exc, Conflict) else status.HTTP_400_BAD_REQUEST",
           "code = status.HTTP_400_BAD_REQUEST",
           "a conflict (capacity, a run in progress, a refused undo) answers 400 instead of 409", T_API),

    # audit/: who did what, from where
    Mutant("audit-anonymous-actor", "audit/services.py",
           'actor_user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None',
           "actor_user = actor",
           "an anonymous actor is recorded as if it were a user", T_AUDIT),
    Mutant("audit-given-ip-ignored", "audit/services.py",
           "ip_address=ip_address if ip_address is not None else current_ip(),", "ip_address=current_ip(),",
           "an address given by the caller is replaced by the request's", T_AUDIT),
    Mutant("audit-unchanged-fields", "audit/services.py",
           "for name, value in after.items() if _text(before.get(name)) != _text(value)}",
           "for name, value in after.items()}",
           "fields that did not change are recorded as changes", T_AUDIT),
    Mutant("audit-proxy-leftmost", "audit/context.py", "return chain[-hops]", "return chain[0]",
           "a client forges its address by sending X-Forwarded-For itself", T_AUDIT),
    Mutant("audit-proxy-ignored", "audit/context.py",
           "    if hops and forwarded:\n", "    if False:\n",
           "behind a trusted proxy, every event records the proxy's address", T_AUDIT),

    # console/ and portal/ views
    Mutant("console-page-open", "console/views/common.py",
           "console_page = access_required(can_use_console)", "console_page = access_required(lambda user: True)",
           "every console page opens to anyone signed in", T_CONSOLE),
    Mutant("console-apply-any-run", "console/views/matching.py",
           "    allow(can_run_matching, request.user)\n"
           "    preview = get_object_or_404(MatchingRun.objects.select_related(\"actor\"), pk=pk, "
           "kind=RunKind.PREVIEW)\n"
           "    if not confirmed(request):",
           "    allow(can_run_matching, request.user)\n"
           "    preview = get_object_or_404(MatchingRun.objects.select_related(\"actor\"), pk=pk)\n"
           "    if not confirmed(request):",
           "the console queues the apply of a run that is not a stored plan", T_CONSOLE),
    Mutant("console-unlock-other-customer", "console/views/customers.py",
           "    if customers_unlock(customer_ids=[customer.pk], actor=request.user):",
           "    if customers_unlock(customer_ids=[pk + 1], actor=request.user):",
           "unlocking on a customer's page unlocks another customer", T_CONSOLE),
    Mutant("console-import-report-any-job", "console/views/imports.py",
           "def import_report(request, pk: int):\n    allow(can_import, request.user)\n"
           "    job = get_object_or_404(BackgroundJob, pk=pk, kind=IMPORT_JOB)",
           "def import_report(request, pk: int):\n    allow(can_import, request.user)\n"
           "    job = get_object_or_404(BackgroundJob, pk=pk)",
           "the import report page opens on a matching job", T_CONSOLE),
    Mutant("portal-home-anonymous", "portal/views/auth.py",
           '    if not is_signed_in(request.user):\n        return redirect("portal:login")\n', "",
           "an anonymous visitor on the home page is not sent to sign in", T_PORTAL),
    Mutant("portal-register-signed-in", "portal/views/auth.py",
           '    if is_signed_in(request.user):\n        return redirect("portal:home")\n', "",
           "a signed-in user may register another account", T_PORTAL),
    Mutant("portal-sign-in-signed-in", "portal/views/auth.py",
           "    redirect_authenticated_user = True\n", "    redirect_authenticated_user = False\n",
           "a signed-in user is shown the sign-in page again", T_PORTAL),
    Mutant("portal-me-for-anyone", "portal/views/customer.py",
           "@access_required(can_use_portrait_page)", "@access_required(lambda user: True)",
           "the portrait page opens to managers and admins", T_PORTAL),
    Mutant("portal-workspace-customer-unscoped", "portal/views/workspace.py",
           "customer = customer_portrait_get("
           "queryset=customers_visible_to(request.user, CustomerProfile.objects.all()), pk=pk)",
           "customer = customer_portrait_get(queryset=CustomerProfile.objects.all(), pk=pk)",
           "a manager opens any customer's page in the workspace by guessing ids", T_PORTAL),
]


# --- running ----------------------------------------------------------------------------------------


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # "caught", "survived", "timeout", "error"
    seconds: float
    detail: str = ""


def project_files() -> list[str]:
    """Tracked and untracked (not ignored) files of the working tree, as the developer has them now."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode()
    return [name for name in out.split("\0") if name and (ROOT / name).is_file()]


def copy_tree(files: list[str], target: Path) -> None:
    for name in files:
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, destination)


def check_mutants(mutants: list[Mutant]) -> list[str]:
    """Every snippet occurs exactly once, every mutant differs and compiles, every test module exists."""
    problems = []
    seen = set()
    for mutant in mutants:
        if mutant.id in seen:
            problems.append(f"{mutant.id}: duplicate id")
        seen.add(mutant.id)
        path = ROOT / mutant.file
        if not path.is_file():
            problems.append(f"{mutant.id}: {mutant.file} does not exist")
            continue
        source = path.read_text(encoding="utf-8")
        count = source.count(mutant.original)
        if count != 1:
            problems.append(f"{mutant.id}: the snippet occurs {count} times in {mutant.file} (expected once): "
                            f"{mutant.original!r}")
            continue
        if mutant.original == mutant.replacement:
            problems.append(f"{mutant.id}: the replacement equals the original")
        try:
            compile(source.replace(mutant.original, mutant.replacement), mutant.file, "exec")
        except SyntaxError as exc:
            problems.append(f"{mutant.id}: the mutated {mutant.file} does not compile: {exc}")
        for test in mutant.tests:
            if not (ROOT / test.split("::")[0]).exists():
                problems.append(f"{mutant.id}: test {test} does not exist")
    return problems


def pytest_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL="sqlite://:memory:",
        # No .pyc: a mutant and its restored original can share size and mtime second, and a stale
        # cached module would then run instead of the source on disk.
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONHASHSEED="0",
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)  # pytest.ini's test settings
    env.pop("CELERY_BROKER_URL", None)
    return env


def pytest_args(tests, extra=()) -> list[str]:
    # pytest.ini adds -q. Plugins the fork server imported before pytest cannot have their asserts rewritten:
    # that warning is about them, not about the tests.
    return ["-x", "-rf", "-p", "no:cacheprovider", "-n", "0", "-W", "ignore::pytest.PytestAssertRewriteWarning",
            *extra, *tests]


# Third-party modules every test run imports, loaded once by the fork server. Nothing of the project:
# its modules, the mutated one included, are imported fresh by each forked run.
PRELOAD = (
    "numpy", "scipy.optimize", "sklearn.cluster", "sklearn.metrics", "sklearn.preprocessing",
    "ortools.graph.python.min_cost_flow", "openpyxl", "hypothesis", "hypothesis.extra.numpy", "faker",
    "factory", "factory.django", "pytest", "pytest_django", "pytest_django.plugin", "xdist", "schemathesis",
    "django", "django.db.models", "django.test", "django.contrib.auth.hashers", "rest_framework",
)


def serve() -> int:
    """`--serve`: started in a copy, import the heavy libraries once, then fork one pytest run per request.

    Python and its libraries take most of a short test run's time; a fork starts from them already
    imported. The project itself is never imported here, so every run sees the files as they are now.
    """
    import importlib
    import json as json_

    sys.path.insert(0, os.getcwd())
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional library is imported (or not) by the run itself
            pass
    for request in sys.stdin:
        job = json_.loads(request)
        pid = os.fork()
        if pid == 0:  # the run
            os.setpgid(0, 0)
            out = os.open(job["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(out, 1)
            os.dup2(out, 2)
            code = 4
            try:
                import pytest

                code = int(pytest.main(job["args"]))
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        deadline = time.monotonic() + job["timeout"]
        code = None
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                os.killpg(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.05)
        print(json_.dumps({"code": code}), flush=True)
    return 0


class Runner:
    """Runs pytest in one copy of the project: through a fork server, or a fresh process per run."""

    def __init__(self, workdir: Path, *, fork: bool):
        self.workdir = workdir
        self.output = workdir / ".mutation-output.txt"
        self.server = None
        if fork:
            self.server = subprocess.Popen(
                [sys.executable, str(workdir / "scripts" / "mutation_run.py"), "--serve"],
                cwd=workdir, env=pytest_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )

    def run(self, tests, *, timeout: float, extra=()) -> tuple[int | None, str]:
        """(exit code, or None on timeout; output)."""
        if self.server is None:
            return self._run_process(tests, timeout=timeout, extra=extra)
        request = {"args": pytest_args(tests, extra), "output": str(self.output), "timeout": timeout}
        self.server.stdin.write(json.dumps(request) + "\n")
        self.server.stdin.flush()
        reply = self.server.stdout.readline()
        if not reply:
            raise RuntimeError(f"the fork server in {self.workdir} stopped")
        return json.loads(reply)["code"], self.output.read_text(errors="replace")

    def _run_process(self, tests, *, timeout, extra) -> tuple[int | None, str]:
        command = [sys.executable, "-m", "pytest", *pytest_args(tests, extra)]
        process = subprocess.Popen(
            command, cwd=self.workdir, env=pytest_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=timeout)
            return process.returncode, output.decode(errors="replace")
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            return None, output.decode(errors="replace")

    def close(self) -> None:
        if self.server is not None:
            self.server.stdin.close()
            self.server.wait(timeout=30)


def first_failure(output: str) -> str:
    for line in output.splitlines():
        if line.startswith(("FAILED ", "ERROR ")):
            return line.split(" - ")[0]
    lines = [line for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run_mutant(mutant: Mutant, runner: Runner, *, timeout: float) -> Outcome:
    path = runner.workdir / mutant.file
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(mutant.original, mutant.replacement), encoding="utf-8")
    started = time.monotonic()
    try:
        code, output = runner.run(mutant.tests, timeout=timeout)
    finally:
        path.write_text(original, encoding="utf-8")
    seconds = time.monotonic() - started
    if code is None:
        return Outcome(mutant, "timeout", seconds, f"no result within {timeout:.0f}s")
    if code == 0:
        return Outcome(mutant, "survived", seconds)
    if code == 1:
        return Outcome(mutant, "caught", seconds, first_failure(output))
    # 2: interrupted (an error during collection, e.g. the mutant breaks an import), 3: internal error,
    # 4: usage error, 5: no tests collected: no test judged the mutant, so it is not counted as caught.
    return Outcome(mutant, "error", seconds, f"pytest exit {code}: {first_failure(output)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="run the mutants whose id, file or description matches this regex")
    parser.add_argument("--sample", type=int, help="run this many of the selected mutants, drawn at random (--seed)")
    parser.add_argument("--seed", type=int, default=0, help="the draw of --sample (the same seed, the same mutants)")
    parser.add_argument("--jobs", type=int, default=1, help="mutants run side by side, each in its own copy")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds per mutant before it is reported as a timeout (not caught)")
    parser.add_argument("--fail-under", type=float, default=90, help="exit 1 below this percentage caught")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the selected tests unmutated first")
    parser.add_argument("--no-fork", action="store_true", help="a fresh Python per run instead of the fork server")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--json", type=Path, help="write the outcomes to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve()

    mutants = MUTANTS
    if args.only:
        pattern = re.compile(args.only)
        mutants = [m for m in MUTANTS if pattern.search(f"{m.id} {m.file} {m.description}")]
    if args.sample is not None and args.sample < len(mutants):
        drawn = set(random.Random(args.seed).sample(range(len(mutants)), args.sample))
        mutants = [m for i, m in enumerate(mutants) if i in drawn]
    problems = check_mutants(MUTANTS)
    if problems:
        print("Mutants that no longer match the source (update them with the code):", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    if args.list:
        for m in mutants:
            print(f"{m.id:40} {m.file:38} {m.description}")
        print(f"{len(mutants)} mutants")
        return 0
    if not mutants:
        print("No mutant matches --only.", file=sys.stderr)
        return 2

    jobs = max(1, min(args.jobs, len(mutants)))
    files = project_files()
    base = Path(tempfile.mkdtemp(prefix="portrait-mutants-"))
    started = time.monotonic()
    runners: list[Runner] = []
    outcomes: list[Outcome] = []
    try:
        for i in range(jobs):
            copy_tree(files, base / f"copy{i}")
            runners.append(Runner(base / f"copy{i}", fork=not args.no_fork))
        print(f"{len(mutants)} mutants, {jobs} job(s), copies under {base}", flush=True)

        if not args.skip_baseline:
            clock = time.monotonic()
            modules = list(dict.fromkeys(test for m in mutants for test in m.tests))
            shares = [modules[i::jobs] for i in range(jobs)]
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(
                    lambda pair: pair[0].run(pair[1], timeout=args.timeout * 4), zip(runners, shares)
                ))
            for code, output in results:
                if code != 0:
                    print(output[-4000:], file=sys.stderr)
                    print(f"The selected tests fail without any mutant (exit {code}): fix them first.",
                          file=sys.stderr)
                    return 3
            passed = sum(int(n) for _code, output in results for n in re.findall(r"(\d+) passed", output))
            print(f"baseline: {passed} tests in {len(modules)} modules pass unmutated "
                  f"({time.monotonic() - clock:.0f}s)", flush=True)

        free = list(runners)
        lock = threading.Lock()

        def work(mutant: Mutant) -> Outcome:
            with lock:
                runner = free.pop()
            try:
                outcome = run_mutant(mutant, runner, timeout=args.timeout)
            finally:
                with lock:
                    free.append(runner)
            with lock:
                outcomes.append(outcome)
                mark = {"caught": "caught  ", "timeout": "timeout ", "survived": "SURVIVED", "error": "ERROR   "}
                print(f"[{len(outcomes):3}/{len(mutants)}] {mark[outcome.status]} {outcome.seconds:5.1f}s "
                      f"{mutant.id}: {mutant.description}" + (f"  <- {outcome.detail}" if outcome.detail else ""),
                      flush=True)
            return outcome

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            list(pool.map(work, mutants))
    finally:
        for runner in runners:
            runner.close()
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)

    elapsed = time.monotonic() - started
    order = {m.id: i for i, m in enumerate(mutants)}
    outcomes.sort(key=lambda o: order[o.mutant.id])
    caught = [o for o in outcomes if o.status == "caught"]
    survived = [o for o in outcomes if o.status == "survived"]
    timeouts = [o for o in outcomes if o.status == "timeout"]
    errors = [o for o in outcomes if o.status == "error"]
    judged = len(outcomes)
    percent = 100 * len(caught) / judged if judged else 0.0
    print()
    print(f"{len(caught)} of {judged} mutants caught ({percent:.1f}%), {len(survived)} survived, "
          f"{len(timeouts)} timed out, {len(errors)} errors, in {elapsed / 60:.1f} min")
    for outcome in survived:
        print(f"  survived: {outcome.mutant.id} ({outcome.mutant.file}): {outcome.mutant.description}")
    for outcome in timeouts:
        print(f"  timed out: {outcome.mutant.id}: {outcome.detail}")
    for outcome in errors:
        print(f"  error: {outcome.mutant.id}: {outcome.detail}")
    if args.json:
        args.json.write_text(json.dumps({
            "caught": len(caught), "survived": len(survived), "timeouts": len(timeouts), "errors": len(errors),
            "mutants": judged, "percent": round(percent, 1), "seconds": round(elapsed),
            "outcomes": [
                {"id": o.mutant.id, "file": o.mutant.file, "status": o.status, "seconds": round(o.seconds, 1),
                 "detail": o.detail, "description": o.mutant.description}
                for o in outcomes
            ],
        }, indent=2, ensure_ascii=False))
    return 0 if percent >= args.fail_under else 1


if __name__ == "__main__":
    sys.exit(main())
