"""The model's rules, one module per family of the contract's hard rules and ranking levels."""
