# Reference stack: Vertex AI with the mistakes mlscan exists to catch. Google-managed keys,
# public endpoints with no request logging, public notebooks on the Compute Engine default
# service account, and a notebook service account that is a project Editor.

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
  default = "mlscan-insecure"
}

variable "region" {
  type    = string
  default = "us-central1"
}

resource "google_vertex_ai_endpoint" "patients" {
  name         = "patients-public"
  display_name = "patients-public"
  location     = var.region
  labels = {
    data-classification = "phi"
  }
}

resource "google_vertex_ai_dataset" "patients" {
  display_name        = "patients"
  region              = var.region
  metadata_schema_uri = "gs://google-cloud-aiplatform/schema/dataset/metadata/tabular_1.0.0.yaml"
  labels = {
    data-classification = "phi"
  }
}

resource "google_vertex_ai_featurestore" "patients" {
  name   = "patients_features"
  region = var.region

  online_serving_config {
    fixed_node_count = 1
  }
}

resource "google_vertex_ai_feature_online_store" "patients" {
  name   = "patients_online"
  region = var.region

  optimized {}

  dedicated_serving_endpoint {
    public_endpoint_disabled = false
  }
}

resource "google_vertex_ai_metadata_store" "default" {
  name   = "default"
  region = var.region
}

resource "google_vertex_ai_tensorboard" "training" {
  display_name = "training"
  region       = var.region
}

resource "google_vertex_ai_index_endpoint" "search" {
  display_name            = "patient-search"
  region                  = var.region
  public_endpoint_enabled = true
}

resource "google_service_account" "notebook" {
  account_id   = "notebook-runner"
  display_name = "Notebook runner"
}

resource "google_project_iam_member" "notebook_editor" {
  project = var.project_id
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.notebook.email}"
}

resource "google_workbench_instance" "analyst" {
  name     = "analyst"
  location = "${var.region}-a"

  gce_setup {
    machine_type = "n1-standard-4"
    service_accounts {
      email = google_service_account.notebook.email
    }
  }
}

resource "google_workbench_instance" "scratch" {
  name     = "scratch"
  location = "${var.region}-a"

  gce_setup {
    machine_type      = "e2-standard-2"
    disable_public_ip = false
    shielded_instance_config {
      enable_secure_boot          = false
      enable_vtpm                 = false
      enable_integrity_monitoring = false
    }
  }
}

resource "google_notebooks_instance" "legacy" {
  name         = "legacy-notebook"
  location     = "${var.region}-a"
  machine_type = "n1-standard-4"

  vm_image {
    project      = "deeplearning-platform-release"
    image_family = "tf-latest-cpu"
  }

  shielded_instance_config {
    enable_integrity_monitoring = false
  }
}

resource "google_notebooks_runtime" "managed" {
  name     = "managed-runtime"
  location = var.region

  access_config {
    access_type   = "SINGLE_USER"
    runtime_owner = "analyst@example.com"
  }

  virtual_machine {
    virtual_machine_config {
      machine_type = "n1-standard-4"
      data_disk {
        initialize_params {
          disk_size_gb = "100"
          disk_type    = "PD_STANDARD"
        }
      }
    }
  }
}
