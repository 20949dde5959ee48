"""One module per API resource. Each defines its public fields with ``machinery.builder``."""
