"""The integration plan as a PDF: German for the file and the offices, the client's language for
the client, both from the same data.

fpdf2 lays the text out with HarfBuzz (uharfbuzz), so Arabic and Persian letters are joined and
the lines run right to left; DejaVu Sans carries Latin, Cyrillic, Arabic and Persian glyphs
(Debian's fonts-dejavu-core, installed by scripts/install-fonts).
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lotse.cases.cases import client_text
from lotse.cases.models import AREAS, Case, PlanVersion
from lotse.cases.plan import goals_of, offer_card, step_label, steps_of
from lotse.models import utcnow

RIGHT_TO_LEFT = ("ar", "fa")
FONT_DIRECTORIES = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)


class FontMissing(RuntimeError):
    """No DejaVu Sans on this machine: scripts/install-fonts installs it."""


def font_files() -> tuple[Path, Path]:
    for directory in FONT_DIRECTORIES:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    raise FontMissing("DejaVu Sans is missing: run scripts/install-fonts (fonts-dejavu-core)")


def _date(value: object) -> str:
    return value.strftime("%d.%m.%Y") if hasattr(value, "strftime") else ""


class _Writer:
    def __init__(self, language: str) -> None:
        regular, bold = font_files()
        self.language = language
        self.rtl = language in RIGHT_TO_LEFT
        self.pdf = FPDF(format="A4")
        self.pdf.set_margins(18, 16, 18)
        self.pdf.set_auto_page_break(True, margin=16)
        self.pdf.add_font("DejaVu", "", str(regular))
        self.pdf.add_font("DejaVu", "B", str(bold))
        self.pdf.set_text_shaping(use_shaping_engine=True, direction="rtl" if self.rtl else "ltr")
        self.pdf.add_page()

    def t(self, key: str, **values: object) -> str:
        return client_text(self.language, key, **values)

    def line(
        self,
        words: str,
        size: float = 10.5,
        bold: bool = False,
        gap: float = 1.5,
        numbers: bool = False,
    ) -> None:
        """`numbers`: phone numbers, kept left to right on their own line (fpdf2's bidi
        would reverse the groups of digits inside a right-to-left line)."""
        self.pdf.set_font("DejaVu", "B" if bold else "", size)
        if numbers and self.rtl:
            self.pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
        self.pdf.multi_cell(
            0, size * 0.5, words, align="R" if self.rtl else "L", new_x="LMARGIN", new_y="NEXT"
        )
        if numbers and self.rtl:
            self.pdf.set_text_shaping(use_shaping_engine=True, direction="rtl")
        self.pdf.ln(gap)


def plan_pdf(session: Session, case: Case, language: str) -> bytes:
    """The plan of `case` in `language` (goals and steps by activity area, offers with their
    address, phones and hours, the next review)."""
    out = _Writer(language)
    t = out.t
    version = (
        session.scalar(select(func.max(PlanVersion.number)).where(PlanVersion.case_id == case.id))
        or 0
    )
    out.line(t("pdf_title"), size=18, bold=True, gap=2)
    out.line(t("pdf_case", reference=case.reference, date=_date(utcnow()), version=version))
    if case.facilitator is not None:
        out.line(f"{t('who_facilitator')}: {case.facilitator.display_name}", gap=4)
    goals, steps = goals_of(session, case), steps_of(session, case)
    if not goals and not steps:
        name = case.facilitator.display_name if case.facilitator else ""
        out.line(t("plan_empty", name=name))
    for area in AREAS:
        area_goals = [g for g in goals if g.area == area]
        area_steps = [s for s in steps if s.area == area]
        if not area_goals and not area_steps:
            continue
        out.line(t(f"area_{area}"), size=13, bold=True, gap=1)
        if area_goals:
            out.line(t("pdf_goals"), bold=True, gap=0.5)
            for goal in area_goals:
                out.line(f"• {goal.text}")
        if area_steps:
            out.line(t("pdf_steps"), bold=True, gap=0.5)
        for step in area_steps:
            out.line(f"• {step_label(session, step, language)}", bold=True, gap=0.5)
            facts = [
                f"{t('pdf_who')}: {t(f'who_{step.who}')}",
                f"{t('pdf_status')}: {t(f'status_name_{step.status}')}",
            ]
            if step.due_on:
                facts.insert(1, f"{t('pdf_due')}: {_date(step.due_on)}")
            out.line("   " + " · ".join(facts), size=9.5, gap=0.5)
            card = offer_card(session, step.offer_id, language) if step.offer_id else None
            if card is not None:
                if card.address:
                    out.line("   " + card.address, size=9.5, gap=0.5)
                if card.phones and out.rtl:
                    out.line(f"   {t('pdf_phone')}:", size=9.5, gap=0.5)
                    out.line(", ".join(card.phones) + "   ", size=9.5, gap=0.5, numbers=True)
                elif card.phones:
                    out.line(f"   {t('pdf_phone')}: {', '.join(card.phones)}", size=9.5, gap=0.5)
                if card.hours:
                    out.line(f"   {t('pdf_hours')}: {card.hours}", size=9.5, gap=0.5)
            if step.comment:
                out.line("   " + step.comment, size=9.5, gap=0.5)
            out.pdf.ln(1.5)
        out.pdf.ln(2)
    if case.next_review_on:
        out.line(t("next_review", date=_date(case.next_review_on)), bold=True)
    return bytes(out.pdf.output())
