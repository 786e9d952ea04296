from django.utils.functional import SimpleLazyObject

from community.models import Notification


def notifications(request):
    """``unread_notification_count`` for the header: lazy, so a page that never prints it pays nothing,
    a member's page pays one COUNT (on the partial index of unread rows), a visitor's none."""

    def count() -> int:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notification_count": SimpleLazyObject(count)}
