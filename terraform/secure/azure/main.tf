# Reference stack: Azure Machine Learning done right. The workspace is private (public network
# access off, a private endpoint, managed network allowing approved outbound only), encrypted
# with a customer-managed key, flagged high business impact and runs as a user-assigned
# identity holding only data-plane roles. Computes sit in a subnet without public IPs, local
# auth or public SSH; the online endpoint takes Entra ID tokens only and its deployment has no
# outbound internet, keeps access logs and collects payloads under the workspace's key.

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
  default = "westeurope"
}

variable "prefix" {
  type    = string
  default = "mlsecure"
}

locals {
  tags = {
    data-classification = "phi"
    owner               = "ml-platform"
  }
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "ml" {
  name     = "rg-${var.prefix}"
  location = var.location
  tags     = local.tags
}

resource "azurerm_virtual_network" "ml" {
  name                = "vnet-${var.prefix}"
  location            = var.location
  resource_group_name = azurerm_resource_group.ml.name
  address_space       = ["10.20.0.0/16"]
}

resource "azurerm_subnet" "training" {
  name                 = "snet-training"
  resource_group_name  = azurerm_resource_group.ml.name
  virtual_network_name = azurerm_virtual_network.ml.name
  address_prefixes     = ["10.20.1.0/24"]
}

resource "azurerm_subnet" "endpoints" {
  name                 = "snet-private-endpoints"
  resource_group_name  = azurerm_resource_group.ml.name
  virtual_network_name = azurerm_virtual_network.ml.name
  address_prefixes     = ["10.20.2.0/24"]
}

resource "azurerm_application_insights" "ml" {
  name                = "appi-${var.prefix}"
  location            = var.location
  resource_group_name = azurerm_resource_group.ml.name
  application_type    = "web"
}

resource "azurerm_key_vault" "ml" {
  name                      = "kv-${var.prefix}"
  location                  = var.location
  resource_group_name       = azurerm_resource_group.ml.name
  tenant_id                 = data.azurerm_client_config.current.tenant_id
  sku_name                  = "premium"
  purge_protection_enabled  = true
  enable_rbac_authorization = true

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }
}

resource "azurerm_key_vault_key" "ml" {
  name         = "cmk-ml"
  key_vault_id = azurerm_key_vault.ml.id
  key_type     = "RSA"
  key_size     = 3072
  key_opts     = ["unwrapKey", "wrapKey"]
}

resource "azurerm_storage_account" "ml" {
  name                            = "st${var.prefix}"
  location                        = var.location
  resource_group_name             = azurerm_resource_group.ml.name
  account_tier                    = "Standard"
  account_replication_type        = "GRS"
  public_network_access_enabled   = false
  allow_nested_items_to_be_public = false
}

resource "azurerm_user_assigned_identity" "ml" {
  name                = "uai-${var.prefix}"
  location            = var.location
  resource_group_name = azurerm_resource_group.ml.name
}

# Data-plane roles on single resources only: nothing subscription- or group-wide.
resource "azurerm_role_assignment" "ml_blob" {
  scope                = azurerm_storage_account.ml.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = azurerm_user_assigned_identity.ml.principal_id
}

resource "azurerm_role_assignment" "ml_key" {
  scope                = azurerm_key_vault.ml.id
  role_definition_name = "Key Vault Crypto Service Encryption User"
  principal_id         = azurerm_user_assigned_identity.ml.principal_id
}

resource "azurerm_machine_learning_workspace" "ml" {
  name                           = "mlw-${var.prefix}"
  location                       = var.location
  resource_group_name            = azurerm_resource_group.ml.name
  application_insights_id        = azurerm_application_insights.ml.id
  key_vault_id                   = azurerm_key_vault.ml.id
  storage_account_id             = azurerm_storage_account.ml.id
  public_network_access_enabled  = false
  high_business_impact           = true
  primary_user_assigned_identity = azurerm_user_assigned_identity.ml.id

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.ml.id]
  }

  managed_network {
    isolation_mode = "AllowOnlyApprovedOutbound"
  }

  encryption {
    key_vault_id              = azurerm_key_vault.ml.id
    key_id                    = azurerm_key_vault_key.ml.id
    user_assigned_identity_id = azurerm_user_assigned_identity.ml.id
  }

  tags = local.tags

  depends_on = [azurerm_role_assignment.ml_key]
}

resource "azurerm_private_endpoint" "workspace" {
  name                = "pe-mlw-${var.prefix}"
  location            = var.location
  resource_group_name = azurerm_resource_group.ml.name
  subnet_id           = azurerm_subnet.endpoints.id

  private_service_connection {
    name                           = "psc-mlw-${var.prefix}"
    private_connection_resource_id = azurerm_machine_learning_workspace.ml.id
    subresource_names              = ["amlworkspace"]
    is_manual_connection           = false
  }
}

