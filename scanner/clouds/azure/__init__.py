"""Azure Machine Learning: the live face (azure-mgmt) and the Terraform face (azurerm / azapi)."""
