"""`hogo token create|list|revoke`: machine tokens for depot and recorder agents."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from hogo.accounts import services
from hogo.accounts.models import Department, MachineToken, Organisation


class Command(BaseCommand):
    help = "Issue, list or revoke machine tokens for the API."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create", help="issue a token; it is printed once")
        create.add_argument("name")
        create.add_argument("--department", help="department code the agent belongs to")
        create.add_argument("--organisation", help="organisation name (default: the only one)")
        sub.add_parser("list", help="list tokens")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, verb: str, **options) -> None:
        if verb == "create":
            org = self._organisation(options.get("organisation"))
            department = None
            if code := options.get("department"):
                department = Department.objects.filter(organisation=org, code=code).first()
                if department is None:
                    raise CommandError(f"no department with code {code!r} in {org.name}")
            token, raw = services.issue_token(org, options["name"], by=None,
                                              department=department)
            self.stdout.write(f"token {token.name!r} issued; it is shown only this once:\n{raw}")
        elif verb == "list":
            for t in MachineToken.objects.order_by("created_at"):
                state = "revoked" if t.revoked_at else "active"
                self.stdout.write(f"{t.prefix}  {state:<8} {t.name}")
        else:
            token = MachineToken.objects.filter(prefix=options["prefix"],
                                                revoked_at__isnull=True).first()
            if token is None:
                raise CommandError(f"no active token with prefix {options['prefix']!r}")
            services.revoke_token(token, by=None)
            self.stdout.write(f"revoked {token.name!r}")

    def _organisation(self, name: str | None) -> Organisation:
        orgs = Organisation.objects.filter(name=name) if name else Organisation.objects.all()
        if orgs.count() != 1:
            raise CommandError("name the organisation with --organisation "
                               f"(found {orgs.count()} matching)")
        return orgs.get()
