"""Instance metadata (startup scripts, tokens) is redacted in Terraform evidence exactly as it is live."""

from __future__ import annotations

from scanner.clouds.sources import terraform_source

WORKBENCH = """
resource "google_workbench_instance" "wb" {
  name     = "wb"
  location = "us-central1-a"
  gce_setup {
    machine_type = "e2-standard-4"
    metadata = {
      notebook-disable-root = "true"
      startup-script        = "export HF_TOKEN=hf_live_secret_value"
    }
  }
}
"""


def test_terraform_workbench_metadata_keeps_switches_and_redacts_scripts(tmp_path):
    (tmp_path / "main.tf").write_text(WORKBENCH)
    (notebook,) = terraform_source([tmp_path]).resources
    metadata = notebook.raw["gce_setup"][0]["metadata"]
    assert metadata["notebook-disable-root"] == "true"
    assert metadata["startup-script"] == "***REDACTED***"
    assert "hf_live_secret_value" not in repr(notebook.raw)
    assert notebook.facts["notebook.root_access"] is False
