"""Money: amounts in minor units of ISO 4217 currencies, and the double-entry ledger."""
