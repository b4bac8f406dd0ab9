"""The Schaubild drawn: SVG (for the web and for editing) and a print-ready PDF (A3 landscape,
ReportLab), both from one layout so the two never disagree."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from lotse.partners.schaubild import Cell, Schaubild

A3_LANDSCAPE = (1190.55, 841.89)  # points
MARGIN = 28.0
HEAD = 58.0  # title, date and legend
LABEL_WIDTH = 150.0
STATUS_HEAD = 30.0
PAD = 4.0
GAP_FILL, PARTIAL_FILL, OK_FILL = "#f8d7da", "#fff3cd", "#e9f5ec"


@dataclass
class Line:
    text: str
    kind: str  # "partner", "missing", "gap"
    link: str = ""


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if measure(candidate) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def cell_lines(cell: Cell, width: float, measure: Callable[[str], float]) -> list[Line]:
    if cell.gap:
        return [Line(t, "gap") for t in wrap("keine Zuständigkeit", width, measure)]
    lines: list[Line] = []
    for partner in cell.partners:
        link = f"/admin/service/details/{partner.services[0][0]}"
        lines.extend(Line(t, "partner", link) for t in wrap(partner.organization, width, measure))
    if cell.missing:
        lines.extend(
            Line(t, "missing") for t in wrap("fehlt: " + ", ".join(cell.missing), width, measure)
        )
    return lines


def fill_of(cell: Cell) -> str:
    return GAP_FILL if cell.gap else PARTIAL_FILL if cell.partial else OK_FILL


@dataclass
class Layout:
    font: float
    column: float
    rows: list[tuple[float, list[list[Line]], list[str]]]
    """(height, lines per status column, wrapped activity label)"""


def layout(sb: Schaubild, measure: Callable[[str, float], float]) -> Layout:
    """Row heights from the cells' wrapped lines; the font shrinks until the grid fits A3."""
    width, height = A3_LANDSCAPE
    column = (width - 2 * MARGIN - LABEL_WIDTH) / max(1, len(sb.statuses))
    available = height - 2 * MARGIN - HEAD - STATUS_HEAD
    font = 8.0
    while True:
        rows = []
        sized = _at_size(measure, font)
        for i, activity in enumerate(sb.activities):
            cells = [
                cell_lines(sb.cell(i, code), column - 2 * PAD, sized) for code, _ in sb.statuses
            ]
            label = wrap(activity.label, LABEL_WIDTH - 2 * PAD, sized)
            lines = max([len(label), *[len(c) for c in cells]])
            rows.append((lines * font * 1.2 + 2 * PAD, cells, label))
        if sum(r[0] for r in rows) <= available or font <= 4.5:
            return Layout(font, column, rows)
        font -= 0.5


def _at_size(measure: Callable[[str, float], float], font: float) -> Callable[[str], float]:
    return lambda text: measure(text, font)


def _svg_measure(text: str, font: float) -> float:
    return len(text) * font * 0.55


def subtitle(sb: Schaubild) -> str:
    stand = sb.data_date.strftime("%d.%m.%Y") if sb.data_date else "–"
    return (
        f"Zuständigkeiten nach Aufenthaltsstatus und Aktivitätsbereich · Stand der Daten: {stand}"
    )


def to_svg(sb: Schaubild) -> str:
    width, height = A3_LANDSCAPE
    plan = layout(sb, _svg_measure)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}"'
        f' font-family="Helvetica, Arial, sans-serif" role="img"'
        f' aria-label="Schaubild {escape(sb.region)}">',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
        f'<text x="{MARGIN}" y="{MARGIN + 18}" font-size="20" font-weight="bold">'
        f"Schaubild {escape(sb.region)}</text>",
        f'<text x="{MARGIN}" y="{MARGIN + 36}" font-size="10">{escape(subtitle(sb))}</text>',
        _svg_legend(width),
    ]
    y = MARGIN + HEAD
    for n, (_code, label) in enumerate(sb.statuses):
        x = MARGIN + LABEL_WIDTH + n * plan.column
        out.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{plan.column:.1f}" height="{STATUS_HEAD}"'
            f' fill="#206bc4" stroke="white"/>'
        )
        for k, part in enumerate(wrap(label, plan.column - 2 * PAD, lambda t: _svg_measure(t, 8))):
            out.append(
                f'<text x="{x + PAD:.1f}" y="{y + 11 + k * 10:.1f}" font-size="8" fill="white"'
                f' font-weight="bold">{escape(part)}</text>'
            )
    y += STATUS_HEAD
    for i, (row_height, cells, label_lines) in enumerate(plan.rows):
        out.append(
            f'<rect x="{MARGIN}" y="{y:.1f}" width="{LABEL_WIDTH}" height="{row_height:.1f}"'
            f' fill="#f1f3f5" stroke="#adb5bd"/>'
        )
        out.extend(_svg_lines(label_lines, MARGIN, y, plan.font, bold=True))
        for n, (code, _) in enumerate(sb.statuses):
            x = MARGIN + LABEL_WIDTH + n * plan.column
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{plan.column:.1f}" height="{row_height:.1f}"'
                f' fill="{fill_of(sb.cell(i, code))}" stroke="#adb5bd"/>'
            )
            out.extend(_svg_cell(cells[n], x, y, plan.font))
        y += row_height
    out.append("</svg>")
    return "\n".join(out)


