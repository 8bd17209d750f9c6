"""Admin pages: the overview, members, tags, uploads."""
