"""Allow ``python -m scanner`` as well as the ``mlscan`` console script."""

from scanner.cli import main

if __name__ == "__main__":
    main()
