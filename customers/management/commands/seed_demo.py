from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from customers.demo import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_PASSWORD, NAMED_CUSTOMERS, NAMED_MANAGERS, demo_seed


class Command(BaseCommand):
    help = (
        f"Create the demo accounts of the older system: {ADMIN_USERNAME}/{ADMIN_PASSWORD}, "
        f"customer1..{NAMED_CUSTOMERS} and manager1..{NAMED_MANAGERS} with password {DEMO_PASSWORD}, with Chinese "
        "portraits and the service and hobby vocabularies. Idempotent: every run resets these accounts' password, "
        "role, name and portrait to what --seed gives; their manager and segment are kept, and customers whose "
        "portrait the reset changed are reclassified. --customers/--managers add the synthetic accounts "
        "syn_c000001.. and syn_m0001.. that do not exist yet, in bulk. New customers get no class or manager: "
        "run autoassign next. Refuses to run with DEBUG off unless --force, because the passwords are public."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="Random seed of the portraits (default 42).")
        parser.add_argument("--customers", type=int, default=0, metavar="N",
                            help="Make sure synthetic customers syn_c000001..N exist (default 0).")
        parser.add_argument("--managers", type=int, default=0, metavar="M",
                            help="Make sure synthetic managers syn_m0001..M exist (default 0).")
        parser.add_argument("--force", action="store_true",
                            help="Run even with DEBUG off: creates accounts whose passwords are public.")

    def handle(self, *args, seed: int, customers: int, managers: int, force: bool, verbosity: int, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with public passwords and DEBUG is off: "
                "run it with DEBUG=1 on a demo database, or add --force if you really mean this database."
            )
        for name, value in (("--seed", seed), ("--customers", customers), ("--managers", managers)):
            if value < 0:
                raise CommandError(f"{name} must be 0 or more, got {value}.")

        summary = demo_seed(seed=seed, customers=customers, managers=managers)

        if verbosity >= 1:
            self.stdout.write(
                f"Vocabularies: {summary.services_created} services and {summary.hobbies_created} hobbies created.\n"
                f"Named accounts: {len(summary.named_created)} created, {len(summary.named_reset)} reset "
                f"({len(summary.portraits_changed)} portraits restored and sent for reclassification).\n"
                f"Synthetic customers: {summary.customers_created} created, "
                f"{summary.customers_skipped} already there.\n"
                f"Synthetic managers: {summary.managers_created} created, {summary.managers_skipped} already there."
            )
            self.stdout.write(self.style.SUCCESS(
                f"Demo data ready in {summary.seconds:.1f} s (seed {seed}). "
                f"Sign in as {ADMIN_USERNAME}/{ADMIN_PASSWORD}, customer1/{DEMO_PASSWORD} or manager1/{DEMO_PASSWORD}."
            ))
