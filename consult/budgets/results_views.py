"""Pages of a budget's published results (filled by the results module)."""
