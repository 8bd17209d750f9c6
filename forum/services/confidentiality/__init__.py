"""The confidentiality guard, its reviews, and the breach response (redaction)."""