def _svg_lines(lines: list[str], x: float, y: float, font: float, bold: bool = False) -> list[str]:
    weight = ' font-weight="bold"' if bold else ""
    return [
        f'<text x="{x + PAD:.1f}" y="{y + PAD + font * (1.2 * k + 1):.1f}" font-size="{font}"'
        f"{weight}>{escape(text)}</text>"
        for k, text in enumerate(lines)
    ]


def _svg_cell(lines: list[Line], x: float, y: float, font: float) -> list[str]:
    out = []
    for k, line in enumerate(lines):
        ty = y + PAD + font * (1.2 * k + 1)
        colour = {"partner": "#1d2d44", "missing": "#a61e1e", "gap": "#a61e1e"}[line.kind]
        style = ' font-style="italic"' if line.kind != "partner" else ""
        text = (
            f'<text x="{x + PAD:.1f}" y="{ty:.1f}" font-size="{font}" fill="{colour}"{style}>'
            f"{escape(line.text)}</text>"
        )
        if line.link:
            text = f'<a xlink:href="{escape(line.link)}" href="{escape(line.link)}">{text}</a>'
        out.append(text)
    return out


def _svg_legend(width: float) -> str:
    items = [
        (OK_FILL, "zuständig"),
        (PARTIAL_FILL, "Lücke an einzelnen Orten"),
        (GAP_FILL, "Lücke"),
    ]
    x = width - MARGIN - 3 * 150
    parts = []
    for n, (fill, label) in enumerate(items):
        lx = x + n * 150
        parts.append(
            f'<rect x="{lx:.0f}" y="{MARGIN + 8}" width="12" height="12" fill="{fill}"'
            f' stroke="#adb5bd"/><text x="{lx + 16:.0f}" y="{MARGIN + 18}" font-size="10">'
            f"{escape(label)}</text>"
        )
    return "".join(parts)


def to_pdf(sb: Schaubild) -> bytes:
    """A3 landscape; the region's name as title and document title, the data's date below."""
    from reportlab.lib.colors import HexColor
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    def measure(text: str, font: float) -> float:
        return float(stringWidth(text, "Helvetica", font))

    width, height = A3_LANDSCAPE
    plan = layout(sb, measure)
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A3_LANDSCAPE)
    pdf.setTitle(f"Schaubild {sb.region}")
    pdf.setAuthor("Lotse")
    pdf.setSubject(subtitle(sb))

    def top(y: float) -> float:  # our y grows downwards, PDF's upwards
        return height - y

    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(MARGIN, top(MARGIN + 18), f"Schaubild {sb.region}")
    pdf.setFont("Helvetica", 10)
    pdf.drawString(MARGIN, top(MARGIN + 36), subtitle(sb))
    legend = [
        (OK_FILL, "zuständig"),
        (PARTIAL_FILL, "Lücke an einzelnen Orten"),
        (GAP_FILL, "Lücke"),
    ]
    for n, (fill, label) in enumerate(legend):
        lx = width - MARGIN - 3 * 150 + n * 150
        pdf.setFillColor(HexColor(fill))
        pdf.setStrokeColor(HexColor("#adb5bd"))
        pdf.rect(lx, top(MARGIN + 20), 12, 12, fill=1)
        pdf.setFillColor(HexColor("#000000"))
        pdf.drawString(lx + 16, top(MARGIN + 18), label)

    def box(x: float, y: float, w: float, h: float, fill: str) -> None:
        pdf.setFillColor(HexColor(fill))
        pdf.setStrokeColor(HexColor("#adb5bd"))
        pdf.rect(x, top(y + h), w, h, fill=1, stroke=1)

    y = MARGIN + HEAD
    for n, (_code, label) in enumerate(sb.statuses):
        x = MARGIN + LABEL_WIDTH + n * plan.column
        box(x, y, plan.column, STATUS_HEAD, "#206bc4")
        pdf.setFillColor(HexColor("#ffffff"))
        pdf.setFont("Helvetica-Bold", 8)
        for k, part in enumerate(wrap(label, plan.column - 2 * PAD, lambda t: measure(t, 8))):
            pdf.drawString(x + PAD, top(y + 11 + k * 10), part)
    y += STATUS_HEAD
    colours = {"partner": "#1d2d44", "missing": "#a61e1e", "gap": "#a61e1e"}
    for i, (row_height, cells, label_lines) in enumerate(plan.rows):
        box(MARGIN, y, LABEL_WIDTH, row_height, "#f1f3f5")
        pdf.setFillColor(HexColor("#000000"))
        pdf.setFont("Helvetica-Bold", plan.font)
        for k, text in enumerate(label_lines):
            pdf.drawString(MARGIN + PAD, top(y + PAD + plan.font * (1.2 * k + 1)), text)
        for n, (code, _) in enumerate(sb.statuses):
            x = MARGIN + LABEL_WIDTH + n * plan.column
            box(x, y, plan.column, row_height, fill_of(sb.cell(i, code)))
            for k, line in enumerate(cells[n]):
                pdf.setFillColor(HexColor(colours[line.kind]))
                face = "Helvetica" if line.kind == "partner" else "Helvetica-Oblique"
                pdf.setFont(face, plan.font)
                pdf.drawString(x + PAD, top(y + PAD + plan.font * (1.2 * k + 1)), line.text)
        y += row_height
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
