from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.generators import ADMIN_PASSWORD, ADMIN_USERNAME, DEMO_PASSWORD, NAMED_CUSTOMERS, NAMED_MANAGERS
from demo.services import demo_seed


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Create the demo accounts of the older system: %(admin)s/%(admin_password)s, "
            "customer1..%(customers)d and manager1..%(managers)d with password %(password)s, with Chinese "
            "portraits and the service and hobby vocabularies. Idempotent: every run resets these accounts' password, "
            "role, name and portrait to what --seed gives; their manager and segment are kept, and customers whose "
            "portrait the reset changed are reclassified. --customers/--managers add the synthetic accounts "
            "syn_c000001.. and syn_m0001.. that do not exist yet, in bulk. New customers get no class or manager: "
            "run autoassign next. Refuses to run with DEBUG off unless --force, because the passwords are public."
        ) % {
            "admin": ADMIN_USERNAME, "admin_password": ADMIN_PASSWORD, "customers": NAMED_CUSTOMERS,
            "managers": NAMED_MANAGERS, "password": DEMO_PASSWORD,
        }

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help=_("Random seed of the portraits (default 42)."))
        parser.add_argument("--customers", type=int, default=0, metavar="N",
                            help=_("Make sure synthetic customers syn_c000001..N exist (default 0)."))
        parser.add_argument("--managers", type=int, default=0, metavar="M",
                            help=_("Make sure synthetic managers syn_m0001..M exist (default 0)."))
        parser.add_argument("--force", action="store_true",
                            help=_("Run even with DEBUG off: creates accounts whose passwords are public."))

    def handle(self, *args, seed: int, customers: int, managers: int, force: bool, verbosity: int, **options):
        if not settings.DEBUG and not force:
            raise CommandError(_(
                "seed_demo creates accounts with public passwords and DEBUG is off: "
                "run it with DEBUG=1 on a demo database, or add --force if you really mean this database."
            ))
        for name, value in (("--seed", seed), ("--customers", customers), ("--managers", managers)):
            if value < 0:
                raise CommandError(_("%(option)s must be 0 or more, got %(value)d.") % {"option": name, "value": value})

        summary = demo_seed(seed=seed, customers=customers, managers=managers)

        if verbosity >= 1:
            self.stdout.write("\n".join([
                _("Vocabularies: %(services)d services and %(hobbies)d hobbies created.") % {
                    "services": summary.services_created, "hobbies": summary.hobbies_created,
                },
                _(
                    "Named accounts: %(created)d created, %(reset)d reset "
                    "(%(restored)d portraits restored and sent for reclassification)."
                ) % {
                    "created": len(summary.named_created), "reset": len(summary.named_reset),
                    "restored": len(summary.portraits_changed),
                },
                _("Synthetic customers: %(created)d created, %(skipped)d already there.") % {
                    "created": summary.customers_created, "skipped": summary.customers_skipped,
                },
                _("Synthetic managers: %(created)d created, %(skipped)d already there.") % {
                    "created": summary.managers_created, "skipped": summary.managers_skipped,
                },
            ]))
            self.stdout.write(self.style.SUCCESS(
                _(
                    "Demo data ready in %(seconds).1f s (seed %(seed)d). "
                    "Sign in as %(admin)s/%(admin_password)s, customer1/%(password)s or manager1/%(password)s."
                ) % {
                    "seconds": summary.seconds, "seed": seed, "admin": ADMIN_USERNAME,
                    "admin_password": ADMIN_PASSWORD, "password": DEMO_PASSWORD,
                }
            ))
