"""Participation's HTTP routes, reached only through the gateway."""

from radar_participation.api import comments, me, ratings

routers = [comments.router, ratings.router, me.router]
