"""Participation: comments, ratings and reports, and the projection of measures they need."""
