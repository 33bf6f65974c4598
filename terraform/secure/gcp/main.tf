# Reference stack: Vertex AI done right. Every ML resource uses a customer-managed key,
# serves privately (VPC peering or Private Service Connect — both count), logs requests,
# and runs as a narrowly scoped service account.

terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0"
    }
  }
}

variable "project_id" {
  type    = string
  default = "mlscan-secure"
}

variable "region" {
  type    = string
  default = "us-central1"
}

locals {
  labels = {
    data-classification = "phi"
    owner               = "ml-platform"
  }
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_kms_key_ring" "ml" {
  name     = "ml-keys"
  location = var.region
}

resource "google_kms_crypto_key" "vertex" {
  name            = "vertex"
  key_ring        = google_kms_key_ring.ml.id
  rotation_period = "7776000s"
}

resource "google_compute_network" "ml" {
  name                    = "ml-vpc"
  auto_create_subnetworks = false
}

resource "google_compute_subnetwork" "ml" {
  name                     = "ml-subnet"
  ip_cidr_range            = "10.10.0.0/24"
  region                   = var.region
  network                  = google_compute_network.ml.id
  private_ip_google_access = true
}

resource "google_service_account" "serving" {
  account_id   = "vertex-serving"
  display_name = "Vertex AI online prediction"
}

resource "google_service_account" "notebook" {
  account_id   = "workbench-user"
  display_name = "Workbench notebooks"
}

resource "google_project_iam_member" "serving_predict" {
  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = "serviceAccount:${google_service_account.serving.email}"
}

resource "google_project_iam_member" "notebook_vertex" {
  project = var.project_id
  role    = "roles/aiplatform.user"
  member  = google_service_account.notebook.member
}

resource "google_vertex_ai_endpoint" "claims" {
  name         = "claims-private"
  display_name = "claims-private"
  location     = var.region
  labels       = local.labels
  network      = "projects/${data.google_project.this.number}/global/networks/${google_compute_network.ml.name}"

  encryption_spec {
    kms_key_name = google_kms_crypto_key.vertex.id
  }

  predict_request_response_logging_config {
    enabled       = true
    sampling_rate = 1
    bigquery_destination {
      output_uri = "bq://${var.project_id}.prediction_logs.claims"
    }
  }
}

resource "google_vertex_ai_endpoint" "triage_psc" {
  name         = "triage-psc"
  display_name = "triage-psc"
  location     = var.region
  labels       = local.labels

  private_service_connect_config {
    enable_private_service_connect = true
    project_allowlist              = [var.project_id]
  }

  encryption_spec {
    kms_key_name = google_kms_crypto_key.vertex.id
  }

  predict_request_response_logging_config {
    enabled       = true
    sampling_rate = 1
  }
}

resource "google_vertex_ai_dataset" "claims" {
  display_name        = "claims"
  region              = var.region
  metadata_schema_uri = "gs://google-cloud-aiplatform/schema/dataset/metadata/tabular_1.0.0.yaml"
  labels              = local.labels

  encryption_spec {
    kms_key_name = google_kms_crypto_key.vertex.id
  }
}

resource "google_vertex_ai_featurestore" "claims" {
  name   = "claims_features"
  region = var.region
  labels = local.labels

  online_serving_config {
    fixed_node_count = 1
  }

  encryption_spec {
    kms_key_name = google_kms_crypto_key.vertex.id
  }
}

resource "google_vertex_ai_metadata_store" "default" {
  name   = "default"
  region = var.region

  encryption_spec {
    kms_key_name = google_kms_crypto_key.vertex.id
  }
}

resource "google_vertex_ai_tensorboard" "training" {
  display_name = "training"
  region       = var.region

  encryption_spec {
    kms_key_name = google_kms_crypto_key.vertex.id
  }
}

# The embeddings behind the index (derived from the notes): private, customer-key encrypted, versioned, logged.
resource "google_storage_bucket" "embeddings" {
  name                        = "${var.project_id}-embeddings"
  location                    = var.region
  labels                      = local.labels
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  encryption {
    default_kms_key_name = google_kms_crypto_key.vertex.id
  }
  versioning {
    enabled = true
  }
  logging {
    log_bucket = "${var.project_id}-access-logs"
  }
}

