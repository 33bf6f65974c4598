# Production values for terraform/secure/aws (as `terraform plan -var-file=examples/prod.tfvars` reads them).
region     = "us-east-1"
subnet_ids = ["subnet-0a1b2c3d4e5f60009"]
