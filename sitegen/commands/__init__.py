"""One module per CLI command; each exposes register(subparsers) and sets args.run."""
