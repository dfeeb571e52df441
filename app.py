"""Start the assistant: until the chat app lands, print the plan's outline summary."""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(["outline"]))
