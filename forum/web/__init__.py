"""Request plumbing: who is asking, gates, security headers, serving, template globals."""
