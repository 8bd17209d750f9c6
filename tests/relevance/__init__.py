"""A judged set for search relevance: threads written for it and the queries they answer."""
