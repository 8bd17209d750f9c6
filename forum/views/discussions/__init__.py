"""Pages for reading and writing: categories, threads, posts, lists, answers, the composer."""
