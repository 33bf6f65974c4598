"""Remediation as code: Terraform patches for failing findings, and remediation plans for live ones.

mlscan stays read-only against clouds: this package writes code and plans for people
and pipelines to apply. What to set comes from each policy's ``fix:`` data
(:mod:`scanner.fix.metadata`); :mod:`scanner.fix.terraform` writes it into HCL.
"""
