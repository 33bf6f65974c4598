"""AWS SageMaker: the live face (boto3) and the Terraform face, sharing one set of fact builders."""
