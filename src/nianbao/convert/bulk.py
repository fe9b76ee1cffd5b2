"""A bulk conversion: many sources into one output folder, as the results arrive.

``BulkRun`` turns the inputs into tasks lazily, has an engine run them (a process pool or
dask.distributed), and for each outcome, in this process: gives the result its name and moves
it in place with one rename, appends the manifest row, hands the report to the dataset writer
and counts it. Nothing is held per result but its output name (to resolve collisions).
"""

from __future__ import annotations

import os
import signal
import threading
from array import array
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..files import backup_path, folder_files
from ..spec import load_spec
from .engines import run_dask, run_local
from .manifest import Manifest, source_key
from .names import NameRegistry, report_stem, safe_stem
from .task import Outcome, Task

__all__ = ["UNCHANGED", "BulkOptions", "BulkRun", "Done", "Tally"]

UNCHANGED = "内容和程序版本都未变，沿用上次的结果"
_FORMATS = {"text": "文本", "markdown": "Markdown", "html": "网页", "docx": "Word", "ole": "Word 97-2003/WPS",
            "rtf": "RTF", "pdf": "PDF", "xlsx": "标准工作簿"}


@dataclass(frozen=True)
class BulkOptions:
    """How a bulk conversion runs (the options of ``nianbao convert`` with an output folder)."""

    output: Path
    to: str = "xlsx"  # xlsx | json
    jobs: int = 1
    manifest: bool = False  # keep manifest.csv/.jsonl in the output folder, skip unchanged sources
    names: str = "source"  # source: the file's stem; agency: 单位_年度
    mirror: bool = False  # keep the input folders' structure under the output folder
    force: bool = False  # convert unchanged sources again
    engine: str = "local"  # local | dask
    scheduler: str | None = None  # a dask scheduler's address (default: a LocalCluster)
    dataset: Path | None = None  # a folder for the analysis dataset (consolidate.dataset)


@dataclass(frozen=True)
class Done:
    """One source finished: its outcome, where the result went, and the line to show."""

    outcome: Outcome
    output: Path | None
    line: str
    notes: tuple[str, ...] = ()  # other results renamed to make room (same agency and year)


@dataclass
class Tally:
    """What a run did, for the summary at its end."""

    total: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    still_failed: int = 0  # skipped: unchanged since an earlier run refused them
    unmapped: int = 0
    unmapped_files: int = 0
    formats: Counter[str] = field(default_factory=Counter)
    failed_formats: Counter[str] = field(default_factory=Counter)
    editions: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: Outcome) -> None:
        kind = _FORMATS.get(outcome.format, outcome.format or "未知")
        if outcome.status == "ok":
            self.ok += 1
            self.formats[kind] += 1
            self.unmapped += outcome.unmapped
            self.unmapped_files += outcome.unmapped > 0
            editions = load_spec().editions
            edition = editions[outcome.edition].short_label if outcome.edition in editions else "版本不明"
            self.editions[edition] += 1
        elif outcome.status == "failed":
            self.failed += 1
            self.failed_formats[kind] += 1
        else:
            self.skipped += 1

    def lines(self) -> list[str]:
        """The summary, in Chinese: counts, then by format and by edition."""
        head = f"共 {self.total} 个文件：成功 {self.ok}，失败 {self.failed}"
        if self.skipped:
            earlier = f"，其中上次失败 {self.still_failed}" if self.still_failed else ""
            head += f"，跳过 {self.skipped}（未改动{earlier}）"
        if self.ok + self.failed + self.skipped < self.total:
            head += f"，未处理 {self.total - self.ok - self.failed - self.skipped}"
        lines = [head]
        if self.unmapped:
            lines.append(f"  未归位内容：{self.unmapped} 处，在 {self.unmapped_files} 个文件中")
        kinds = sorted(set(self.formats) | set(self.failed_formats))
        if kinds:
            failed = self.failed_formats
            parts = [f"{k} {self.formats[k]}" + (f"（失败 {failed[k]}）" if failed[k] else "") for k in kinds]
            lines.append(f"  按格式：{'，'.join(parts)}")
        if self.editions:
            lines.append(f"  按版本：{'，'.join(f'{e} {n}' for e, n in sorted(self.editions.items()))}")
        return lines


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ctrl-C or SIGTERM arriving while one result is put in place (a rename, a manifest row)
    takes effect just after it, so the two always agree."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    handlers = {sig: signal.signal(sig, lambda signum, frame: caught.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        if caught:
            raise KeyboardInterrupt


