"""Google Vertex AI adapter: live face (aiplatform_v1 REST clients, imported lazily) and Terraform face."""
