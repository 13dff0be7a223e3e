"""What an import reports (``ImportReport`` of ``FileResult`` and ``Problem``), and a file on its
way through a batch."""
from __future__ import annotations

from dataclasses import dataclass, field

from tipdash.ingest.sheet import Parsed, Problem


@dataclass
class FileResult:
    file: str
    status: str                            # 'imported' | 'unchanged' | 'rejected' | 'valid'
    submissions: int = 0
    rows: int = 0
    import_id: int | None = None
    note: str | None = None                # message code (import.result.<note>), with note_params
    format: str | None = None
    sha256: str | None = None
    superseded: list[int] = field(default_factory=list)
    note_params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The note in English ("" without one)."""
        return self.note_text("en")

    def note_text(self, lang: str = "en") -> str:
        if self.note is None:
            return ""
        from tipdash.ingest.messages import result_note
        return result_note(self.note, self.note_params, lang)

    def text(self, lang: str = "en") -> str:
        """One line: the file, its status and what it holds, in ``lang``."""
        from tipdash.ingest.messages import result_line
        return result_line(self, lang)

    def __str__(self) -> str:
        return self.text("en")


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def error_count(self) -> int:
        """Errors found, those beyond the listed ones included."""
        return sum(p.errors for p in self.problems)

    @property
    def warning_count(self) -> int:
        return sum(p.warnings for p in self.problems)

    def __str__(self) -> str:
        return self.text("en")

    def text(self, lang: str = "en") -> str:
        return "\n".join([*(p.line(lang) for p in self.problems), *(f.text(lang) for f in self.files)])


@dataclass
class BatchFile:
    """One file of a batch: read and validated (``parsed``), or not (``problems``)."""
    name: str
    size: int | None
    sha256: str = ""
    parsed: Parsed | None = None
    problems: list[Problem] = field(default_factory=list)
    facts: bytes = b""                     # the worker's fact rows (JSON), decoded when written

    @property
    def errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def unchanged(f: BatchFile, import_id: int | None) -> FileResult:
    """Every unit-year of ``f`` is already current from a file with the same SHA-256."""
    return FileResult(f.name, "unchanged", 0, 0, import_id, "already", format=f.parsed.format, sha256=f.sha256,
                      note_params={"id": import_id})