class BulkRun:
    """One bulk conversion. Iterate it for each source as it finishes; ``tally`` sums up."""

    def __init__(self, inputs: Sequence[str | Path], options: BulkOptions, workbooks: bool = False) -> None:
        self.options = options
        # The sources as text, in input order, and (with --mirror) the input folder each was
        # found in: a few dozen bytes each, however many there are.
        self.sources: list[str] = []
        self._roots: list[str] = []
        self._root_of = array("i")
        seen: set[str] | None = set() if len(inputs) > 1 else None
        for item in inputs:
            folder = os.path.isdir(item)
            if folder:
                self._roots.append(str(item))
            for path in folder_files(str(item), workbooks) if folder else [str(item)]:
                if seen is not None:
                    key = source_key(path)
                    if key in seen:
                        continue
                    seen.add(key)
                self.sources.append(path)
                self._root_of.append(len(self._roots) - 1 if folder else -1)
        del seen
        self.tally = Tally(total=len(self.sources))
        self.suffix = ".json" if options.to == "json" else ".xlsx"
        self.registry = NameRegistry()
        self.manifest: Manifest | None = None
        self._previous: dict[str, dict[str, Any]] = {}  # earlier rows of this run's sources
        self._corrected = False
        self._dataset: Any = None
        self._repeated: set[str] = set()  # stems of more than one source (named by source)
        if options.names == "source":
            stems = Counter(safe_stem(Path(p).stem) for p in self.sources)
            self._repeated = {s for s, n in stems.items() if n > 1}

    def __len__(self) -> int:
        return len(self.sources)

    def __iter__(self) -> Iterator[Done]:
        options = self.options
        with ExitStack() as stack:
            if options.dataset is not None:
                from ..consolidate.dataset import DatasetWriter

                self._dataset = stack.enter_context(DatasetWriter(options.dataset, load_spec()))
            if options.manifest:
                self._open_manifest()
                stack.callback(self._close_manifest)
            tasks = (self._task(i, path) for i, path in enumerate(self.sources))
            if options.engine == "dask":
                outcomes: Generator[Outcome] = run_dask(tasks, options.scheduler, options.jobs)
            else:
                outcomes = run_local(tasks, options.jobs)
            stack.callback(outcomes.close)
            for outcome in outcomes:
                with _uninterrupted():
                    done = self._finish(outcome)
                yield done

    # --- the manifest --------------------------------------------------------------------

    def _open_manifest(self) -> None:
        self.options.output.mkdir(parents=True, exist_ok=True)
        self.manifest = Manifest(self.options.output)
        earlier = self.manifest.load()
        ours = {source_key(p) for p in self.sources} if earlier else set()
        self._previous = {k: row for k, row in earlier.items() if k in ours}
        for key, row in earlier.items():
            if row.get("output"):
                self.registry.reserve(Path(row["output"]), key)
        self.manifest.start(row for k, row in earlier.items() if k not in ours)

    def _close_manifest(self) -> None:
        assert self.manifest is not None
        for row in self._previous.values():  # not reached (interrupted): their earlier rows stand
            self.manifest.append(row)
        self._previous = {}
        if self._corrected:
            self.manifest.compact()
        self.manifest.close()

    def _unchanged(self, key: str) -> str | None:
        """The sha256 to skip a source at: what an earlier run of this version converted (or
        refused for the file's own fault), its result still there."""
        row = self._previous.get(key)
        if row is None or self.options.force or row.get("version") != __version__:
            return None
        if row.get("failed_at") == "source":
            return str(row.get("sha256") or "") or None
        output = row.get("output")
        if row.get("status") in ("ok", "skipped") and output and Path(output).is_file():
            return str(row.get("sha256") or "") or None
        return None

    # --- tasks and outcomes --------------------------------------------------------------

    def _folder(self, index: int) -> Path:
        root = self._root_of[index]
        if not self.options.mirror or root < 0:
            return self.options.output
        relative = Path(self.sources[index]).parent.relative_to(self._roots[root])
        parts = [safe_stem(part, "_") for part in relative.parts if part not in ("", ".", "..")]
        return self.options.output.joinpath(*parts)

    def _task(self, index: int, path: str) -> Task:
        options = self.options
        return Task(index, path, str(self._folder(index)), options.to,
                    unchanged=self._unchanged(source_key(path)) if self.manifest else None,
                    validate=options.manifest or options.dataset is not None,
                    keep_report=options.dataset is not None)

    def _stem(self, outcome: Outcome) -> str:
        source = Path(outcome.source)
        if self.options.names == "agency":
            return report_stem(outcome.agency, outcome.year, outcome.source)
        stem = safe_stem(source.stem)
        return safe_stem(source.name) if stem in self._repeated else stem

    def _row(self, outcome: Outcome, output: Path | None) -> dict[str, Any]:
        return {
            "source": outcome.source, "sha256": outcome.sha256, "status": outcome.status,
            "reason": outcome.reason, "failed_at": _failed_at(outcome),
            "format": outcome.format, "edition": outcome.edition, "agency": outcome.agency,
            "year": outcome.year, "output": str(output) if output else "", "errors": outcome.errors,
            "warnings": outcome.warnings, "unmapped": outcome.unmapped,
            "seconds": round(outcome.seconds, 3), "version": __version__,
        }

    def _finish(self, outcome: Outcome) -> Done:
        key = source_key(outcome.source)
        previous = self._previous.pop(key, None)
        self.tally.add(outcome)
        name = Path(outcome.source).name
        if outcome.status == "skipped":
            row = dict(previous or self._row(outcome, None))
            self.tally.still_failed += row.get("failed_at") == "source"
            earlier = str(row.get("reason") or "").removeprefix(UNCHANGED).lstrip("：")
            row.update(status="skipped", reason=UNCHANGED + (f"：{earlier}" if earlier else ""),
                       seconds=round(outcome.seconds, 3))
            if self.manifest:
                self.manifest.append(row)
            output = Path(row["output"]) if row.get("output") else None
            return Done(outcome, output, f"- {name}：{UNCHANGED}，跳过")
        if outcome.status == "failed":
            if self.manifest:
                self.manifest.append(self._row(outcome, None))
            return Done(outcome, None, outcome.message)
        assert outcome.temp is not None
        temp = Path(outcome.temp)
        stem = self._stem(outcome)
        path, evicted = self.registry.claim(temp.parent, stem, self.suffix, outcome.index, key)
        chain: list[tuple[int, Path, Path]] = []  # later sources pushed one name further along
        held = path
        while evicted is not None:
            moved_to, next_evicted = self.registry.claim(held.parent, stem, self.suffix, evicted,
                                                         source_key(self.sources[evicted]))
            chain.append((evicted, held, moved_to))
            held, evicted = moved_to, next_evicted
        notes = tuple(self._move(index, old, new) for index, old, new in reversed(chain))
        backup = _place(temp, path)
        if self.manifest:
            self.manifest.append(self._row(outcome, path))
        if self._dataset is not None and outcome.report is not None:
            self._dataset.add(outcome.report, outcome.findings, outcome.source)
        note = f"（原有文件已备份为 {backup.name}）" if backup else ""
        return Done(outcome, path, f"✓ {name} → {path}：{outcome.summary}{note}", notes)

    def _move(self, evicted: int, old: Path, new: Path) -> str:
        """A later source's result moves from ``old`` to ``new`` (an earlier source of the same
        agency and year takes the plain name); its manifest row follows."""
        if old.exists():
            _place(old, new)
        if self.manifest:
            row = self.manifest.last_row(source_key(self.sources[evicted]))
            if row is not None:
                self.manifest.append({**row, "output": str(new)})
                self._corrected = True
        return f"  {old.name} 改名为 {new.name}（同一单位同一年度的报告按输入顺序编号）"


def _failed_at(outcome: Outcome) -> str:
    """Whose fault a failure was: the source's (the same bytes fail again: not retried) or the
    output's (a full disk, a defect: retried on the next run)."""
    if outcome.status != "failed":
        return ""
    return "output" if outcome.output_failed else "source"


def _place(temp: Path, path: Path) -> Path | None:
    """Rename ``temp`` to ``path``; a file already there is kept as a backup first."""
    kept = None
    if path.exists():
        kept = backup_path(path)
        os.replace(path, kept)
    os.replace(temp, path)
    return kept
