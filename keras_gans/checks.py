"""Argument checks that teach: one wording everywhere, Keras' own.

    Invalid value for argument `image_size`. Expected one of 32, 64, 128. Received: image_size=50

Each check returns the value it accepted, so a constructor can write
`self.discriminator_steps = checks.positive_int("discriminator_steps", discriminator_steps)`.
Bad input is refused, never silently fixed.
"""

import numbers


def invalid(name, expected, value):
    """The ValueError of a bad argument, in Keras' words."""
    return ValueError(f"Invalid value for argument `{name}`. Expected {expected}. Received: {name}={value!r}")


def is_int(value):
    """Whether `value` is an integer (Python's or NumPy's), and not a bool (which Python counts as one)."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def positive_int(name, value, what="a positive integer"):
    """`value` if it is an integer >= 1 (NumPy integers too, not bools)."""
    if not is_int(value) or value < 1:
        raise invalid(name, what, value)
    return int(value)


def positive_number(name, value):
    """`value` as a float if it is a number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise invalid(name, "a number greater than 0", value)
    return float(value)


def one_of(name, value, allowed):
    """`value` if it is one of `allowed`."""
    if value not in allowed:
        raise invalid(name, "one of " + ", ".join(str(a) for a in allowed), value)
    return value
