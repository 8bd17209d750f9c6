"""The dashboards' rollups, kept as members write (docs/insight.md)."""
