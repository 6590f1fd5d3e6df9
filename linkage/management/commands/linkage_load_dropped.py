"""Load the feeds dropped in LINKAGE_DROP_DIR (linkage.drop); each is queued for scoring."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from linkage import drop


class Command(BaseCommand):
    help = "Load each CSV or Parquet feed in the drop folder whole (or not at all), then move it to done/ or failed/"

    def add_arguments(self, parser):
        parser.add_argument("--folder", type=Path, help="default: the setting LINKAGE_DROP_DIR")

    def handle(self, *args, folder, **options):
        folder = folder or (Path(settings.LINKAGE_DROP_DIR) if getattr(settings, "LINKAGE_DROP_DIR", "") else None)
        if folder is None or not folder.is_dir():
            raise CommandError("Name the drop folder: the setting LINKAGE_DROP_DIR, or --folder")
        for outcome in drop.load_folder(folder):
            if outcome.submission is not None:
                self.stdout.write(f"{outcome.path.name}: {outcome.submission.records} records kept")
            else:
                self.stderr.write(f"{outcome.path.name}: refused. {outcome.problem}")
