# Run by scripts/netbox/start.sh inside `netbox shell` (one Django boot):
# applies pending migrations (a no-op after restoring an up-to-date dump), then
# makes sure the admin superuser and the two known API tokens exist.
# Env: NB_ADMIN_USER, NB_ADMIN_PASSWORD, NB_V1_TOKEN (40 chars), NB_V2_TOKEN
# (nbt_<12-char key>.<secret>), NB_MIGRATE=1 to run migrate.
import os
import sys

from django.core.management import call_command
from django.db import transaction


def log(msg):
    print(f"[netbox/bootstrap.py] {msg}", file=sys.stderr, flush=True)


if os.environ.get("NB_MIGRATE") == "1":
    log("migrate")
    call_command("migrate", interactive=False, verbosity=1, stdout=sys.stderr)

from users.models import Token, User  # noqa: E402  (needs migrated apps)

username = os.environ["NB_ADMIN_USER"]
password = os.environ["NB_ADMIN_PASSWORD"]
v1 = os.environ["NB_V1_TOKEN"]
v2 = os.environ["NB_V2_TOKEN"]
if len(v1) != 40:
    sys.exit(f"NB_V1_TOKEN must be 40 characters, got {len(v1)}")
if not v2.startswith("nbt_") or "." not in v2:
    sys.exit("NB_V2_TOKEN must look like nbt_<12-char key>.<secret>")
v2_key, v2_secret = v2.removeprefix("nbt_").split(".", 1)
if len(v2_key) != 12 or len(v2_secret) < 40:
    sys.exit("NB_V2_TOKEN: key must be 12 characters and the secret at least 40")

with transaction.atomic():
    user = User.objects.filter(username=username).first()
    if user is None:
        log(f"creating superuser {username}")
        user = User.objects.create_superuser(username=username, email=f"{username}@example.org", password=password)
    elif not (user.is_superuser and user.is_active and user.check_password(password)):
        log(f"resetting superuser {username}")
        user.is_superuser = user.is_staff = user.is_active = True
        user.set_password(password)
        user.save()

    t1 = Token.objects.filter(version=1, plaintext=v1).first()
    if t1 is not None and t1.user_id != user.pk:
        t1.delete()
        t1 = None
    if t1 is None:
        log("creating v1 token")
        Token(version=1, user=user, token=v1, description="netbot contract tests (v1)").save()

    t2 = Token.objects.filter(version=2, key=v2_key).first()
    if t2 is not None and (t2.user_id != user.pk or not t2.validate(v2_secret)):
        t2.delete()
        t2 = None
    if t2 is None:
        log("creating v2 token")
        Token(version=2, user=user, key=v2_key, token=v2_secret, description="netbot contract tests (v2)").save()

log("admin user and tokens ready")
