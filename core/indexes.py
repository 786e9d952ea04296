"""An index written as the ORDER BY it serves, so both databases can walk it for that order."""

from django.db import models
from django.db.models.expressions import OrderBy


def _without_nulls_placement(expression):
    if isinstance(expression, OrderBy):
        return OrderBy(expression.expression, descending=expression.descending)
    return expression


class SortIndex(models.Index):
    """An index whose expressions are a sort's ORDER BY terms, NULLS placement included.

    PostgreSQL walks an index for an ORDER BY only when every term matches it in direction
    and NULLS placement (a ``DESC`` index keeps NULLs first, so ``DESC NULLS LAST`` cannot
    walk it), so the index states the placement. SQLite refuses NULLS FIRST/LAST in an index
    but walks a plain index for either placement, so there the placement is left out.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "sqlite":
            plain = self.clone()
            plain.expressions = tuple(_without_nulls_placement(e) for e in self.expressions)
            return models.Index.create_sql(plain, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)
