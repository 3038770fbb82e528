from functools import partial

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from matching.models import MatchingRun, Strategy
from matching.services import RunInProgress, UndoRefused, matching_run, run_undo

PREVIEW = 20


class Command(BaseCommand):
    help = (
        "Classify every customer (A-E) and assign a relationship manager to those who need one, "
        "never exceeding a manager's capacity. By default only customers without a manager, or whose "
        "manager's account is inactive, are placed; --rebalance places every customer who is not locked."
    )

    def add_arguments(self, parser):
        parser.add_argument("--strategy", choices=Strategy.values, default=Strategy.OPTIMAL,
                            help="optimal (default): largest total score; greedy: the older system's rule.")
        parser.add_argument("--rebalance", action="store_true",
                            help="Place again every customer who is not manually locked.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Compute and print the summary and the first changes; write no profile.")
        parser.add_argument("--undo", type=int, metavar="RUN_ID",
                            help="Restore what run RUN_ID changed (refused if any of its customers changed since).")

    def handle(self, *args, **options):
        if options["undo"] is not None:
            return self._undo(options)
        show_progress = options["verbosity"] >= 1
        progress = partial(tqdm, file=self.stderr._out,
                           disable=not show_progress, leave=False)
        try:
            report = matching_run(
                strategy=options["strategy"], rebalance=options["rebalance"], dry_run=options["dry_run"],
                progress=progress,
            )
        except RunInProgress as exc:
            raise CommandError(str(exc)) from exc
        self._print_report(report, options)

    def _undo(self, options):
        if options["dry_run"] or options["rebalance"]:
            raise CommandError("--undo cannot be combined with --dry-run or --rebalance.")
        run = MatchingRun.objects.filter(pk=options["undo"]).first()
        if run is None:
            raise CommandError(f"No matching run with id {options['undo']}.")
        try:
            undo = run_undo(run=run)
        except UndoRefused as exc:
            raise CommandError(exc.messages[0]) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except RunInProgress as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(
            f"Run {run.pk} undone by run {undo.pk}: {undo.customers_moved} customer(s) restored."
        ))

    def _print_report(self, report, options):
        run = report.run
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        if run.dry_run and options["verbosity"] >= 1:
            self.stdout.write(f"Dry run: {len(report.changes)} change(s) would be made; the first {min(PREVIEW, len(report.changes))}:")
            for change in report.changes[:PREVIEW]:
                self.stdout.write(
                    f"  {change.customer} [{change.customer_class}]: {change.previous_manager or '-'} -> "
                    f"{change.new_manager or '-'} ({change.reason}, score {change.total})"
                )
        classes = ", ".join(f"{letter} {count}" for letter, count in report.class_counts.items()) or "none"
        seconds = ", ".join(f"{phase} {value:.2f}s" for phase, value in report.seconds.items())
        lines = [
            f"Run {run.pk} ({run.get_strategy_display()}{', rebalance' if run.options.get('rebalance') else ''}"
            f"{', DRY RUN: nothing written' if run.dry_run else ''})",
            f"  customers classified: {run.customers_classified} ({classes})",
            f"  placed: {run.customers_placed}, moved: {run.customers_moved}, "
            f"left unassigned for lack of room: {run.customers_unassigned}, fallbacks: {run.fallbacks}",
            f"  total score: {run.total_score}, mean score: {run.mean_score:.2f}",
            f"  changes: {len(report.changes)}",
            f"  seconds: {seconds}",
        ]
        if options["verbosity"] < 1:
            return
        self.stdout.write(self.style.SUCCESS(lines[0]))
        for line in lines[1:]:
            self.stdout.write(line)
