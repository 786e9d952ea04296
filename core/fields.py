"""Model fields shared by the apps."""

from typing import Any

from django.db import models

from core.text import sort_key


class SortKeyField(models.CharField):
    """A name's sort key (``core.text.sort_key``), stored beside it so the database can sort and file by it.

    Set from ``populate_from`` whenever the row is written through ``save()`` or ``bulk_create()``
    (both call ``pre_save``); ``QuerySet.update()`` of the name must set it too.
    """

    def __init__(self, *args: Any, populate_from: str = "name", **kwargs: Any) -> None:
        self.populate_from = populate_from
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["populate_from"] = self.populate_from
        for key, value in (("max_length", 200), ("editable", False), ("default", "")):
            if kwargs.get(key) == value:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = sort_key(getattr(model_instance, self.populate_from))[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value
