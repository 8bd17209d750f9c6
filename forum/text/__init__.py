"""The one text pipeline and the words the forum writes: markup, quoting, diffs, slugs."""
