"""The gateway service of the Digitalisierungsradar."""
