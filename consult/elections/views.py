"""Election pages."""
