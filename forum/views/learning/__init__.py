"""The learning log: the member's private CPD entries and their exports."""
