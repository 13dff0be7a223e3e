"""A problem found in a file: where it is (file, sheet, row, column, cell), the value, a message
CODE and its parameters, and whether it stops the import. The text is rendered per language
from the catalogues (`messages`, keys ``import.problem.<code>``) only when someone reads it, so
the worker processes that find problems never load the catalogues."""
from __future__ import annotations

from dataclasses import dataclass, field

from tipdash.ingest.limits import MAX_PROBLEMS


@dataclass
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None                     # the header as written in the file, else the column letter
    value: object
    code: str                              # catalogue key import.problem.<code>
    params: dict = field(default_factory=dict)
    severity: str = "error"                # 'error' | 'warning'
    cell: str | None = None                # "C3": the cell address as people write it
    hidden: tuple[int, int] = (0, 0)       # (errors, warnings) a "more" line stands for

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (ro, en, ru)."""
        from tipdash.ingest.messages import render
        return render(self.code, self.params, lang)

    @property
    def message(self) -> str:
        return self.text("en")

    @property
    def where(self) -> str | None:
        """The cell as people write it: "Sessions!C3" (None when the problem is not one cell's)."""
        return f"{self.sheet}!{self.cell}" if self.cell and self.sheet else None

    def line(self, lang: str = "en") -> str:
        """``file:sheet:row:column: message (Sheet!C3)`` (empty parts stay empty)."""
        parts = (self.file, self.sheet or "", "" if self.row is None else str(self.row), self.column or "")
        where = f" ({self.where})" if self.where else ""
        return ":".join(parts) + f": {self.text(lang)}{where}"

    def __str__(self) -> str:
        return self.line("en")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def errors(self) -> int:
        """Errors this line stands for (a "more" line: the errors it counts)."""
        return self.hidden[0] if self.code == "more" else int(self.is_error)

    @property
    def warnings(self) -> int:
        return self.hidden[1] if self.code == "more" else int(not self.is_error)


def more_problems(file: str, errors: int, warnings: int) -> Problem:
    """The line that stands for the problems of a file beyond the first MAX_PROBLEMS."""
    return Problem(file, None, None, None, None, "more",
                   {"more": {"plural": "more_problems", "n": errors + warnings},
                    "errors": {"plural": "errors", "n": errors}, "warnings": {"plural": "warnings", "n": warnings},
                    "shown": MAX_PROBLEMS}, "error" if errors else "warning", hidden=(errors, warnings))


def cause(code: str, **params) -> dict:
    """A message nested in another one's parameters (rendered in the same language)."""
    return {"code": code, "params": params}
