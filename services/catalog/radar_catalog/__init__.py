"""The catalog service of the Digitalisierungsradar."""
