"""Accounts: users, roles, the permissions matrix, login with lock-out, workspace scoping."""

from studio.accounts.auth import authenticate, create_user, visible_workspaces
from studio.accounts.permissions import ACTIONS, ROLES, can

__all__ = ["ACTIONS", "ROLES", "authenticate", "can", "create_user", "visible_workspaces"]
