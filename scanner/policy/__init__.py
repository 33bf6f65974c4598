"""Policies as data: YAML loading and schema validation, three-valued evaluation, selection, example tests."""
