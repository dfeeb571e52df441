"""Serve the assistant's web app: `python app.py [--host H] [--port P]` (see assistant/ui.py)."""

import sys

from assistant.ui import main

if __name__ == "__main__":
    sys.exit(main())
