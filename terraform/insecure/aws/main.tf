# Reference SageMaker stack that breaks the built-in mlscan AWS policies on purpose.
# Every omitted setting below takes the AWS default, which is the insecure one.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.60" }
  }
}

locals {
  tags = {
    data-classification = "phi"
    owner               = "research"
  }
}

resource "aws_iam_role" "admin" {
  name = "ml-admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "sagemaker.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "notebook" {
  name = "ml-notebook"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "sagemaker.amazonaws.com" } }]
  })

  inline_policy {
    name = "everything"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
    })
  }
}

resource "aws_iam_role" "studio" {
  name = "ml-studio"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "sagemaker.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "studio" {
  role       = aws_iam_role.studio.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

resource "aws_iam_role_policy" "studio_data" {
  role   = aws_iam_role.studio.id
  policy = <<-JSON
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
    }
  JSON
}

resource "aws_sagemaker_model" "classifier" {
  name               = "claims-classifier"
  execution_role_arn = aws_iam_role.admin.arn

  primary_container {
    image          = "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.1-cpu-py310"
    model_data_url = "s3://ml-artifacts/models/train-claims/output/model.tar.gz"
    environment = {
      SAGEMAKER_PROGRAM = "inference.py"
      HF_API_TOKEN      = "hf_this_is_not_a_real_token"
    }
  }

  tags = local.tags
}

resource "aws_sagemaker_endpoint_configuration" "classifier" {
  name = "claims-classifier"

  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.classifier.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }

  async_inference_config {
    output_config {
      s3_output_path = "s3://ml-async-results/claims"
    }
  }

  tags = local.tags
}

resource "aws_sagemaker_endpoint" "classifier" {
  name                 = "claims-classifier"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.classifier.name
  tags                 = local.tags
}

# Deployed by a pipeline outside Terraform: the configuration is what gets judged.
resource "aws_sagemaker_endpoint_configuration" "canary" {
  name = "claims-canary"

  production_variants {
    variant_name           = "canary"
    model_name             = aws_sagemaker_model.classifier.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }

  data_capture_config {
    initial_sampling_percentage = 100
    destination_s3_uri          = "s3://ml-capture/claims-canary"
    capture_options {
      capture_mode = "InputAndOutput"
    }
  }
}

resource "aws_sagemaker_notebook_instance" "research" {
  name          = "claims-research"
  role_arn      = aws_iam_role.notebook.arn
  instance_type = "ml.t3.medium"
  tags          = local.tags
}

resource "aws_sagemaker_domain" "studio" {
  domain_name = "claims-studio"
  auth_mode   = "IAM"
  vpc_id      = "vpc-0a1b2c3d4e5f60001"
  subnet_ids  = ["subnet-0a1b2c3d4e5f60001"]

  default_user_settings {
    execution_role = aws_iam_role.studio.arn
  }

  tags = local.tags
}

resource "aws_sagemaker_data_quality_job_definition" "drift" {
  name     = "claims-data-quality"
  role_arn = aws_iam_role.admin.arn

  data_quality_app_specification {
    image_uri = "468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }

  data_quality_job_input {
    endpoint_input {
      endpoint_name = aws_sagemaker_endpoint.classifier.name
    }
  }

  data_quality_job_output_config {
    monitoring_outputs {
      s3_output {
        s3_uri = "s3://ml-monitoring/claims"
      }
    }
  }

  job_resources {
    cluster_config {
      instance_count    = 1
      instance_type     = "ml.m5.large"
      volume_size_in_gb = 20
    }
  }
}

resource "aws_sagemaker_feature_group" "claims" {
  feature_group_name             = "claims-features"
  record_identifier_feature_name = "claim_id"
  event_time_feature_name        = "event_time"
  role_arn                       = aws_iam_role.admin.arn

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
      s3_uri = "s3://ml-features/"
    }
  }

  online_store_config {
    enable_online_store = true
  }
}

resource "aws_sagemaker_flow_definition" "review" {
  flow_definition_name = "claims-review"
  role_arn             = aws_iam_role.admin.arn

  human_loop_config {
    human_task_ui_arn                     = "arn:aws:sagemaker:eu-west-1:111122223333:human-task-ui/claims"
    task_availability_lifetime_in_seconds = 86400
    task_count                            = 1
    task_description                      = "Review low-confidence claims"
    task_title                            = "Claims review"
    workteam_arn                          = "arn:aws:sagemaker:eu-west-1:111122223333:workteam/private-crowd/claims"
  }

  output_config {
    s3_output_path = "s3://ml-review/"
  }
}
