"""Services of the core: what the CLI and the GUI call. No Qt, no printing."""
