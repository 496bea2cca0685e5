"""Notifications' HTTP routes, reached only through the gateway (paths below /api/v1)."""

from radar_notifications.api import manage, subscribe

routers = [subscribe.router, manage.router]