resource "google_vertex_ai_index" "notes" {
  display_name = "clinical-notes"
  region       = var.region
  labels       = local.labels

  metadata {
    contents_delta_uri = "gs://${google_storage_bucket.embeddings.name}/notes"
    config {
      dimensions = 768
      algorithm_config {
        tree_ah_config {}
      }
    }
  }

  encryption_spec {
    kms_key_name = google_kms_crypto_key.vertex.id
  }
}

resource "google_vertex_ai_index_endpoint" "notes" {
  display_name = "clinical-notes"
  region       = var.region
  labels       = local.labels

  private_service_connect_config {
    enable_private_service_connect = true
    project_allowlist              = [var.project_id]
  }

  encryption_spec {
    kms_key_name = google_kms_crypto_key.vertex.id
  }
}

resource "google_vertex_ai_index_endpoint_deployed_index" "notes" {
  index_endpoint    = google_vertex_ai_index_endpoint.notes.id
  index             = google_vertex_ai_index.notes.id
  deployed_index_id = "notes_v1"
}

resource "google_workbench_instance" "research" {
  name     = "research"
  location = "${var.region}-a"
  labels   = local.labels

  gce_setup {
    machine_type      = "n1-standard-4"
    disable_public_ip = true

    service_accounts {
      email = google_service_account.notebook.email
    }

    boot_disk {
      disk_encryption = "CMEK"
      kms_key         = google_kms_crypto_key.vertex.id
    }

    data_disks {
      disk_encryption = "CMEK"
      kms_key         = google_kms_crypto_key.vertex.id
    }

    network_interfaces {
      network = google_compute_network.ml.id
      subnet  = google_compute_subnetwork.ml.id
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_vtpm                 = true
      enable_integrity_monitoring = true
    }

    metadata = {
      notebook-disable-root      = "true"
      notebook-disable-terminal  = "true"
      notebook-disable-downloads = "true"
      notebook-upgrade-schedule  = "0 3 * * SUN"
    }
  }
}

resource "google_notebooks_instance" "legacy" {
  name            = "legacy-notebook"
  location        = "${var.region}-a"
  machine_type    = "n1-standard-4"
  labels          = local.labels
  no_public_ip    = true
  no_proxy_access = false
  network         = google_compute_network.ml.id
  subnet          = google_compute_subnetwork.ml.id
  disk_encryption = "CMEK"
  kms_key         = google_kms_crypto_key.vertex.id
  service_account = google_service_account.notebook.email

  vm_image {
    project      = "deeplearning-platform-release"
    image_family = "tf-latest-cpu"
  }

  shielded_instance_config {
    enable_secure_boot          = true
    enable_vtpm                 = true
    enable_integrity_monitoring = true
  }

  metadata = {
    notebook-disable-root      = "true"
    notebook-disable-terminal  = "true"
    notebook-disable-downloads = "true"
    notebook-upgrade-schedule  = "0 3 * * SUN"
  }
}

# Monitoring readiness (MLS-LOG-006/007): Data Access audit logs name every caller of online prediction,
# and an alert watches each endpoint's prediction count (one time series per endpoint_id).
resource "google_project_iam_audit_config" "vertex" {
  project = var.project_id
  service = "aiplatform.googleapis.com"

  audit_log_config {
    log_type = "DATA_READ"
  }
  audit_log_config {
    log_type = "DATA_WRITE"
  }
}

resource "google_monitoring_alert_policy" "prediction_volume" {
  display_name = "Vertex endpoint prediction volume"
  combiner     = "OR"

  conditions {
    display_name = "prediction_count per endpoint above normal"
    condition_threshold {
      filter          = "resource.type = \"aiplatform.googleapis.com/Endpoint\" AND metric.type = \"aiplatform.googleapis.com/prediction/online/prediction_count\""
      comparison      = "COMPARISON_GT"
      threshold_value = 6000
      duration        = "300s"
      aggregations {
        alignment_period     = "300s"
        per_series_aligner   = "ALIGN_SUM"
        cross_series_reducer = "REDUCE_SUM"
        group_by_fields      = ["resource.label.endpoint_id"]
      }
    }
  }
}
