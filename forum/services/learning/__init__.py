"""The learning log: private CPD entries and their exports for appraisal."""
