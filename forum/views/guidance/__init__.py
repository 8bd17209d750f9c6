"""The guideline register as members read it."""
