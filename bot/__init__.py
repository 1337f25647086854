"""Channel adapters, the HTTP server, scheduler, notifier, CLI and configuration."""
