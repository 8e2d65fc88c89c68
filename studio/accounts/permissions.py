"""The permissions matrix: which role may do which action. The one place it is decided.

Workspace visibility is separate (``auth.visible_workspaces``): a role grants an action, a
membership grants a workspace; both are needed.
"""

from __future__ import annotations

from studio.errors import StudioError

ROLES = ("admin", "trainer", "marketer", "producer")

ACTIONS = (
    "catalog.read", "catalog.write", "catalog.delete",
    "writer.generate", "writer.approve",
    "media.process",
    "publish.draft", "publish.approve", "publish.connect",
    "live.run",
    "workshop.create", "workshop.progress",
    "users.manage", "settings.view", "workspace.create",
)

_PRODUCER = {"catalog.read", "catalog.write", "catalog.delete", "writer.generate",
             "media.process", "publish.draft", "live.run"}
_MARKETER = _PRODUCER | {"writer.approve", "publish.approve", "publish.connect",
                         "settings.view"}
_TRAINER = _MARKETER | {"workshop.create", "workshop.progress", "workspace.create"}

MATRIX: dict[str, frozenset[str]] = {
    "admin": frozenset(ACTIONS),
    "trainer": frozenset(_TRAINER),
    "marketer": frozenset(_MARKETER),
    "producer": frozenset(_PRODUCER),
}


class PermissionDenied(StudioError):
    """The user's role does not allow the action, or the workspace is not theirs."""


def can(role: str, action: str) -> bool:
    """True when ``role`` may perform ``action``; unknown names raise (typos must not pass)."""
    if role not in MATRIX:
        raise ValueError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    return action in MATRIX[role]


def check(role: str, action: str) -> None:
    if not can(role, action):
        raise PermissionDenied(f"a {role} may not do '{action}'; ask a trainer or an admin",
                               key="accounts.denied", role=role, action=action)
