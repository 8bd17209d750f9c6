"""The confidentiality guard's pages: the composer check and staff review and redaction."""
