"""The member's notifications and their settings."""