resource "azurerm_machine_learning_compute_cluster" "training" {
  name                          = "cpu-training"
  location                      = var.location
  vm_priority                   = "Dedicated"
  vm_size                       = "STANDARD_DS3_V2"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ml.id
  subnet_resource_id            = azurerm_subnet.training.id
  local_auth_enabled            = false
  node_public_ip_enabled        = false
  ssh_public_access_enabled     = false

  scale_settings {
    min_node_count                       = 0
    max_node_count                       = 4
    scale_down_nodes_after_idle_duration = "PT15M"
  }

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.ml.id]
  }

  tags = local.tags
}

resource "azurerm_machine_learning_compute_instance" "dev" {
  name                          = "ci-${var.prefix}"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ml.id
  virtual_machine_size          = "STANDARD_DS3_V2"
  authorization_type            = "personal"
  subnet_resource_id            = azurerm_subnet.training.id
  local_auth_enabled            = false
  node_public_ip_enabled        = false

  identity {
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.ml.id]
  }

  tags = local.tags
}

resource "azurerm_machine_learning_online_endpoint" "scoring" {
  name                          = "ep-${var.prefix}"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.ml.id
  location                      = var.location
  authentication_mode           = "AADToken"
  public_network_access_enabled = false

  identity {
    type = "SystemAssigned"
  }

  tags = local.tags
}

resource "azapi_resource" "scoring_blue" {
  type      = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments@2024-04-01"
  name      = "blue"
  parent_id = azurerm_machine_learning_online_endpoint.scoring.id
  location  = var.location

  body = {
    sku = {
      name     = "Default"
      capacity = 2
    }
    properties = {
      endpointComputeType       = "Managed"
      instanceType              = "Standard_DS3_v2"
      model                     = "azureml:credit-dp:3"
      egressPublicNetworkAccess = "Disabled"
      appInsightsEnabled        = true
      # requests and responses are kept for audit, in the workspace storage under its customer key
      dataCollector = {
        collections = {
          request  = { dataCollectionMode = "Enabled" }
          response = { dataCollectionMode = "Enabled" }
        }
        samplingRate = 1
      }
    }
  }
}

# Monitoring readiness (MLS-LOG-006/007, MLS-EXP-009): the traffic log names each AAD caller, an alert
# watches request volume, and API Management limits each caller in front of the endpoint.
resource "azurerm_log_analytics_workspace" "ml" {
  name                = "law-${var.prefix}"
  location            = var.location
  resource_group_name = azurerm_resource_group.ml.name
  retention_in_days   = 90
}

resource "azurerm_monitor_diagnostic_setting" "ml_traffic" {
  name                       = "traffic-to-log-analytics"
  target_resource_id         = azurerm_machine_learning_workspace.ml.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.ml.id

  enabled_log {
    category = "AmlOnlineEndpointTrafficLog"
  }
}

resource "azurerm_monitor_metric_alert" "scoring_volume" {
  name                = "ep-${var.prefix}-volume"
  resource_group_name = azurerm_resource_group.ml.name
  scopes              = [azurerm_machine_learning_online_endpoint.scoring.id]
  frequency           = "PT5M"
  window_size         = "PT15M"

  criteria {
    metric_namespace = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints"
    metric_name      = "RequestsPerMinute"
    aggregation      = "Average"
    operator         = "GreaterThan"
    threshold        = 600
  }
}

resource "azurerm_api_management" "ml" {
  name                = "apim-${var.prefix}"
  location            = var.location
  resource_group_name = azurerm_resource_group.ml.name
  publisher_name      = "ML platform"
  publisher_email     = "ml-platform@example.com"
  sku_name            = "Developer_1"
}

resource "azurerm_api_management_api" "scoring" {
  name                = "scoring"
  resource_group_name = azurerm_resource_group.ml.name
  api_management_name = azurerm_api_management.ml.name
  revision            = "1"
  display_name        = "scoring"
  path                = "scoring"
  protocols           = ["https"]
  service_url         = "https://${azurerm_machine_learning_online_endpoint.scoring.name}.${var.location}.inference.ml.azure.com/score"
}

resource "azurerm_api_management_api_policy" "scoring" {
  api_name            = azurerm_api_management_api.scoring.name
  api_management_name = azurerm_api_management.ml.name
  resource_group_name = azurerm_resource_group.ml.name

  xml_content = <<XML
<policies>
  <inbound>
    <base />
    <rate-limit-by-key calls="60" renewal-period="60" counter-key="@(context.Request.Headers.GetValueOrDefault("Authorization","").AsJwt()?.Subject)" />
  </inbound>
  <backend><base /></backend>
  <outbound><base /></outbound>
</policies>
XML
}
