"""Shared building blocks of the Digitalisierungsradar services."""
