"""End-to-end benchmark: generated data, the production server, an HTTP load client."""
