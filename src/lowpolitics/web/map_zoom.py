"""What the places map needs to be zoomed and panned in the browser (``static/mapzoom.js``).

The map is an SVG drawn on the server (no tiles, no network); the script zooms it by
transforming the group that holds the boundaries and points. To offer "zoom to the Ferghana
valley" it must know where the valley lies in the SVG's pixels, which only the renderer's
projection knows: two invisible points are drawn at the valley's corners, their positions
read back from the SVG, and the points removed. The corners lie inside both countries'
outline, so the projection's fit, and so the map, is unchanged by them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import altair as alt

from lowpolitics.report.chart_map import FERGHANA

_CORNER = "lp-corner-{}"
_MARK = re.compile(r"<path\b[^>]*?aria-label=\"lp-corner-(sw|ne)\"[^>]*?/>")
_AT = re.compile(r"transform=\"translate\(([-\d.e]+),([-\d.e]+)\)\"")


@dataclass(frozen=True)
class Box:
    """A rectangle in the plot's pixels: left, top, right, bottom."""

    x0: float
    y0: float
    x1: float
    y1: float

    def attribute(self) -> str:
        return " ".join(f"{v:.1f}" for v in (self.x0, self.y0, self.x1, self.y1))


def corner_layer() -> alt.Chart:
    """Two invisible points at the Ferghana valley's south-west and north-east corners."""
    (south, north), (west, east) = FERGHANA["lat"], FERGHANA["lon"]
    corners = [
        {"lat": south, "lon": west, "corner": _CORNER.format("sw")},
        {"lat": north, "lon": east, "corner": _CORNER.format("ne")},
    ]
    return (
        alt.Chart(alt.Data(values=corners))
        .mark_point(opacity=0, size=1)
        .encode(
            longitude=alt.Longitude("lon:Q"),
            latitude=alt.Latitude("lat:Q"),
            description="corner:N",
        )
    )


def take_corners(svg: str) -> tuple[str, Box | None]:
    """The SVG without the corner points, and the valley's box (None if they were not drawn)."""
    found: dict[str, tuple[float, float]] = {}
    for match in _MARK.finditer(svg):
        at = _AT.search(match.group(0))
        if at:
            found[match.group(1)] = (float(at.group(1)), float(at.group(2)))
    svg = _MARK.sub("", svg)
    if set(found) != {"sw", "ne"}:
        return svg, None
    (x0, y1), (x1, y0) = found["sw"], found["ne"]
    return svg, Box(x0, y0, x1, y1)
