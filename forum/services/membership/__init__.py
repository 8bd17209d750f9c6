"""Ways in and accounts: sign-in, passwords, invitations, join requests, profiles."""
