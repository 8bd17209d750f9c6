"""The resource library and uploaded files."""
