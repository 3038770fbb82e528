
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from insights.services import segments_compute


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Segment customers by portrait with K-Means++ (age, log of assets, needs, hobbies) and store "
            "each customer's segment and a summary per segment for the dashboard."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--k", type=int, help=_("Number of segments (2 or more). Default: chosen by silhouette score over 2..8.")
        )
        parser.add_argument(
            "--random-state", type=int, default=0, help=_("Seed, for reproducible segments (default 0).")
        )

    def handle(self, *args, **options):
        try:  # k is checked by the service (segmentation.check_requested_k), one rule for every caller
            report = segments_compute(actor=None, k=options["k"], random_state=options["random_state"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not report.customers:
            self.stdout.write(self.style.WARNING(_("No customers to segment.")))
            return
        if report.silhouette is not None:
            heading = _("%(customers)d customers in %(k)d segments, silhouette %(silhouette).3f:") % {
                "customers": report.customers,
                "k": report.k,
                "silhouette": report.silhouette,
            }
        else:
            heading = _("%(customers)d customers in %(k)d segments:") % {"customers": report.customers, "k": report.k}
        self.stdout.write(self.style.SUCCESS(heading))
        for segment in report.segments:
            self.stdout.write(
                "  "
                + _("%(label)s: %(size)d customers, %(name)s")
                % {
                    "label": segment.label,
                    "size": segment.size,
                    "name": segment.name,
                }
            )
