"""Writes with side effects on accounts (keyword-only, in one transaction)."""

from collections.abc import Callable

from django.db import transaction

from accounts.models import User

# Apps above accounts keep their own data right when a member is deleted: each hook is called
# with the member before the deletion and returns what to run after it, in the same
# transaction (community recounts the scores the member's reviews were part of). Registered
# in the apps' AppConfig.ready(): the seam through which a deletion reaches data accounts
# cannot import.
MemberDeletionHook = Callable[[User], Callable[[], None]]
member_deletion_hooks: list[MemberDeletionHook] = []


def register_member_deletion_hook(hook: MemberDeletionHook) -> MemberDeletionHook:
    if hook not in member_deletion_hooks:
        member_deletion_hooks.append(hook)
    return hook


@transaction.atomic
def member_delete(*, user: User) -> None:
    """Delete a member and everything they posted; the registered hooks keep counts true."""
    afterwards = [hook(user) for hook in member_deletion_hooks]
    user.delete()
    for step in afterwards:
        step()
