"""``python -m flows.cli``: the ``asylumwatch`` command."""

from flows.cli.root import main

if __name__ == "__main__":
    main()
