"""evfleet's technology catalog and city data, shipped as package data (YAML and CSV files)."""
