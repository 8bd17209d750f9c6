"""Pages for ways in and accounts: sign-in, join, passwords, two-factor, profiles."""
