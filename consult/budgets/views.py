"""Pages of participatory budgets."""
