"""Moderation: the queue of pending comments, decisions and their audit trail."""
