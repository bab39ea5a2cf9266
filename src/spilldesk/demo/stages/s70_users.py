"""Stage: people to sign in as — one demo user per role, so `spilldesk serve` is usable at once.

The passwords are generated and written to `<workdir>/demo-users.txt` (mode 0600); they are
never printed.
"""

from __future__ import annotations

from typing import Any

from spilldesk.access.users import Role, add_user, generate_password
from spilldesk.demo.runner import DemoContext
from spilldesk.private_files import write_private

TITLE = "Create a demo user for each role (sign-in details in demo-users.txt)"

USERS = {
    "privacy": Role.PRIVACY_OFFICER,
    "opla": Role.OPLA_ATTORNEY,
    "ero": Role.ERO_OFFICER,
    "cbp": Role.CBP_LIAISON,
    "auditor": Role.AUDITOR,
    "admin": Role.ADMIN,
}


def run(ctx: DemoContext) -> dict[str, Any]:
    lines = ["# spilldesk demo users: username  role  password", ""]
    with ctx.desk.session() as session:
        for username, role in USERS.items():
            password = generate_password()
            add_user(session, username, role, password, actor=ctx.actor)
            lines.append(f"{username}\t{role.value}\t{password}")
    path = ctx.settings.workdir / "demo-users.txt"
    write_private(path, "\n".join(lines) + "\n")
    return {"users": {name: role.value for name, role in USERS.items()},
            "sign_in_details": str(path)}
