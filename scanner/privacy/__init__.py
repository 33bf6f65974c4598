"""Differential-privacy evidence, ε accounting and training-data leakage risk (see docs/privacy.md).

``training`` is the contract adapters call; ``assess`` implements it from ``parse`` (reading),
``names`` (aliases), ``classify`` (dp / claimed / weak / none) and ``epsilon`` (dp-accounting);
``risk`` joins endpoints to their training jobs; ``sensitivity`` reads classification tags.
"""
