"""`python -m keras_gans` is the same as the `keras-gans` command."""

from keras_gans.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
