"""The guideline register, citations of it in posts, and the review of accepted answers."""
