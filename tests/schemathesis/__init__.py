"""schemathesis against the running system: the public API keeps to its OpenAPI document."""
