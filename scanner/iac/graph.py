"""Connections between Terraform resources: who references whom.

Mappers use this to join an endpoint to its configuration and models, a model to
its execution role and that role's policy attachments, a workspace to its key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from scanner.iac.types import TfResource
from scanner.iac.values import Ref


class TfIndex:
    """Lookup of the resources of one scan target by address, type and reverse reference."""

    def __init__(self, resources: Iterable[TfResource]) -> None:
        self._all = list(resources)
        self._by_address: dict[str, TfResource] = {}
        self._by_type: dict[str, list[TfResource]] = defaultdict(list)
        self._referenced_by: dict[str, list[TfResource]] = defaultdict(list)
        self._by_module_type: dict[tuple[str, str], list[TfResource]] = defaultdict(list)
        self._by_name: dict[tuple[str, str, Any], TfResource] = {}
        self._memo: dict[str, Any] = {}
        for res in self._all:
            self._by_address[res.address] = res
            self._by_address.setdefault(_scoped(res.module, res.local_address), res)
            self._by_type[res.type].append(res)
            self._by_module_type[(res.module, res.type)].append(res)
            name = res.attrs.get("name")
            if isinstance(name, str):
                self._by_name.setdefault((res.module, res.type, name), res)
        for res in self._all:
            for target in res.references:
                self._referenced_by[_scoped(res.module, target)].append(res)

    def __iter__(self):
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def get(self, address: str, module: str = "") -> TfResource | None:
        """The resource at ``address`` (``type.name``) as seen from ``module``."""
        return self._by_address.get(_scoped(module, address)) or self._by_address.get(address)

    def resolve(self, value: Any, origin: TfResource) -> TfResource | None:
        """The resource a :class:`Ref` attribute of ``origin`` points at, if it is in this scan."""
        if not isinstance(value, Ref):
            return None
        return self.get(value.address, origin.module)

    def of_type(self, *types: str) -> list[TfResource]:
        """All resources of the given types."""
        return [res for t in types for res in self._by_type.get(t, [])]

    def in_module(self, module: str, *types: str) -> list[TfResource]:
        """The resources of the given types declared in ``module`` (lookups stay linear in big scans)."""
        return [res for t in types for res in self._by_module_type.get((module, t), ())]

    def named(self, module: str, tf_type: str, name: str) -> TfResource | None:
        """The first block of ``tf_type`` in ``module`` whose literal ``name`` attribute is ``name``."""
        return self._by_name.get((module, tf_type, name))

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """A derived lookup built once per index (e.g. IAM grants by member), for mappers to share."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def referencing(self, target: TfResource, *types: str) -> list[TfResource]:
        """Resources (optionally of ``types``) whose expressions reference ``target``."""
        found = self._referenced_by.get(_scoped(target.module, target.local_address), [])
        return [res for res in found if not types or res.type in types]


def _scoped(module: str, address: str) -> str:
    return f"{module}.{address}" if module else address
