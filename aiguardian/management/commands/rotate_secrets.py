"""``manage.py rotate_secrets SECRET_KEY API_KEY_PEPPERS`` — see aiguardian.rotation."""

from __future__ import annotations

import os

from django.core.management.base import CommandError, CommandParser

from aiguardian import rotation
from aiguardian.management.base import GatewayCommand
from aiguardian.secrets import DEFAULT_SECRET_NAME, SecretsConfigError


class Command(GatewayCommand):
    help = "Rotate SECRET_KEY and/or API_KEY_PEPPERS in the AWS Secrets Manager secret, keeping fallbacks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("keys", nargs="+", choices=rotation.ROTATABLE, help="Which secrets to rotate.")
        parser.add_argument("--secret-name", default=os.environ.get("AWS_SECRETS_NAME", DEFAULT_SECRET_NAME),
                            help="The Secrets Manager secret (default: $AWS_SECRETS_NAME).")
        parser.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"),
                            help="AWS region (default: $AWS_REGION or us-east-1).")
        parser.add_argument("--keep", type=int, default=2, help="How many previous values stay valid (1-10).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Read the secret and check it can be rotated; write nothing.")

    def handle(self, *args, **options) -> None:
        if not 1 <= options["keep"] <= 10:
            raise CommandError("--keep must be between 1 and 10")
        try:
            result = rotation.rotate_in_secrets_manager(
                keys=options["keys"], region=options["region"], secret_name=options["secret_name"],
                keep=options["keep"], dry_run=options["dry_run"],
            )
        except (SecretsConfigError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        verb = "would rotate" if options["dry_run"] else "rotated"
        version = f" (version {result.version_id})" if result.version_id else ""
        self.stdout.write(f"{verb} {', '.join(result.rotated)} in {result.secret_name}{version}; "
                          "redeploy the ECS services to apply")
