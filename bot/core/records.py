"""The two kinds of dataclass the bot declares, each named once.

- `@frozen`: a value (a row, a result, a plan): immutable, compared by its fields.
- `@service`: an object holding its collaborators (a service, a part of one): compared by
  identity, since two services with equal collaborators are still two services.

Both are plain `dataclasses.dataclass` underneath; `dataclass_transform` tells type checkers
so, fields and `__init__` included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True)
def frozen(cls: type[_T]) -> type[_T]:
    """`@dataclass(frozen=True)`."""
    return dataclass(frozen=True)(cls)


@dataclass_transform(eq_default=False)
def service(cls: type[_T]) -> type[_T]:
    """`@dataclass(eq=False)`."""
    return dataclass(eq=False)(cls)


__all__ = ["frozen", "service"]
