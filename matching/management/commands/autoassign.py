from functools import partial

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from tqdm import tqdm

from matching.models import MatchingRun, Reason, Strategy
from matching.services import RunInProgress, UndoRefused, run_automatic, run_undo
from matching.services.previews import preview_create

PREVIEW = 20

# The phase codes the summary prints: English keeps the code, other languages a short word.
PHASES = {
    "load": pgettext_lazy("matching phase", "load"),
    "score": pgettext_lazy("matching phase", "score"),
    "place": pgettext_lazy("matching phase", "place"),
    "write": pgettext_lazy("matching phase", "write"),
    "store": pgettext_lazy("matching phase", "store"),
}


class Command(BaseCommand):
    # The models it reads, not the web surfaces: checking URLs and the admin imports every view (half a
    # second of a run's start-up); `manage.py check` covers them.
    requires_system_checks = [Tags.models, Tags.database]

    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Classify every customer (A-E) and assign a relationship manager to those who need one, "
            "never exceeding a manager's capacity. By default only customers without a manager, or whose "
            "manager's account is inactive, are placed; --rebalance places every customer who is not locked."
        )

    def add_arguments(self, parser):
        parser.add_argument("--strategy", choices=Strategy.values, default=Strategy.OPTIMAL,
                            help=_("optimal (default): largest total score; greedy: the older system's rule."))
        parser.add_argument("--rebalance", action="store_true",
                            help=_("Place again every customer who is not manually locked."))
        parser.add_argument("--move-cost", type=int, default=0, metavar="N",
                            help=_("With --rebalance and the optimal strategy: a customer leaves their manager "
                                   "only when the move gains more than N points of fit (default 0)."))
        parser.add_argument("--dry-run", action="store_true",
                            help=_("Compute and print the summary and the first changes; change no customer. "
                                   "The plan is kept as a preview, which the console or the API can apply."))
        parser.add_argument("--undo", type=int, metavar="RUN_ID",
                            help=_("Restore what run RUN_ID changed (refused if any of its customers changed since)."))

    def handle(self, *args, **options):
        if options["undo"] is not None:
            return self._undo(options)
        show_progress = options["verbosity"] >= 1
        progress = partial(tqdm, file=self.stderr._out,
                           disable=not show_progress, leave=False)
        strategy = Strategy(options["strategy"])  # argparse checked it against Strategy.values
        placing = {"strategy": strategy, "rebalance": options["rebalance"], "move_cost": options["move_cost"]}
        try:
            if options["dry_run"]:
                self._print_preview(preview_create(**placing, progress=progress, actor=None), options)
                return
            report = run_automatic(**placing, progress=progress, actor=None)
        except (RunInProgress, ValidationError) as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except DatabaseError as exc:  # the run is recorded as failed and wrote nothing: one line, no traceback
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            raise CommandError(
                _("The run failed and changed nothing (recorded as failed): %(error)s") % {"error": detail}
            ) from exc
        self._print_report(report, options)

    def _undo(self, options):
        if options["dry_run"] or options["rebalance"]:
            raise CommandError(_("--undo cannot be combined with --dry-run or --rebalance."))
        run = MatchingRun.objects.filter(pk=options["undo"]).first()
        if run is None:
            raise CommandError(_("No matching run with id %(id)s.") % {"id": options["undo"]})
        try:
            undo = run_undo(run=run, actor=None)
        except UndoRefused as exc:
            raise CommandError(exc.messages[0]) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(
            _("Run %(run)s undone by run %(undo)s: %(count)d customer(s) restored.")
            % {"run": run.pk, "undo": undo.pk, "count": undo.customers_moved}
        ))

    def _print_preview(self, preview: MatchingRun, options):
        """The stored plan: how many changes, the first ones, then the same summary as a run."""
        count = preview.summary.get("changes", 0)
        if options["verbosity"] >= 1:
            self.stdout.write(
                _("Dry run: %(count)d change(s) would be made; the first %(shown)d:")
                % {"count": count, "shown": min(PREVIEW, count)}
            )
            first = preview.planned_changes.select_related(
                "customer__user", "previous_manager__user", "new_manager__user"
            )[:PREVIEW]
            for change in first:
                self.stdout.write("  " + _(
                    "%(customer)s [%(class)s]: %(previous)s -> %(new)s (%(reason)s, score %(score)s)"
                ) % {
                    "customer": change.customer.user.username, "class": change.customer_class,
                    "previous": change.previous_manager.user.username if change.previous_manager else "-",
                    "new": change.new_manager.user.username if change.new_manager else "-",
                    "reason": Reason(change.reason).label, "score": change.total,
                })
        self._print_summary(
            preview, class_counts=preview.summary.get("class_counts", {}), seconds=preview.summary.get("seconds", {}),
            changes=count, options=options, dry_run=True,
        )

    def _print_report(self, report, options):
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(_("Warning: %(message)s") % {"message": warning}))
        self._print_summary(report.run, class_counts=report.class_counts, seconds=report.seconds,
                            changes=len(report.changes), options=options, dry_run=False)

    def _print_summary(self, run, *, class_counts, seconds, changes, options, dry_run):
        phase_seconds = seconds
        classes = ""
        for letter, count in class_counts.items():
            if classes:
                classes = _("%(classes)s, %(class)s %(count)d") % {"classes": classes, "class": letter, "count": count}
            else:
                classes = _("%(class)s %(count)d") % {"class": letter, "count": count}
        seconds = ""
        for phase, value in phase_seconds.items():
            name = PHASES.get(phase, phase)
            if seconds:
                seconds = _("%(phases)s, %(phase)s %(seconds).2fs") % {
                    "phases": seconds,
                    "phase": name,
                    "seconds": value,
                }
            else:
                seconds = _("%(phase)s %(seconds).2fs") % {"phase": name, "seconds": value}
        details = run.get_strategy_display()
        if run.options.get("rebalance"):
            details = _("%(details)s, rebalance") % {"details": details}
        if run.options.get("move_cost"):
            details = _("%(details)s, move cost %(points)d") % {"details": details, "points": run.options["move_cost"]}
        if dry_run:
            details = _("%(details)s, DRY RUN: no customer changed; kept as preview %(id)s") % {
                "details": details, "id": run.pk,
            }
        lines = [
            _("Run %(id)s (%(details)s)") % {"id": run.pk, "details": details},
            _("customers classified: %(count)d (%(classes)s)")
            % {
                "count": run.customers_classified,
                "classes": classes or pgettext("no classes", "none"),
            },
            _(
                "placed: %(placed)d, moved: %(moved)d, left unassigned for lack of room: %(unassigned)d, "
                "fallbacks: %(fallbacks)d"
            )
            % {
                "placed": run.customers_placed,
                "moved": run.customers_moved,
                "unassigned": run.customers_unassigned,
                "fallbacks": run.fallbacks,
            },
            _("total score: %(total)s, mean score: %(mean).2f") % {"total": run.total_score, "mean": run.mean_score},
            _("changes: %(count)d") % {"count": changes},
            _("seconds: %(seconds)s") % {"seconds": seconds},
        ]
        if options["verbosity"] < 1:
            return
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write("  " + line)
