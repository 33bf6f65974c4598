"""The real-world regression input: 60 public Terraform files with ML resources."""

from __future__ import annotations

import csv

from scanner.iac.loader import load_paths


def test_every_corpus_file_loads_except_the_one_malformed_upstream(corpus_dir):
    load = load_paths([corpus_dir / "terraform"])
    malformed, missing_module = sorted(load.errors, key=lambda e: "module." in e.where)
    assert "vertex_ai_endpoint_private_service_connect__main.tf:2" in malformed.where
    assert "random_suffix" in malformed.reason
    # the corpus copied one directory of a module whose ../private-endpoint sibling was not copied
    assert missing_module.where.endswith("Azure__azure-data-labs-modules (module.mlw_pe)")
    assert "has no .tf files" in missing_module.reason
    with open(corpus_dir / "terraform" / "SOURCES.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    parsed = {row["local_file"] for row in rows if row["parses_python_hcl2"] == "yes"}
    loaded_files = {r.source.file.split("terraform/", 1)[1] for r in load.resources}
    assert len(parsed) == 59
    assert parsed <= loaded_files


def test_corpus_ml_resource_types_are_all_seen(corpus_dir):
    load = load_paths([corpus_dir / "terraform"])
    with open(corpus_dir / "terraform" / "SOURCES.tsv", newline="") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["parses_python_hcl2"] == "yes"]
    expected = {part.rsplit("x", 1)[0] for row in rows for part in row["ml_resource_types(count)"].split(";")}
    assert expected <= {r.type for r in load.resources}


def test_full_terraform_source_over_the_corpus_maps_ml_resources_and_keeps_going(corpus_dir):
    from scanner.clouds.sources import terraform_source

    source = terraform_source([corpus_dir / "terraform"])
    assert sorted(e.where.rsplit("/", 1)[-1] for e in source.errors) == [
        "Azure__azure-data-labs-modules (module.mlw_pe)",
        "vertex_ai_endpoint_private_service_connect__main.tf:2:44",
    ]
    providers = {r.provider for r in source.resources}
    assert providers == {"aws", "azure", "gcp"}
    ids = [r.id for r in source.resources]
    assert len(ids) == len(set(ids)), "resource ids must be unique across modules"
    for resource in source.resources:
        assert resource.source.kind == "hcl" and resource.source.line, resource.id
