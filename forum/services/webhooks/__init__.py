"""Webhooks: endpoints admins register, events queued as deliveries, signing, safe targets."""
