"""Your settings groups: the service's settings include every field declared here.

``payments: PaymentsSettings = Field(default_factory=PaymentsSettings)`` on
:class:`ExtraSettings` is read from the ``<PREFIX>PAYMENTS__*`` variables, validated at start-up
with the rest. The template keeps this file as you leave it.
"""

from __future__ import annotations

from pydantic import BaseModel


class ExtraSettings(BaseModel):
    """The groups you add, as fields (see this module's docstring)."""
