"""A finger/mouse signature pad: a canvas in a gesture detector, with an accessible name."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import flet as ft
import flet.canvas as cv

__all__ = ["Point", "SignaturePad", "Stroke"]

Point = tuple[float, float]
Stroke = list[Point]

INK = "#1B2733"
STROKE_WIDTH = 4


class SignaturePad:
    """Builds the pad's controls and keeps its strokes; put `pad.control` on the page.

    Args:
        on_change: Called with a copy of all strokes after each point is added (and after
            `clear()`), so the app can keep them in its core state.
        semantics_label: Accessible name of the pad, e.g. "Signature area: draw here".
        strokes: Strokes to redraw straight away (when a screen is rebuilt).
        width: Width of the drawing box in logical pixels.
        height: Height of the drawing box in logical pixels.
    """

    def __init__(
        self,
        on_change: Callable[[list[Stroke]], None],
        semantics_label: str,
        strokes: Sequence[Sequence[Point]] | None = None,
        *,
        width: int = 760,
        height: int = 260,
    ) -> None:
        self._on_change = on_change
        self._width = width
        self._height = height
        self._paint = ft.Paint(
            color=INK,
            stroke_width=STROKE_WIDTH,
            stroke_cap=ft.StrokeCap.ROUND,
            stroke_join=ft.StrokeJoin.ROUND,
            style=ft.PaintingStyle.STROKE,
        )
        self._strokes: list[Stroke] = []
        self._canvas = cv.Canvas(width=width, height=height, shapes=[])
        for stroke in strokes or []:
            for i, (x, y) in enumerate(stroke):
                self._add_point(x, y, new_stroke=i == 0)
        self.control: ft.Control = ft.Semantics(
            label=semantics_label,
            container=True,
            image=True,
            content=ft.Container(
                content=ft.GestureDetector(
                    content=self._canvas,
                    on_pan_start=self._pan_start,
                    on_pan_update=self._pan_update,
                    drag_interval=15,
                    mouse_cursor=ft.MouseCursor.PRECISE,
                ),
                bgcolor=ft.Colors.WHITE,
                border=ft.Border.all(2, INK),
                border_radius=8,
                clip_behavior=ft.ClipBehavior.HARD_EDGE,
            ),
        )

    @property
    def strokes(self) -> list[Stroke]:
        """A copy of the strokes, each a list of (x, y) points rounded to 0.1 px."""
        return [list(stroke) for stroke in self._strokes]

    def clear(self) -> None:
        """Empty the strokes and the canvas, tell `on_change`, and refresh if on a page."""
        self._strokes.clear()
        self._canvas.shapes.clear()
        self._on_change(self.strokes)
        self._refresh()

    def _add_point(self, x: float, y: float, *, new_stroke: bool) -> None:
        """Clamp and round one point, store it, and draw a segment (a dot if it starts)."""
        point = (
            round(min(max(float(x), 0.0), float(self._width)), 1),
            round(min(max(float(y), 0.0), float(self._height)), 1),
        )
        if new_stroke or not self._strokes:
            self._strokes.append([])
        stroke = self._strokes[-1]
        x1, y1 = stroke[-1] if stroke else point
        stroke.append(point)
        self._canvas.shapes.append(cv.Line(x1, y1, point[0], point[1], paint=self._paint))

    def _pan_start(self, e: ft.DragStartEvent[ft.GestureDetector]) -> None:
        self._add_point(e.local_position.x, e.local_position.y, new_stroke=True)
        self._changed()

    def _pan_update(self, e: ft.DragUpdateEvent[ft.GestureDetector]) -> None:
        self._add_point(e.local_position.x, e.local_position.y, new_stroke=False)
        self._changed()

    def _changed(self) -> None:
        self._on_change(self.strokes)
        self._refresh()

    def _refresh(self) -> None:
        """Push the canvas if mounted, without cancelling Flet's auto-update of the page.

        `Control.update()` marks the handler as "updated by hand", which would stop Flet
        from auto-updating whatever else the app changed in the same handler (e.g. a
        points counter), so the flag is put back as it was.
        """
        try:
            self._canvas.page  # noqa: B018  # raises RuntimeError until mounted
        except RuntimeError:
            return  # not on a page yet: the shapes go out when it is added
        already = ft.context.was_update_called()
        self._canvas.update()
        if not already:
            ft.context.reset_update_called()  # type: ignore[no-untyped-call]  # Flet's own
