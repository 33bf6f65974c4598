# Parity fixture: the same settings as the ARM JSON in test_azure_parity.py (what the azurerm
# provider sends for these blocks). Live and Terraform must give the same facts.

resource "azurerm_user_assigned_identity" "ml" {
  name                = "uai-parity"
  location            = "westeurope"
  resource_group_name = "rg-parity"
}

resource "azurerm_machine_learning_workspace" "locked" {
  name                           = "mlw-locked"
  location                       = "westeurope"
  resource_group_name            = "rg-parity"
  application_insights_id        = "/subscriptions/x/resourceGroups/rg-parity/providers/Microsoft.Insights/components/appi"
  key_vault_id                   = "/subscriptions/x/resourceGroups/rg-parity/providers/Microsoft.KeyVault/vaults/kv"
  storage_account_id             = "/subscriptions/x/resourceGroups/rg-parity/providers/Microsoft.Storage/storageAccounts/st"
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
    key_vault_id = "/subscriptions/x/resourceGroups/rg-parity/providers/Microsoft.KeyVault/vaults/kv"
    key_id       = "https://kv.vault.azure.net/keys/cmk/1"
  }
}

resource "azurerm_private_endpoint" "locked" {
  name                = "pe-locked"
  location            = "westeurope"
  resource_group_name = "rg-parity"
  subnet_id           = "/subscriptions/x/resourceGroups/rg-parity/providers/Microsoft.Network/virtualNetworks/v/subnets/pe"

  private_service_connection {
    name                           = "psc"
    private_connection_resource_id = azurerm_machine_learning_workspace.locked.id
    subresource_names              = ["amlworkspace"]
    is_manual_connection           = false
  }
}

resource "azurerm_machine_learning_workspace" "defaults" {
  name                    = "mlw-defaults"
  location                = "westeurope"
  resource_group_name     = "rg-parity"
  application_insights_id = "/subscriptions/x/resourceGroups/rg-parity/providers/Microsoft.Insights/components/appi"
  key_vault_id            = "/subscriptions/x/resourceGroups/rg-parity/providers/Microsoft.KeyVault/vaults/kv"
  storage_account_id      = "/subscriptions/x/resourceGroups/rg-parity/providers/Microsoft.Storage/storageAccounts/st"

  identity {
    type = "SystemAssigned"
  }

  managed_network {
    isolation_mode = "AllowInternetOutbound"
  }
}

resource "azurerm_machine_learning_compute_cluster" "locked" {
  name                          = "cc-locked"
  location                      = "westeurope"
  vm_priority                   = "Dedicated"
  vm_size                       = "STANDARD_DS3_V2"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.locked.id
  subnet_resource_id            = "/subscriptions/x/resourceGroups/rg-parity/providers/Microsoft.Network/virtualNetworks/v/subnets/training"
  local_auth_enabled            = false
  node_public_ip_enabled        = false

  scale_settings {
    min_node_count                       = 0
    max_node_count                       = 2
    scale_down_nodes_after_idle_duration = "PT15M"
  }
}

resource "azurerm_machine_learning_compute_cluster" "defaults" {
  name                          = "cc-defaults"
  location                      = "westeurope"
  vm_priority                   = "LowPriority"
  vm_size                       = "STANDARD_DS3_V2"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.defaults.id

  scale_settings {
    min_node_count                       = 1
    max_node_count                       = 2
    scale_down_nodes_after_idle_duration = "PT15M"
  }
}

resource "azurerm_machine_learning_compute_cluster" "ssh" {
  name                          = "cc-ssh"
  location                      = "westeurope"
  vm_priority                   = "LowPriority"
  vm_size                       = "STANDARD_DS3_V2"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.defaults.id
  ssh_public_access_enabled     = true

  scale_settings {
    min_node_count                       = 0
    max_node_count                       = 2
    scale_down_nodes_after_idle_duration = "PT15M"
  }
}

resource "azurerm_machine_learning_compute_instance" "locked" {
  name                          = "ci-locked"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.locked.id
  virtual_machine_size          = "STANDARD_DS3_V2"
  subnet_resource_id            = "/subscriptions/x/resourceGroups/rg-parity/providers/Microsoft.Network/virtualNetworks/v/subnets/training"
  local_auth_enabled            = false
  node_public_ip_enabled        = false
}

resource "azurerm_machine_learning_compute_instance" "defaults" {
  name                          = "ci-defaults"
  machine_learning_workspace_id = azurerm_machine_learning_workspace.defaults.id
  virtual_machine_size          = "STANDARD_DS3_V2"

  ssh {
    public_key = "ssh-rsa AAAA"
  }
}
