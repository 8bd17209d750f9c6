"""The read side of /insight: the rollups read (reads.py), published as tables (figures.py)."""
