import json
from dataclasses import asdict

from django.core.checks import Tags
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from matching.capacity_report import capacity_report
from matching.services.runs import move_cost_checked


class Command(BaseCommand):
    requires_system_checks = [Tags.models, Tags.database]

    @property
    def help(self) -> str:
        return _(
            "For the optimal rule over every customer who is not locked: what one seat more and one seat fewer "
            "at each manager would change (customers placed and score, exactly), and who is left without a "
            "manager or below their best eligible one, by branch and tier. Changes nothing."
        )

    def add_arguments(self, parser):
        parser.add_argument("--move-cost", type=int, default=0, metavar="N",
                            help=_("Plan with continuity: a move away from a current manager costs N points."))
        parser.add_argument("--json", action="store_true",
                            help=_("Print one JSON object per manager: username, placed_plus, score_plus, "
                                   "placed_minus, score_minus."))

    def handle(self, *args, **options):
        try:
            report = capacity_report(move_cost=move_cost_checked(options["move_cost"]))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if options["json"]:
            for seat in report.managers:
                self.stdout.write(json.dumps(asdict(seat), ensure_ascii=False))
            return
        self.stdout.write(self.style.SUCCESS(
            _("Optimal plan: %(placed)d customer(s) placed, score %(score)d.")
            % {"placed": report.placed, "score": report.score}
        ))
        self.stdout.write(_("Seats worth most (one more seat: placed, score; one fewer: placed, score):"))
        ranked = sorted(report.managers, key=lambda s: (-s.placed_plus, -s.score_plus, s.username))
        for seat in ranked:
            self.stdout.write(f"  {seat.username}: +1 -> {seat.placed_plus:+d}, {seat.score_plus:+d}; "
                              f"-1 -> {seat.placed_minus:+d}, {seat.score_minus:+d}")
        self.stdout.write(_("By branch and tier (customers, unassigned, below their best, points short):"))
        for group in report.groups:
            label = " / ".join(part for part in (group.branch, group.tier) if part) or _("everyone")
            self.stdout.write(f"  {label}: {group.customers}, {group.unassigned}, {group.below_best}, "
                              f"{group.points_short}")
