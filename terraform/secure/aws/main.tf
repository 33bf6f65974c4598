# Reference SageMaker stack that follows every built-in mlscan AWS policy.
# `mlscan iac terraform/secure/aws` should report no failing finding at or above high.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.60" }
  }
}

variable "region" {
  default = "eu-west-1"
}

variable "subnet_ids" {
  default = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

variable "security_group_ids" {
  default = ["sg-0a1b2c3d4e5f60001"]
}

locals {
  tags = {
    data-classification = "phi"
    owner               = "ml-platform"
  }
}

resource "aws_kms_key" "ml" {
  description         = "CMK for SageMaker volumes, artifacts and captured payloads"
  enable_key_rotation = true
  tags                = local.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["sagemaker.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "scoped" {
  statement {
    actions   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"]
    resources = ["arn:aws:s3:::ml-artifacts-secure", "arn:aws:s3:::ml-artifacts-secure/*"]
  }
  statement {
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.ml.arn]
  }
}

resource "aws_iam_role" "inference" {
  name               = "ml-inference-scoped"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = local.tags
}

resource "aws_iam_policy" "scoped" {
  name   = "ml-inference-scoped"
  policy = data.aws_iam_policy_document.scoped.json
}

resource "aws_iam_role_policy_attachment" "scoped" {
  role       = aws_iam_role.inference.name
  policy_arn = aws_iam_policy.scoped.arn
}

resource "aws_sagemaker_model" "classifier" {
  name                     = "claims-classifier"
  execution_role_arn       = aws_iam_role.inference.arn
  enable_network_isolation = true

  primary_container {
    image          = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.1-cpu-py310"
    model_data_url = "s3://ml-artifacts-secure/models/train-claims-dp/output/model.tar.gz"
    environment = {
      SAGEMAKER_PROGRAM = "inference.py"
    }
  }

  vpc_config {
    subnets            = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  tags = local.tags
}

resource "aws_sagemaker_endpoint_configuration" "classifier" {
  name        = "claims-classifier"
  kms_key_arn = aws_kms_key.ml.arn

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.classifier.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 2
  }

  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 20
    destination_s3_uri          = "s3://ml-capture-secure/claims-classifier"
    kms_key_id                  = aws_kms_key.ml.arn

    capture_options {
      capture_mode = "Input"
    }
    capture_options {
      capture_mode = "Output"
    }
  }

  tags = local.tags
}

resource "aws_sagemaker_endpoint" "classifier" {
  name                 = "claims-classifier"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.classifier.name
  tags                 = local.tags
}

resource "aws_sagemaker_notebook_instance" "research" {
  name                   = "claims-research"
  role_arn               = aws_iam_role.inference.arn
  instance_type          = "ml.t3.medium"
  kms_key_id             = aws_kms_key.ml.id
  subnet_id              = var.subnet_ids[0]
  security_groups        = var.security_group_ids
  direct_internet_access = "Disabled"
  root_access            = "Disabled"

  instance_metadata_service_configuration {
    minimum_instance_metadata_service_version = "2"
  }

  tags = local.tags
}

resource "aws_sagemaker_domain" "studio" {
  domain_name             = "claims-studio"
  auth_mode               = "SSO"
  vpc_id                  = "vpc-0a1b2c3d4e5f60001"
  subnet_ids              = var.subnet_ids
  app_network_access_type = "VpcOnly"
  kms_key_id              = aws_kms_key.ml.arn

  default_user_settings {
    execution_role  = aws_iam_role.inference.arn
    security_groups = var.security_group_ids
  }

  tags = local.tags
}

resource "aws_sagemaker_data_quality_job_definition" "drift" {
  name     = "claims-data-quality"
  role_arn = aws_iam_role.inference.arn

  data_quality_app_specification {
    image_uri = "468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }

  data_quality_job_input {
    endpoint_input {
      endpoint_name = aws_sagemaker_endpoint.classifier.name
    }
  }

  data_quality_job_output_config {
    kms_key_id = aws_kms_key.ml.arn
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://ml-monitoring-secure/claims"
      }
    }
  }

  job_resources {
    cluster_config {
      instance_count    = 1
      instance_type     = "ml.m5.large"
      volume_size_in_gb = 20
      volume_kms_key_id = aws_kms_key.ml.arn
    }
  }

  network_config {
    enable_inter_container_traffic_encryption = true
    enable_network_isolation                  = true
    vpc_config {
      subnets            = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }
}

resource "aws_sagemaker_feature_group" "claims" {
  feature_group_name             = "claims-features"
  record_identifier_feature_name = "claim_id"
  event_time_feature_name        = "event_time"
  role_arn                       = aws_iam_role.inference.arn

  feature_definition {
    feature_name = "claim_id"
    feature_type = "String"
  }
  feature_definition {
    feature_name = "event_time"
    feature_type = "String"
  }

  offline_store_config {
    s3_storage_config {
      s3_uri     = "s3://ml-features-secure/"
      kms_key_id = aws_kms_key.ml.arn
    }
  }

  online_store_config {
    enable_online_store = true
    security_config {
      kms_key_id = aws_kms_key.ml.arn
    }
  }

  tags = local.tags
}

resource "aws_sagemaker_flow_definition" "review" {
  flow_definition_name = "claims-review"
  role_arn             = aws_iam_role.inference.arn

  human_loop_config {
    human_task_ui_arn                     = "arn:aws:sagemaker:eu-west-1:111122223333:human-task-ui/claims"
    task_availability_lifetime_in_seconds = 86400
    task_count                            = 1
    task_description                      = "Review low-confidence claims"
    task_title                            = "Claims review"
    workteam_arn                          = "arn:aws:sagemaker:eu-west-1:111122223333:workteam/private-crowd/claims"
  }

  output_config {
    s3_output_path = "s3://ml-review-secure/"
    kms_key_id     = aws_kms_key.ml.arn
  }

  tags = local.tags
}

# The buckets the stack's models, capture, monitoring, feature store and review write to: CMK default
# encryption, versioning, access logging; Block Public Access is S3's default for new buckets (all four on).
resource "aws_s3_bucket" "logs" {
  bucket = "ml-access-logs-secure"
}

resource "aws_s3_bucket" "artifacts" {
  bucket = "ml-artifacts-secure"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "artifacts" {
  bucket        = aws_s3_bucket.artifacts.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "artifacts/"
}

resource "aws_s3_bucket" "capture" {
  bucket = "ml-capture-secure"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "capture" {
  bucket = aws_s3_bucket.capture.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "capture" {
  bucket = aws_s3_bucket.capture.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "capture" {
  bucket        = aws_s3_bucket.capture.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "capture/"
}

resource "aws_s3_bucket" "monitoring" {
  bucket = "ml-monitoring-secure"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "monitoring" {
  bucket = aws_s3_bucket.monitoring.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "monitoring" {
  bucket = aws_s3_bucket.monitoring.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "monitoring" {
  bucket        = aws_s3_bucket.monitoring.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "monitoring/"
}

resource "aws_s3_bucket" "features" {
  bucket = "ml-features-secure"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "features" {
  bucket = aws_s3_bucket.features.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "features" {
  bucket = aws_s3_bucket.features.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "features" {
  bucket        = aws_s3_bucket.features.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "features/"
}

resource "aws_s3_bucket" "review" {
  bucket = "ml-review-secure"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "review" {
  bucket = aws_s3_bucket.review.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.ml.arn
    }
  }
}

resource "aws_s3_bucket_versioning" "review" {
  bucket = aws_s3_bucket.review.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_logging" "review" {
  bucket        = aws_s3_bucket.review.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "review/"
}
