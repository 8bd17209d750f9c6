"""Reply by email: reply addresses in outgoing mail, and replies received by mail turned into
posts through the same posting service, permissions and confidentiality guard as the site."""
