# Reference stack: Azure Machine Learning with the mistakes mlscan exists to catch. Most of them
# are omissions: the provider defaults (public network access, local auth, node public IPs,
# key auth on endpoints) are the insecure choice, and Checkov passes some of them
# (CKV2_AZURE_49 reads an omitted public_network_access_enabled as compliant).

terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 4.40"
    }
    azapi = {
      source  = "azure/azapi"
      version = ">= 2.0"
    }
  }
}

provider "azurerm" {
  features {}
}

variable "location" {
  type    = string
  default = "eastus"
}

locals {
  tags = {
    sensitivity = "pii"
    owner       = "data-science"
  }
}

data "azurerm_subscription" "current" {}

resource "azurerm_resource_group" "ml" {
  name     = "rg-mlopen"
  location = var.location
}

resource "azurerm_application_insights" "ml" {
  name                = "appi-mlopen"
  location            = var.location
  resource_group_name = azurerm_resource_group.ml.name
  application_type    = "web"
}

resource "azurerm_key_vault" "ml" {
  name                = "kv-mlopen"
  location            = var.location
  resource_group_name = azurerm_resource_group.ml.name
  tenant_id           = data.azurerm_subscription.current.tenant_id
  sku_name            = "standard"
}

resource "azurerm_storage_account" "ml" {
  name                     = "stmlopen"
  location                 = var.location
  resource_group_name      = azurerm_resource_group.ml.name
  account_tier             = "Standard"
  account_replication_type = "LRS"
}

# public_network_access_enabled omitted: the provider sends Enabled. No CMK, no managed
# network, not flagged high business impact.
resource "azurerm_machine_learning_workspace" "ml" {
  name                    = "mlw-open"
  location                = var.location
  resource_group_name     = azurerm_resource_group.ml.name
  application_insights_id = azurerm_application_insights.ml.id
  key_vault_id            = azurerm_key_vault.ml.id
  storage_account_id      = azurerm_storage_account.ml.id

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}

# The workspace identity may change anything in its resource group.
resource "azurerm_role_assignment" "workspace_contributor" {
  scope                = azurerm_resource_group.ml.id
  role_definition_name = "Contributor"
  principal_id         = azurerm_machine_learning_workspace.ml.identity[0].principal_id
}

# Local auth and node public IPs left at their defaults (on); SSH open to the internet;
# two nodes always running.
resource "azurerm_machine_learning_compute_cluster" "training" {
  name                          = "cpu-open"
  location                      = var.location
  vm_priority                   = "LowPriority"
  vm_size                       = "STANDARD_DS3_V2"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ml.id
  ssh_public_access_enabled     = true

  ssh {
    admin_username = "azureuser"
    admin_password = "P@ssw0rd-in-terraform"
  }

  scale_settings {
    min_node_count                       = 2
    max_node_count                       = 4
    scale_down_nodes_after_idle_duration = "PT30M"
  }

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}

# The cluster's identity owns the whole subscription.
resource "azurerm_role_assignment" "cluster_owner" {
  scope                = data.azurerm_subscription.current.id
  role_definition_name = "Owner"
  principal_id         = azurerm_machine_learning_compute_cluster.training.identity[0].principal_id
}

resource "azurerm_machine_learning_compute_instance" "dev" {
  name                          = "ci-open"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ml.id
  virtual_machine_size          = "STANDARD_DS3_V2"

  ssh {
    public_key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC0mlscan-example"
  }

  tags = local.tags
}

resource "azurerm_kubernetes_cluster" "inference" {
  name                = "aks-mlopen"
  location            = var.location
  resource_group_name = azurerm_resource_group.ml.name
  dns_prefix          = "aksmlopen"

  default_node_pool {
    name       = "default"
    node_count = 3
    vm_size    = "Standard_D3_v2"
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_machine_learning_inference_cluster" "aks" {
  name                          = "aks-infer"
  location                      = var.location
  cluster_purpose               = "DevTest"
  kubernetes_cluster_id         = azurerm_kubernetes_cluster.inference.id
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ml.id
  tags                          = local.tags
}

# authentication_mode omitted: Key. public_network_access_enabled omitted: true.
resource "azurerm_machine_learning_online_endpoint" "scoring" {
  name                          = "ep-churn"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ml.id
  location                      = var.location

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}

# Collects request and response payloads of one request in four, egress open, no App Insights, a secret in
# plain text. Key auth: no traffic log can name the caller; no alert, no API Management in front.
resource "azapi_resource" "scoring_green" {
  type      = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2024-04-01"
  name      = "green"
  parent_id = azurerm_machine_learning_online_endpoint.scoring.id
  location  = var.location

  body = {
    sku = {
      name     = "Default"
      capacity = 1
    }
    properties = {
      endpointComputeType = "Managed"
      instanceType        = "Standard_DS2_v2"
      model               = "azureml:churn:1"
      environmentVariables = {
        OPENAI_API_KEY = "sk-live-terraform-secret"
      }
      dataCollector = {
        collections = {
          request  = { dataCollectionMode = "Enabled" }
          response = { dataCollectionMode = "Enabled" }
        }
        samplingRate = 0.25
      }
    }
  }
}
