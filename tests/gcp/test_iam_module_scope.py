"""An IAM grant that references a service account resolves within its own module, as Terraform does."""

from __future__ import annotations

from scanner.clouds.sources import terraform_source

ACCOUNT = 'resource "google_service_account" "sa" {\n  account_id = "nb"\n}\n'
NOTEBOOK = (
    'resource "google_workbench_instance" "nb" {\n  name = "nb"\n  location = "us-central1-a"\n'
    "  gce_setup {\n    service_accounts {\n      email = google_service_account.sa.email\n    }\n  }\n}\n"
)
OWNER = (
    'resource "google_project_iam_member" "owner" {\n  project = "p"\n  role = "roles/owner"\n'
    '  member = "serviceAccount:${google_service_account.sa.email}"\n}\n'
)


def test_a_broad_grant_in_one_module_does_not_reach_the_same_named_account_of_another(tmp_path):
    (tmp_path / "main.tf").write_text(
        'module "granted" {\n  source = "./granted"\n}\nmodule "plain" {\n  source = "./plain"\n}\n'
    )
    for name, extra in (("granted", OWNER), ("plain", "")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text(ACCOUNT + NOTEBOOK + extra)
    source = terraform_source([tmp_path])
    facts = {r.id.rsplit(":", 1)[-1]: r.facts for r in source.resources if r.kind == "notebook"}
    assert facts["module.granted.google_workbench_instance.nb"]["identity.overprivileged"] is True
    assert facts["module.plain.google_workbench_instance.nb"]["identity.overprivileged"] is not True
