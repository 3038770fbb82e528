from functools import partial

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from matching.services import segments_compute


class Command(BaseCommand):
    help = (
        "Segment customers by portrait with K-Means++ (age, log of assets, needs, hobbies) and store "
        "each customer's segment and a summary per segment for the dashboard."
    )

    def add_arguments(self, parser):
        parser.add_argument("--k", type=int, help="Number of segments (2 or more). Default: chosen by silhouette score over 2..8.")
        parser.add_argument("--random-state", type=int, default=0, help="Seed, for reproducible segments (default 0).")

    def handle(self, *args, **options):
        k = options["k"]
        if k is not None and k < 2:
            raise CommandError("--k must be at least 2.")
        progress = partial(tqdm, file=self.stderr._out, disable=options["verbosity"] < 1, leave=False)
        try:
            report = segments_compute(k=k, random_state=options["random_state"], progress=progress)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not report.customers:
            self.stdout.write(self.style.WARNING("No customers to segment."))
            return
        quality = f", silhouette {report.silhouette:.3f}" if report.silhouette is not None else ""
        self.stdout.write(self.style.SUCCESS(f"{report.customers} customers in {report.k} segments{quality}:"))
        for segment in report.segments:
            self.stdout.write(f"  {segment.label}: {segment.size} customers, {segment.name}")
