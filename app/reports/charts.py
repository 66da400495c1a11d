"""Charts as server-rendered SVG: no script, no CDN, no style attributes (CSS classes only)."""
from markupsafe import Markup, escape

from app.core.i18n import number


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def column_chart(points: list[tuple[str, float]], title: str, width: int = 760, height: int = 240) -> Markup:
    """Vertical bars (one per month), a value axis with four gridlines, every n-th label shown."""
    left, bottom, top, right = 64, 28, 12, 8
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((v for _, v in points), default=0))
    n = max(len(points), 1)
    slot = plot_w / n
    bar = max(slot * 0.7, 1)
    every = max(1, round(n / 12))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'class="reports-chart" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i in range(5):
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
                     f'{escape(number(top_value * i / 4, 0))}</text>')
    for i, (label, value) in enumerate(points):
        h = plot_h * (value / top_value) if value > 0 else 0
        x = left + i * slot + (slot - bar) / 2
        parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" class="bar">'
                     f'<title>{escape(label)}: {escape(number(value, 2))}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 8}" text-anchor="middle" class="axis">'
                         f'{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(points: list[tuple[str, float]], title: str, width: int = 560) -> Markup:
    """Horizontal bars, largest first, labels on the left and values at the end of each bar."""
    row, label_w, value_w = 22, 180, 110
    height = max(row * len(points) + 8, 30)
    top_value = max((v for _, v in points), default=0) or 1
    plot_w = width - label_w - value_w
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'class="reports-chart" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, (label, value) in enumerate(points):
        y = 4 + i * row
        w = plot_w * max(value, 0) / top_value
        short = label if len(label) <= 26 else label[:25] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" class="axis">{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 7}" class="bar">'
                     f'<title>{escape(label)}: {escape(number(value, 2))}</title></rect>')
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="axis">{escape(number(value, 0))}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
