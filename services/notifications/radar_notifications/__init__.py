"""The notifications service of the Digitalisierungsradar."""
