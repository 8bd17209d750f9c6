"""The resource library and uploads."""
