"""HTML rendering: theme lookup, one Jinja2 environment, a context per page kind."""
