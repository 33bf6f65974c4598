"""A small framework over the sample result's test policy ids."""

FRAMEWORK_YAML = """\
id: test-fw
name: Test Framework
version: "1.0"
controls:
  - id: C-ENC
    title: Encrypt data at rest
    policies: [TST-ENC-001]
  - id: C-NET
    title: Private networking
    policies: [TST-NET-001]
  - id: C-LOG
    title: Logging
    policies: [TST-LOG-001]
  - id: C-NONE
    title: Nothing in scope
    policies: [TST-NOPE-001]
  - id: C-MANUAL
    title: Manual procedure
    policies: []
  - id: C-MIXED
    title: Logging and low-severity hardening
    policies: [TST-LOG-001, TST-HRD-001]
"""
