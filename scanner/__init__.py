"""mlscan: a policy-as-code compliance scanner for machine-learning cloud services.

Training data leaks out of deployed models through model inversion and membership
inference; the defences are configuration. mlscan reads that configuration from
live clouds and from Terraform, normalizes it into one model and judges it with
YAML policies.
"""

__version__ = "0.1.0"
REPOSITORY = "https://github.com/mlscan/mlscan"
"""Where mlscan is installed from (it is not on PyPI)."""
POLICY_DOCS = f"{REPOSITORY}/blob/main/docs/policies.md"
"""The catalogue of the built-in policies: one section per policy, anchored by its lower-case id."""


def policy_doc_url(policy_id: str) -> str:
    """The docs/policies.md section of a built-in policy (SARIF ``helpUri``, ASFF remediation URL)."""
    return f"{POLICY_DOCS}#{policy_id.lower()}"


def install_hint(extra: str) -> str:
    """The pip command that adds an extra (``aws``, ``privacy``...), for 'not installed' messages."""
    return f'pip install "mlscan[{extra}] @ git+{REPOSITORY}"'


EXTRA_OF_MODULE = {
    "boto3": "aws",
    "botocore": "aws",
    "azure": "azure",
    "google": "gcp",
    "dp_accounting": "privacy",
    "moto": "sandbox",
    "flask": "sandbox",
    "flask_cors": "sandbox",
}
"""Top-level module → the extra that installs it, so a missing SDK names the right install."""


def extra_for(module: str | None) -> str | None:
    """The extra that provides ``module`` (a dotted name as ``ModuleNotFoundError.name`` gives it)."""
    return EXTRA_OF_MODULE.get((module or "").split(".")[0])
