"""marshmallow schemas; importing the package installs the French validation messages."""

from . import messages

messages.install()
