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
    message: str = ""
    format: str | None = None
    sha256: str | None = None
    superseded: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{self.file}: {self.status}"
        if self.format == "translations":
            return text + f": translations, {self.rows} rows" + (f" ({self.message})" if self.message else "")
        if self.status in ("imported", "valid"):
            what = {"report": "commission report", "summary": "summary"}.get(self.format or "", "file")
            text += (f" as import {self.import_id}" if self.import_id else " (dry run)") + \
                f": {what}, {self.submissions} submission{'s' * (self.submissions != 1)}, {self.rows} rows"
            if self.superseded:
                text += f", supersedes {len(self.superseded)} earlier submission" + "s" * (len(self.superseded) > 1)
        if self.message:
            text += f" ({self.message})" if self.status != "imported" else f"; {self.message}"
        return text


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

    def __str__(self) -> str:
        return "\n".join([*map(str, self.problems), *map(str, self.files)])


@dataclass
class BatchFile:
    """One file of a batch: read and validated (``parsed``), or not (``problems``)."""
    name: str
    size: int | None
    sha256: str = ""
    parsed: Parsed | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def unchanged(f: BatchFile, import_id: int | None) -> FileResult:
    """Every unit-year of ``f`` is already current from a file with the same SHA-256."""
    return FileResult(f.name, "unchanged", 0, 0, import_id, f"already imported as import {import_id}",
                      format=f.parsed.format, sha256=f.sha256)
