"""`routeplus api_token create|revoke|list`: manage API tokens from the command line."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from routeplus.accounts.models import Organisation, User
from routeplus.api.models import ALL_SCOPES, ApiToken
from routeplus.api.services import api_token_create, api_token_revoke
from routeplus.monitor.register import system_actor


class Command(BaseCommand):
    help = "Create, revoke or list API tokens of partner systems."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token; the secret is printed once.")
        create.add_argument("--name", required=True)
        create.add_argument("--user", required=True, help="E-mail address of the user the token acts as.")
        create.add_argument("--organisation", required=True, help="Name or UUID of the organisation.")
        create.add_argument(
            "--scope", action="append", required=True, help=f"Repeatable; one of: {', '.join(ALL_SCOPES)}"
        )
        create.add_argument("--days", type=int, default=90)
        revoke = sub.add_parser("revoke", help="Revoke a token by its prefix or UUID.")
        revoke.add_argument("token")
        sub.add_parser("list", help="List tokens (never their secrets).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options)
        elif action == "revoke":
            token = ApiToken.objects.filter(prefix=options["token"]).first()
            if token is None:
                try:
                    token = ApiToken.objects.filter(uuid=options["token"]).first()
                except ValidationError:
                    token = None
            if token is None:
                raise CommandError("No such token.")
            api_token_revoke(actor=system_actor(), token=token)
            self.stdout.write(f"Revoked {token.prefix}.")
        else:
            for token in ApiToken.objects.select_related("user", "organisation").order_by("-created_at"):
                state = "revoked" if token.revoked_at else ("active" if token.is_usable() else "expired")
                self.stdout.write(
                    f"{token.prefix}\t{state}\t{token.name}\t{token.user.email}\t{token.organisation.name}\t"
                    f"{token.expires_at:%Y-%m-%d}\t{' '.join(token.scopes)}"
                )

    def _create(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(email=options["user"].lower()).first()
        if user is None:
            raise CommandError("No user with that e-mail address.")
        ref = options["organisation"]
        organisation = Organisation.objects.filter(name=ref).first()
        if organisation is None:
            try:
                organisation = Organisation.objects.filter(uuid=ref).first()
            except ValidationError:
                organisation = None
        if organisation is None:
            raise CommandError("No such organisation.")
        try:
            token, secret = api_token_create(
                actor=system_actor(),
                name=options["name"],
                user=user,
                organisation=organisation,
                scopes=options["scope"],
                days=options["days"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from error
        self.stdout.write(secret)
        self.stderr.write(f"Token {token.prefix} for {user.email}, expires {token.expires_at:%Y-%m-%d}. Shown once.")
