"""Keep each variant's tests on one xdist worker, so they share one render and environment.

``--dist loadgroup`` learns ``xdist_group`` marks from a suffix it appends to node ids, and
pytest 9.2's structured node ids drop that suffix (pytest-dev/pytest-xdist#1386): the tests
of a group then spread over the workers. This scheduler also reads the group from the
variant's test id. Remove it once loadgroup groups again.
"""

from __future__ import annotations

from xdist.scheduler import LoadGroupScheduling

from tests.harness.variants import VARIANTS

VARIANT_NAMES = frozenset(variant.name for variant in VARIANTS)


class VariantGroupScheduling(LoadGroupScheduling):
    def _split_scope(self, nodeid: str) -> str:
        test_id = nodeid.rpartition("[")[2].removesuffix("]")
        if nodeid.endswith("]") and test_id in VARIANT_NAMES:
            return test_id
        return str(super()._split_scope(nodeid))
