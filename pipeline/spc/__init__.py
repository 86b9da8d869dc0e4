"""Statistical process control for board reporting, in NHS England's Making Data Count style.

``analyse`` turns one measure's series into an ``SpcResult`` (limits, special-cause flags, one
label per point by MDC precedence, icons, a sentence on assurance);
``render_chart`` draws its XmR chart; ``save_icon`` and ``draw_icon`` draw the MDC icons.
"""

from .chart import build_figure, render_chart, save_figure
from .icons import (
    ASSURANCE_LABELS,
    VARIATION_LABELS,
    add_icon_axes,
    draw_assurance_icon,
    draw_icon,
    draw_variation_icon,
    save_icon,
)
from .method import (
    ASSURANCE_CODES,
    DEFAULT_RUN_LENGTH,
    IMPROVEMENTS,
    MIN_POINTS,
    PRECEDENCE,
    RULES,
    VARIATION_CODES,
    Segment,
    SpcPoint,
    SpcResult,
    analyse,
    period_label,
)
from .text import format_value, format_with_unit

__all__ = [
    "ASSURANCE_CODES",
    "ASSURANCE_LABELS",
    "DEFAULT_RUN_LENGTH",
    "IMPROVEMENTS",
    "MIN_POINTS",
    "PRECEDENCE",
    "RULES",
    "VARIATION_CODES",
    "VARIATION_LABELS",
    "Segment",
    "SpcPoint",
    "SpcResult",
    "add_icon_axes",
    "analyse",
    "build_figure",
    "draw_assurance_icon",
    "draw_icon",
    "draw_variation_icon",
    "format_value",
    "format_with_unit",
    "period_label",
    "render_chart",
    "save_figure",
    "save_icon",
]
