"""Audit evidence: a pack of per-control JSON with a SHA-256 manifest, and its verification."""

from scanner.evidence.manifest import NotAPackError, Verification, verify_pack
from scanner.evidence.pack import EvidencePack, write_evidence_pack

__all__ = [
    "EvidencePack",
    "NotAPackError",
    "Verification",
    "verify_pack",
    "write_evidence_pack",
]
