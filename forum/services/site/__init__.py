"""The site's settings and its pages (about, terms of use, privacy notice)."""
