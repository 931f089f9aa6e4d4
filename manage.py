#!/usr/bin/env python
"""Django's command-line utility for LocalBridge."""

from localbridge.cli import main

if __name__ == "__main__":
    main()
