"""Groups of members, their memberships, and the categories restricted to them."""
