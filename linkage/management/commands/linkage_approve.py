"""Approve a stored linkage model, by a named user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kernel.rules import RuleBroken
from linkage import services
from linkage.models import LinkageModel


class Command(BaseCommand):
    help = "Approve linkage model VERSION for routine runs, in the name of USER"

    def add_arguments(self, parser):
        parser.add_argument("--model-version", type=int, required=True)
        parser.add_argument("--user", required=True, help="the username of the person approving it")

    def handle(self, *args, model_version: int, user, **options):
        found = LinkageModel.objects.filter(version=model_version).first()
        if found is None:
            raise CommandError(f"There is no linkage model {model_version}")
        approver = get_user_model().objects.filter(username=user).first()
        if approver is None:
            raise CommandError(f"There is no user {user}")
        try:
            services.approve_model(approver, found)
        except RuleBroken as broken:
            raise CommandError(str(broken)) from None
        self.stdout.write(f"Approved linkage model {model_version}: it scores routine runs from now on")
