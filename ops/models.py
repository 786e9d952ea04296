import uuid

from django.db import models


class HealthProbe(models.Model):
    """/healthz writes a row here inside a transaction it rolls back, to prove the database
    accepts writes; the table stays empty. A random key needs no sequence (which a rollback
    would not undo on PostgreSQL) and lets concurrent probes not wait for one another."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        # Nothing to administer or show; no permissions.
        default_permissions = ()

    def __str__(self):
        return f"health probe {self.id}"
