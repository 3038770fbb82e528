from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.generators import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    DEMO_PASSWORD,
    FOLLOW_UP_MANAGER,
    NAMED_CUSTOMERS,
    NAMED_MANAGERS,
    NETWORK_CUSTOMERS,
    NETWORK_MANAGERS,
)
from demo.services import demo_seed


class Command(BaseCommand):
    @property
    def help(self) -> str:  # translated when the parser is built, in the active language
        return _(
            "Create the demo accounts of the older system: %(admin)s/%(admin_password)s, "
            "customer1..%(customers)d and manager1..%(managers)d with password %(password)s, with Chinese "
            "portraits and the service and hobby vocabularies. Idempotent: every run resets these accounts' password, "
            "role, name and portrait to what --seed gives; their manager and segment are kept, and customers whose "
            "portrait the reset changed are reclassified. Unless --minimal, the first run also adds a bank's "
            "network (customer%(first_customer)d..customer%(last_customer)d, "
            "manager%(first_manager)d..manager%(last_manager)d, same password) with a year of history (runs, an "
            "undo, manual assignments, a manager who left) and a contact log; then computes segments and stores a "
            "preview of placing the customers who joined since the last run. "
            "--customers/--managers add the synthetic accounts syn_c000001.. and syn_m0001.. that do not exist "
            "yet, in bulk, with no class or manager (benchmarks: use them with --minimal and run autoassign next). "
            "Refuses to run with DEBUG off unless --force, because the passwords are public."
        ) % {
            "admin": ADMIN_USERNAME, "admin_password": ADMIN_PASSWORD, "customers": NAMED_CUSTOMERS,
            "managers": NAMED_MANAGERS, "password": DEMO_PASSWORD, "first_customer": NAMED_CUSTOMERS + 1,
            "last_customer": NAMED_CUSTOMERS + NETWORK_CUSTOMERS, "first_manager": NAMED_MANAGERS + 1,
            "last_manager": NAMED_MANAGERS + NETWORK_MANAGERS,
        }

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help=_("Random seed of the portraits (default 42)."))
        parser.add_argument("--customers", type=int, default=0, metavar="N",
                            help=_("Make sure synthetic customers syn_c000001..N exist (default 0)."))
        parser.add_argument("--managers", type=int, default=0, metavar="M",
                            help=_("Make sure synthetic managers syn_m0001..M exist (default 0)."))
        parser.add_argument("--minimal", action="store_true",
                            help=_("Only the named accounts (and synthetic ones asked for): no network, no history."))
        parser.add_argument("--force", action="store_true",
                            help=_("Run even with DEBUG off: creates accounts whose passwords are public."))

    def handle(
        self, *args, seed: int, customers: int, managers: int, minimal: bool, force: bool, verbosity: int, **options
    ):
        if not settings.DEBUG and not force:
            raise CommandError(_(
                "seed_demo creates accounts with public passwords and DEBUG is off: "
                "run it with DEBUG=1 on a demo database, or add --force if you really mean this database."
            ))
        for name, value in (("--seed", seed), ("--customers", customers), ("--managers", managers)):
            if value < 0:
                raise CommandError(_("%(option)s must be 0 or more, got %(value)d.") % {"option": name, "value": value})

        network = {"network_customers": 0, "network_managers": 0} if minimal else {}
        summary = demo_seed(seed=seed, customers=customers, managers=managers, **network)

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
                *self._network_lines(summary.network, minimal=minimal),
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

    def _network_lines(self, network, *, minimal: bool) -> list[str]:
        if minimal:
            return []
        if not network.created:
            return [_("Demo network: already there, left as it is.")]
        lines = [
            _(
                "Demo network: %(customers)d customers and %(managers)d managers who joined over the past year, "
                "%(runs)d runs and %(manual)d manual assignments in their history, %(segments)d segments."
            ) % {
                "customers": network.customers, "managers": network.managers, "runs": network.runs,
                "manual": network.manual_assignments, "segments": network.segments,
            },
        ]
        if network.contacts:
            lines.append(_(
                "Contact log: %(contacts)d contacts with %(customers)d customers over the past months, each by their "
                "manager at the time; %(manager)s has %(due)d follow-ups due today or overdue (%(overdue)d overdue)."
            ) % {
                "contacts": network.contacts, "customers": network.contacted_customers, "manager": FOLLOW_UP_MANAGER,
                "due": network.follow_ups_due, "overdue": network.follow_ups_overdue,
            })
        if network.requests_approved or network.requests_declined or network.requests_open:
            lines.append(_(
                "Requests for another manager: %(approved)d approved, %(declined)d declined, %(open)d waiting in "
                "the console's queue."
            ) % {
                "approved": network.requests_approved, "declined": network.requests_declined,
                "open": network.requests_open,
            })
        if network.preview_id is not None:
            lines.append(_(
                "Stored preview #%(id)d: %(changes)d customers to place; the optimal rule scores %(gain)d points "
                "more than the greedy one. See it at /console/matching/previews/%(id)d/."
            ) % {"id": network.preview_id, "changes": network.preview_changes, "gain": network.optimal_gain})
        if network.scenarios:
            lines.append(_(
                "Capacity planning: a plan computed and %(count)d what-if scenarios evaluated (%(names)s). See them "
                "at /console/planning/."
            ) % {"count": len(network.scenarios), "names": "; ".join(network.scenarios)})
        return lines
