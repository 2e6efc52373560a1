"""`hogo setup`: the first organisation and its system administrator on a real installation.

Departments and vehicles are then entered by the administrator (マスタ管理), people on the
利用者管理 page; the demo data is not needed.
"""

from __future__ import annotations

import getpass
import os

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from hogo.accounts import services
from hogo.accounts.models import Organisation, Role
from hogo.accounts.policy import shipped_profiles


class Command(BaseCommand):
    help = "Create the organisation (with its policy profile) and a system administrator."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organisation", required=True, help="e.g. 芦屋市")
        parser.add_argument("--profile", required=True, choices=sorted(shipped_profiles()))
        parser.add_argument("--admin", required=True, help="login ID of the administrator")
        parser.add_argument("--password-env", help="read the password from this variable "
                                                   "instead of asking")

    def handle(self, *args, organisation: str, profile: str, admin: str,
               password_env: str | None, **options) -> None:
        password = os.environ.get(password_env, "") if password_env else getpass.getpass(
            f"password for {admin}: ")
        try:
            password_validation.validate_password(password)
        except ValidationError as error:
            raise CommandError("password refused: " + " ".join(error.messages)) from error
        if Organisation.objects.exists():
            raise CommandError("this installation already has an organisation "
                               f"({Organisation.objects.first()}); one installation serves "
                               "one organisation")
        with transaction.atomic():
            org = Organisation.objects.create(name=organisation, profile_key=profile)
            services.create_user(org, admin, password, role=Role.SYSADMIN, department=None,
                                 display_name=admin)
        self.stdout.write(f"organisation {organisation!r} ({profile}) created; "
                          f"log in as {admin!r} and add departments, vehicles and people")
