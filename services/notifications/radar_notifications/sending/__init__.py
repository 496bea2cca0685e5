"""Sending deliveries: by SMTP and by webhook, from the outbox of deliveries."""
