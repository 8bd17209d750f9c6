"""Publishing statistics safely: small-number suppression and the charts' geometry."""
