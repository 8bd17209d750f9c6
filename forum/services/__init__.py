"""The write side: one function per use case, taking the actor explicitly."""
