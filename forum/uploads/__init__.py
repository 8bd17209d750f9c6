"""Uploaded files: their types, names, text inside, images, virus scanning and storage."""
