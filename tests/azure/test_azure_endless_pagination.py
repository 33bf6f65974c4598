"""ARM listings whose nextLink comes back forever, and pages that are not ARM JSON (issue 11)."""

from __future__ import annotations

from scanner.clouds.azure.live import scan
from scanner.clouds.base import LiveOptions, NullProgress
from scanner.sandbox.arm_emulator import start_arm_emulator


def test_a_repeated_next_link_is_an_error_entry_and_the_rest_is_scanned() -> None:
    with start_arm_emulator(endless=("/computes",)) as emu:
        result = scan(LiveOptions(azure_endpoint=emu.url), NullProgress())
    reasons = [e.reason for e in result.errors]
    assert reasons and all("endless pagination" in r for r in reasons), reasons
    assert any(r.kind == "endpoint" for r in result.resources)  # other collections complete
    assert not any(r.kind == "compute" for r in result.resources)


def test_an_endless_subscription_list_is_one_error() -> None:
    with start_arm_emulator(endless=("/subscriptions",), page_size=1) as emu:
        result = scan(LiveOptions(azure_endpoint=emu.url), NullProgress())
    assert any("endless pagination" in e.reason for e in result.errors), result.errors


def test_endless_role_assignments_are_an_error_and_identity_scope_is_unknown() -> None:
    """Found by make fuzz: the role-assignment pager followed a repeated nextLink forever."""
    with start_arm_emulator(endless=("/roleAssignments",), page_size=1) as emu:
        result = scan(LiveOptions(azure_endpoint=emu.url), NullProgress())
    errors = [e for e in result.errors if "role assignments" in e.reason]
    assert len(errors) == len({r.account for r in result.resources if r.kind == "workspace"})
    assert all("endless pagination" in e.reason and "\n" not in e.reason for e in errors), errors
    assert any(r.kind == "workspace" for r in result.resources)
