"""The shipped font (Noto Sans, SIL OFL 1.1): renders every Vietnamese diacritic."""

from pathlib import Path

FONTS_DIR = Path(__file__).parent / "assets" / "fonts"


def font_path(bold: bool = False) -> Path:
    return FONTS_DIR / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")
