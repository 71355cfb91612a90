"""Static-site generator for the bundled demo news outlets (stdlib only)."""
