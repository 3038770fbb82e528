"""What telling people costs a run: the write phase with and without the notifications' receiver.

    python benchmarks/bench_notifications.py                      # 10,000 customers, 250 managers
    python benchmarks/bench_notifications.py --customers 100000 --managers 2500
    DATABASE_URL=mysql://root:@127.0.0.1:3306/portrait_bench python benchmarks/bench_notifications.py

Seeds the customers without a manager, then, `--repeat` times each, alternately: a run that places them
all (every customer's manager changes) with the receiver disconnected, then connected, each undone
(receiver off) before the next. Prints the median write phase of each, their ratio (the issue asks for at
most 10% more), and what the notifications cost after the commit (their rows and the mail, sent in-process
to a memory backend). Uses its own database (a temporary SQLite file unless DATABASE_URL is given);
it asserts nothing about time.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--managers", type=int, default=0, help="default: one per 40 customers")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    managers = args.managers or max(1, args.customers // 40)

    workdir = tempfile.mkdtemp(prefix="portrait-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ["DEBUG"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "portrait.settings.base"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.pop("CELERY_BROKER_URL", None)  # the mail task runs in-process: its cost is counted here
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Value
    from django.db.models.functions import Concat

    from accounts.models import User
    from managers.models import ManagerProfile
    from matching.events import managers_changed
    from matching.services import run_automatic, run_undo
    from notifications import tasks
    from notifications.models import Notification
    from notifications.receivers import tell_on_commit

    print(f"database: {connection.vendor} ({os.environ['DATABASE_URL']})")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", customers=args.customers, managers=managers, seed=args.seed, minimal=True,
                 force=True, verbosity=0)
    User.objects.update(email=Concat("username", Value("@example.com")))  # everyone gets their mail
    ManagerProfile.objects.update(capacity=max(50, 2 * args.customers // managers))  # room for everyone
    print(f"{args.customers} customers, {managers} managers")

    in_receiver = []

    def timed_receiver(**kwargs):
        """The receiver, timed: what it adds to the write phase, measured without the machine's noise."""
        clock = time.perf_counter()
        tell_on_commit(**kwargs)
        in_receiver.append(time.perf_counter() - clock)

    def receiver(on: bool) -> None:
        if on:
            managers_changed.connect(timed_receiver, dispatch_uid="notifications.tell_on_commit")
        else:
            managers_changed.disconnect(dispatch_uid="notifications.tell_on_commit")

    mailing = []
    send = tasks.notifications_mail_send

    def timed_send(**kwargs):
        clock = time.perf_counter()
        try:
            return send(**kwargs)
        finally:
            mailing.append(time.perf_counter() - clock)

    tasks.notifications_mail_send = timed_send

    figures = {False: [], True: []}
    after_commit, recording = [], []
    for _round in range(args.repeat):
        for on in (False, True):
            receiver(on)
            mail.outbox = []
            notifications_before = Notification.objects.count()
            clock = time.perf_counter()
            report = run_automatic()
            total = time.perf_counter() - clock
            write = report.seconds["write"]
            figures[on].append(write)
            if on:
                after_commit.append(total - sum(report.seconds.values()))
                recording.append(after_commit[-1] - mailing[-1])
                told = Notification.objects.count() - notifications_before
                mails = len(mail.outbox)
            receiver(False)
            run_undo(run=report.run)
            print(f"  receiver {'on ' if on else 'off'}: {len(report.changes)} changes, write phase {write:.3f}s, "
                  f"run {total:.2f}s")
    managers_changed.connect(tell_on_commit, dispatch_uid="notifications.tell_on_commit")

    off, on = statistics.median(figures[False]), statistics.median(figures[True])
    print(f"write phase without the receiver: {off:.3f}s (median of {args.repeat})")
    print(f"write phase with the receiver: {on:.3f}s (median of {args.repeat})")
    print(f"write phase ratio: {on / off:.3f} (the issue's limit: 1.10)")
    spent = statistics.median(in_receiver)
    print(f"in the receiver, within the write phase: {spent:.4f}s ({100 * spent / off:.2f}% of the write phase "
          "without it)")
    print(f"after the commit: {statistics.median(after_commit):.2f}s, of which {statistics.median(recording):.2f}s "
          f"writing {told} notifications and {statistics.median(mailing):.2f}s sending {mails} mails "
          "(in-process here; a worker's with a broker)")


if __name__ == "__main__":
    main()
