"""The Parquet dataset (nianbao convert --dataset, consolidate DATASET_DIR): written in parts,
read back by pandas, DuckDB and Polars the same, a source added again never doubled, and the
汇总 of a dataset the same as the 汇总 of the workbooks it was made from."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb  # in the dev extra: the test reads the dataset with each analysis tool
import pandas as pd
import polars as pl
import pytest
from openpyxl import load_workbook

from nianbao import read_report
from nianbao.cli import main
from nianbao.consolidate import consolidate
from nianbao.consolidate.dataset import CELLS, FINDINGS, DatasetWriter, read_dataset
from nianbao.consolidate.export import LONG_COLUMNS
from nianbao.model import Cell, Meta, Report
from nianbao.validate import validate

from .test_consolidate import _department, _edition_2019, _set, _write

CASES = Path(__file__).parent / "data" / "cases"
REAL = ["000_zhoucun_2018.txt", "002_zichuan_2020.txt", "003_yangling_2019.txt", "004_zibo_2021.txt"]


@pytest.fixture(scope="module")
def real() -> list[tuple[Report, str]]:
    return [(read_report(CASES / name), name) for name in REAL]


def _add(writer: DatasetWriter, report: Report, source: str) -> None:
    writer.add(report, validate(report).findings, source)


def _counts_pandas(folder: Path) -> dict[tuple[str, int], int]:
    frame = pd.read_parquet(folder / CELLS)
    return {(s, int(y)): n for (s, y), n in frame.groupby(["source", "year"], observed=True).size().items()}


def _counts_duckdb(folder: Path) -> dict[tuple[str, int], int]:
    rows = duckdb.sql(f"SELECT source, year, count(*) FROM read_parquet('{folder / CELLS}/*/*.parquet', "
                      "hive_partitioning = true) GROUP BY ALL").fetchall()
    return {(s, y): n for s, y, n in rows}


def _counts_polars(folder: Path) -> dict[tuple[str, int], int]:
    frame = pl.read_parquet(folder / CELLS, hive_partitioning=True).group_by("source", "year").len()
    return {(s, y): n for s, y, n in frame.iter_rows()}


def test_written_in_parts_and_read_alike_by_pandas_duckdb_and_polars(real, tmp_path) -> None:
    folder = tmp_path / "数据集"
    with DatasetWriter(folder, batch=3) as writer:
        for report, source in real:
            _add(writer, report, source)
    parts = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.parquet"))
    # 3 reports in the first part (2018, 2020, 2019), the fourth in the second (2021)
    assert parts == ["cells/year=2018/part-000001.parquet", "cells/year=2019/part-000001.parquet",
                     "cells/year=2020/part-000001.parquet", "cells/year=2021/part-000002.parquet",
                     "findings/year=2018/part-000001.parquet"]
    # cells per report: the 2019 form has 30 + 8·7... as the long format has them: 198 (2019 form),
    # 200 (2021 form), and the 统计表 rows of seed 000 (one line each)
    cells, findings = read_dataset(folder)
    expected = {(s, int(y)): n for (s, y), n in cells.groupby(["source", "year"]).size().items()}
    legacy_rows = len(real[0][0].legacy or [])
    assert expected == {("000_zhoucun_2018.txt", 2018): legacy_rows, ("002_zichuan_2020.txt", 2020): 198,
                        ("003_yangling_2019.txt", 2019): 198, ("004_zibo_2021.txt", 2021): 200}
    assert _counts_pandas(folder) == _counts_duckdb(folder) == _counts_polars(folder) == expected
    assert list(cells.columns) == list(LONG_COLUMNS)
    # the same cells as consolidate's long format gives: one definition
    zibo = cells[cells["source"] == "004_zibo_2021.txt"]
    report = real[3][0]
    row = zibo[(zibo["table"] == "requests") & (zibo["row"] == "new_received") & (zibo["column"] == "total")]
    assert row["value"].tolist() == [report.value("requests", "new_received", "total")]
    # findings: seed 000 fills a child and leaves its parents blank (legacy.parent_blank)
    assert set(findings["source"]) == {"000_zhoucun_2018.txt"}
    assert set(findings["rule"]) == {f.rule for f in validate(real[0][0]).findings}
    assert len(pd.read_parquet(folder / FINDINGS)) == len(findings) == len(validate(real[0][0]).findings)
    assert len(pl.read_parquet(folder / FINDINGS, hive_partitioning=True)) == len(findings)


def test_interrupted_run_leaves_a_valid_dataset(real, tmp_path) -> None:
    folder = tmp_path / "数据集"
    writer = DatasetWriter(folder, batch=2)
    for report, source in real[:3]:
        _add(writer, report, source)  # the third waits in the buffer: never written (killed)
    (folder / "_writing" / "cells-year=2021-part-000002.parquet.123").write_bytes(b"PAR1 half a file")
    assert set(_counts_pandas(folder)) == set(_counts_duckdb(folder)) == set(_counts_polars(folder)) == {
        ("000_zhoucun_2018.txt", 2018), ("002_zichuan_2020.txt", 2020)}
    with DatasetWriter(folder, batch=2) as again:  # the re-run adds the rest
        for report, source in real[2:]:
            _add(again, report, source)
    assert sorted(read_dataset(folder)[0]["source"].unique()) == sorted(s for _, s in real)


def test_a_source_added_again_replaces_its_rows(real, tmp_path) -> None:
    folder = tmp_path / "数据集"
    with DatasetWriter(folder, batch=2) as writer:
        for report, source in real:
            _add(writer, report, source)
    before = _counts_pandas(folder)
    changed = read_report(CASES / "004_zibo_2021.txt")
    changed.tables["requests"]["new_received"]["total"] = Cell(999)
    with DatasetWriter(folder) as writer:  # a re-run with --force
        _add(writer, changed, "004_zibo_2021.txt")
        _add(writer, real[0][0], "000_zhoucun_2018.txt")
    assert _counts_pandas(folder) == _counts_duckdb(folder) == _counts_polars(folder) == before
    cells, findings = read_dataset(folder)
    zibo = cells[(cells["source"] == "004_zibo_2021.txt") & (cells["row"] == "new_received")
                 & (cells["column"] == "total")]
    assert zibo["value"].tolist() == [999]
    assert len(findings) == len(validate(real[0][0]).findings) + len(validate(changed).findings)


def test_a_part_left_twice_by_an_interruption_is_repaired(real, tmp_path) -> None:
    folder = tmp_path / "数据集"
    with DatasetWriter(folder, batch=10) as writer:
        for report, source in real[1:3]:
            _add(writer, report, source)
    # killed after writing part 2 (the same sources again) and before the old rows were dropped
    for path in list(folder.rglob("part-000001.parquet")):
        shutil.copy(path, path.with_name("part-000002.parquet"))
    assert sum(_counts_pandas(folder).values()) == 2 * 2 * 198  # doubled, for a plain reader
    cells, _ = read_dataset(folder)
    assert len(cells) == 2 * 198  # read_dataset keeps the newest part of each source
    DatasetWriter(folder).close()  # the next run repairs it
    assert sum(_counts_pandas(folder).values()) == sum(_counts_polars(folder).values()) == 2 * 198
    assert sorted(p.name for p in folder.rglob("*.parquet")) == ["part-000002.parquet"] * 2


def test_consolidating_a_dataset_gives_the_same_workbook(tmp_path) -> None:
    folder = tmp_path / "各单位"
    folder.mkdir()
    for i in range(1, 6):
        _write(_department(f"甲局{i:02d}", i), folder / f"甲局{i:02d}.xlsx")
    broken = _department("乙局", 30)
    _set(broken, "requests", "granted", natural_person=29, total=30)
    _write(broken, folder / "乙局.xlsx")
    _write(_edition_2019("丙局"), folder / "丙局.xlsx")
    _write(Report.blank(Meta(agency="戊局", year=2020, edition="2019")), folder / "戊局.xlsx")
    zibo = read_report(CASES / "004_zibo_2021.txt")  # a real report among them
    zibo.meta.agency, zibo.meta.year = "淄博市", 2021
    _write(zibo, folder / "淄博市.xlsx")
    dataset = tmp_path / "数据集"
    with DatasetWriter(dataset, batch=3) as writer:
        for path in sorted(folder.glob("*.xlsx")):
            report = read_report(path, provenance=False)
            writer.add(report, validate(report).findings, path.name)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    from_files = consolidate([folder], tmp_path / "a" / "汇总.xlsx")
    from_dataset = consolidate([dataset], tmp_path / "b" / "汇总.xlsx")
    assert (from_dataset.departments, from_dataset.errors, from_dataset.warnings) == (
        from_files.departments, from_files.errors, from_files.warnings) == (8, 2, 1)
    assert [d.agency for d in from_dataset.other_year] == ["戊局"]
    a, b = load_workbook(from_files.output), load_workbook(from_dataset.output)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        assert ([[c.value for c in row] for row in a[name].iter_rows()]
                == [[c.value for c in row] for row in b[name].iter_rows()]), name
    # the command takes a dataset folder as its input
    output = tmp_path / "c" / "汇总.xlsx"
    assert main(["consolidate", str(dataset), "-o", str(output)]) == 1  # 乙局 has errors
    assert load_workbook(output)["汇总"]["A2"].value == a["汇总"]["A2"].value
