"""Telling an id a table could hold from junk, before the database is asked.

Django keeps an out-of-range integer away from the database in ``pk=`` lookups but not in
``pk__in``, where it is OverflowError on SQLite and an error on PostgreSQL: a 500. Forms and
admin actions that take lists of ids from a request check them here first.
"""

from django.core.exceptions import ValidationError
from django.db import connection


def is_storable_id(model, value) -> bool:
    """Whether ``value`` reads as a primary key of ``model`` within its column's range."""
    pk = model._meta.pk
    try:
        number = pk.to_python(value)
    except ValidationError:
        return False
    if number is None:
        return False
    if not isinstance(number, int):
        return True  # not an integer key: nothing to overflow
    low, high = connection.ops.integer_field_range(pk.get_internal_type())
    return (low is None or low <= number) and (high is None or number <= high)
