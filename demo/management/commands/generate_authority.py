"""Make the synthetic demo authority: `manage.py generate_authority --children 2000 --seed 1`.

Safe to run on every start: if the database already has a local authority (or any person),
it changes nothing and prints the demo sign-in accounts again. See demo/generator.py.
"""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import generator


def _date(value):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2025-09-01, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Create a synthetic local authority (agencies, teams, staff with demo accounts, and N children in "
        "families) that is the same for the same --seed, --children and --today. Does nothing if the database "
        "already holds an authority or any person."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=2000, help="How many children to make (default 2000)")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed makes the same data")
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="The date the data is made relative to (YYYY-MM-DD; default: the real date). Ages, names and "
            "identifiers do not depend on it; dates shift with it. Pass it to make the dates identical too.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=generator.DEFAULT_BATCH,
            help=f"Children per transaction (default {generator.DEFAULT_BATCH})",
        )

    def handle(self, *args, children, seed, today, batch_size, **options):
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "generate_authority makes demo accounts with a published password: "
                "it does not run when SAFEGUARDING_ENV=production"
            )
        if children < 0:
            raise CommandError("--children must be 0 or more")
        if batch_size < 1:
            raise CommandError("--batch-size must be 1 or more")
        verbose = options.get("verbosity", 1) >= 1
        log = (lambda message: self.stdout.write(message)) if verbose else None
        if verbose and not generator.authority_exists():
            self.stdout.write(
                f"Making {generator.LA_NAME} with {children:,} children (seed {seed}, "
                f"today {(today or dt.date.today()).isoformat()})"
            )
        result = generator.generate(children=children, seed=seed, today=today, batch_size=batch_size, log=log)
        if not verbose:
            return
        if result.created:
            self.stdout.write(self.style.SUCCESS(f"Made {result.children:,} children in {result.seconds:.1f} seconds."))
            width = max(len(name) for name in result.counts)
            self.stdout.write("Rows made:")
            for name, number in result.counts.items():
                self.stdout.write(f"  {name:<{width}}  {number:>12,}")
            if getattr(settings, "CHILD_POPULATION", None) != result.children:
                # The demo borrows Leeds's DfE code: without this, rates are per Leeds's children.
                self.stdout.write(
                    f"For the statistics' rates per 10,000 children, serve with "
                    f"SAFEGUARDING_CHILD_POPULATION={result.children} (scripts/serve-demo.sh does)."
                )
        else:
            self.stdout.write("The database already holds a local authority: nothing changed.")
        self.print_accounts(result.accounts)

    def print_accounts(self, accounts):
        if not accounts:
            return
        self.stdout.write("")
        self.stdout.write(f"Demo sign-in accounts (password for all: {generator.DEMO_PASSWORD}):")
        headings = ("Username", "Role", "Agency", "Team")
        widths = [max(len(headings[i]), *(len(row[i]) for row in accounts)) for i in range(4)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write(("  " + line.format(*headings)).rstrip())
        self.stdout.write(("  " + line.format(*("-" * w for w in widths))).rstrip())
        for row in accounts:
            self.stdout.write(("  " + line.format(*row)).rstrip())
