"""A plain, accessible-looking A4 document for PDF exports, with a Unicode font shipped in the repository."""

import logging
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "LiberationSans"
logging.getLogger("fontTools").setLevel(logging.WARNING)  # subsetting chatter is noise in the application log


class DocumentPDF(FPDF):
    """Headings, paragraphs, key-value lists and tables; every page carries the title and a page number."""

    def __init__(self, *, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.document_title = title
        self.add_font(FAMILY, "", str(FONT_DIR / "LiberationSans-Regular.ttf"))
        self.add_font(FAMILY, "B", str(FONT_DIR / "LiberationSans-Bold.ttf"))
        self.set_title(title)
        self.set_lang("nl")
        self.set_auto_page_break(auto=True, margin=15)
        self.add_page()
        self.set_font(FAMILY, "B", 16)
        self.multi_cell(0, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.cell(0, 5, f"{self.document_title} · pagina {self.page_no()}", align="C")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font(FAMILY, "B", 12)
        self.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str) -> None:
        self.set_font(FAMILY, "", 10)
        self.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def key_values(self, pairs: list[tuple[str, str]]) -> None:
        self.set_font(FAMILY, "", 9)
        for key, value in pairs:
            self.set_font(FAMILY, "B", 9)
            self.cell(55, 5, key[:40])
            self.set_font(FAMILY, "", 9)
            self.multi_cell(0, 5, value or "–", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def data_table(self, headers: list[str], rows: list[list[str]]) -> None:
        self.set_font(FAMILY, "", 8)
        with self.table(first_row_as_headings=True, text_align="LEFT", line_height=4.5) as table:
            for values in [headers, *rows]:
                row = table.row()
                for value in values:
                    row.cell(str(value))

    def render(self) -> bytes:
        return bytes(self.output())
