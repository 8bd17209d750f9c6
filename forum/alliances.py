"""The managed list of Cancer Alliances in England, as members pick them on their profile."""

from __future__ import annotations

#: The 21 Cancer Alliances, by the short names they are known by in primary care.
ALLIANCES: tuple[str, ...] = (
    "Cheshire and Merseyside",
    "East Midlands",
    "East of England - North",
    "East of England - South",
    "Greater Manchester",
    "Humber and North Yorkshire",
    "Kent and Medway",
    "Lancashire and South Cumbria",
    "North Central London",
    "North East London",
    "Northern (North East and North Cumbria)",
    "Peninsula",
    "RM Partners (North West and South West London)",
    "Somerset, Wiltshire, Avon and Gloucestershire (SWAG)",
    "South East London",
    "South Yorkshire and Bassetlaw",
    "Surrey and Sussex",
    "Thames Valley",
    "Wessex",
    "West Midlands",
    "West Yorkshire and Harrogate",
)


def is_alliance(name: str) -> bool:
    return name in ALLIANCES


def alliance_choices(
    blank: str = "Not part of an alliance / not applicable",
) -> list[tuple[str, str]]:
    """Choices for a select field: a blank option first, then every alliance."""
    return [("", blank), *((name, name) for name in ALLIANCES)]
