"""Terraform input: HCL directories and ``terraform show -json`` plans, loaded into one shape.

Both formats become :class:`scanner.iac.types.TfResource` objects whose attribute
values are plain Python values, :class:`~scanner.iac.values.Ref` (set from another
resource, value known after apply) or :class:`~scanner.iac.values.Unknown` (an
expression that could not be resolved). Cloud mappers in ``scanner/clouds/*/terraform.py``
turn them into normalized resources.
"""
