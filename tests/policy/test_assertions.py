"""Three-valued assertion semantics: an unknown fact can never make a policy pass."""

from __future__ import annotations

import pytest

from scanner.policy.assertions import Subject, evaluate


def _eval(node, facts=None, raw=None, tags=None, params=None):
    return evaluate(
        node, Subject(facts=facts or {}, raw=raw or {}, tags=tags or {}, provider="aws"), params or {}
    )


CMK = {"key": "facts.encryption.cmk", "op": "equals", "value": True}
PRIVATE = {"key": "facts.network.private", "op": "equals", "value": True}


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"encryption.cmk": True}, True),
        ({"encryption.cmk": False}, False),
        ({"encryption.cmk": None}, None),
        ({}, None),
    ],
)
def test_leaf_is_tri_state(facts, expected):
    assert _eval(CMK, facts).value is expected


def test_all_fails_on_any_failure_even_with_unknowns_and_is_unknown_otherwise():
    assert _eval({"all": [CMK, PRIVATE]}, {"encryption.cmk": False}).value is False
    assert _eval({"all": [CMK, PRIVATE]}, {"encryption.cmk": True}).value is None
    assert _eval({"all": [CMK, PRIVATE]}, {"encryption.cmk": True, "network.private": True}).value is True


def test_any_passes_on_any_pass_and_is_unknown_when_the_rest_is_unknown():
    assert _eval({"any": [CMK, PRIVATE]}, {"network.private": True}).value is True
    assert _eval({"any": [CMK, PRIVATE]}, {"encryption.cmk": False}).value is None
    assert _eval({"any": [CMK, PRIVATE]}, {"encryption.cmk": False, "network.private": False}).value is False


def test_not_keeps_unknown_unknown():
    assert _eval({"not": CMK}, {}).value is None
    assert _eval({"not": CMK}, {"encryption.cmk": False}).value is True


def test_failure_reason_names_the_key_the_value_and_the_expectation():
    outcome = _eval(CMK, {"encryption.cmk": False})
    assert outcome.reason == "facts.encryption.cmk is false, expected equals true"
    assert outcome.evidence == {"facts.encryption.cmk": False}


def test_operators_over_values():
    facts = {"privacy.epsilon": 9.5, "identity.grants": ["AdministratorAccess"], "auth.mode": "key"}
    assert _eval({"key": "facts.privacy.epsilon", "op": "lte", "value": 8}, facts).value is False
    assert _eval({"key": "facts.privacy.epsilon", "op": "gt", "value": 8}, facts).value is True
    assert _eval(
        {"key": "facts.identity.grants", "op": "contains", "value": "AdministratorAccess"}, facts
    ).value
    assert _eval({"key": "facts.auth.mode", "op": "in", "value": ["iam"]}, facts).value is False
    assert _eval({"key": "facts.auth.mode", "op": "not_in", "value": ["none"]}, facts).value is True
    assert _eval({"key": "facts.auth.mode", "op": "matches", "value": "^k"}, facts).value is True


def test_parameters_are_read_from_policy_parameters():
    node = {"key": "facts.privacy.epsilon", "op": "lte", "value": {"param": "max_epsilon"}}
    assert _eval(node, {"privacy.epsilon": 5}, params={"max_epsilon": 8}).value is True
    assert _eval(node, {"privacy.epsilon": 5}, params={"max_epsilon": 4}).value is False


def test_raw_and_tags_missing_are_known_absences():
    assert _eval({"key": "raw.KmsKeyId", "op": "absent"}, raw={}).value is True
    assert _eval({"key": "raw.KmsKeyId", "op": "present"}, raw={"KmsKeyId": "k"}).value is True
    assert _eval({"key": "tags.data-classification", "op": "equals", "value": "phi"}, tags={}).value is False


def test_each_and_any_item_over_raw_lists():
    raw = {"ProductionVariants": [{"InitialInstanceCount": 2}, {"InitialInstanceCount": 1}]}
    each = {
        "key": "raw.ProductionVariants",
        "op": "each",
        "assert": {"key": "item.InitialInstanceCount", "op": "gte", "value": 2},
    }
    any_item = {**each, "op": "any_item"}
    outcome = _eval(each, raw=raw)
    assert outcome.value is False and "InitialInstanceCount" in outcome.reason
    assert _eval(any_item, raw=raw).value is True
    assert _eval(each, raw={"ProductionVariants": []}).value is True


def test_comparing_a_non_number_is_unknown_not_a_pass():
    assert (
        _eval({"key": "facts.privacy.epsilon", "op": "lte", "value": 8}, {"privacy.epsilon": "high"}).value
        is None
    )
