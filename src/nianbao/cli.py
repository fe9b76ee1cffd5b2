"""The ``nianbao`` command: a thin shell over the library."""

from __future__ import annotations

import argparse
import errno
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .convert import convert_many
from .errors import NianbaoError
from .files import expand_inputs
from .model import finite_json
from .spec import load_spec

if TYPE_CHECKING:  # the validator (pandas, pandera) is imported only by the commands that use it
    from .consolidate import Consolidation
    from .consolidate.reading import Reading
    from .register import AgencyRegister
    from .validate import ValidationReport

EXIT_UNREADABLE = 2

# What an operating-system error means, for the user (never Python's "[Errno 13] …").
_OS_REASONS = {
    errno.EACCES: "没有权限（文件只读、正被其他程序打开，或文件夹不允许写入）",
    errno.EPERM: "没有权限（文件只读、正被其他程序打开，或文件夹不允许写入）",
    errno.EROFS: "磁盘是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENAMETOOLONG: "文件名太长",
}


def os_reason(exc: OSError) -> str:
    """An OSError in Chinese, naming the file it concerns."""
    reason = _OS_REASONS.get(exc.errno or 0, f"系统错误 {exc.errno}" if exc.errno else "系统错误")
    return f"{reason}：{exc.filename}" if exc.filename else reason

_CONVERT_HELP = """\
把年报文件转换成标准 Excel 工作簿（每个文件一个 .xlsx），或规范 JSON。

示例：
  nianbao convert 年报.txt -o 年报.xlsx
  nianbao convert 报告/*.txt -o 输出文件夹
  nianbao convert 报告文件夹/ -o 输出文件夹 -j 2   （文件夹里所有年报，2 个进程并行；记录清单
        manifest.csv/jsonl，按“单位_年度”命名；再次运行只转换新增或改动的文件）
  nianbao convert 年报.txt --to json -o -        （JSON 输出到屏幕）
  nianbao convert 报告文件夹/ -o 输出文件夹 --no-manifest --names source   （不记录清单，按源文件名命名）
  nianbao convert 报告文件夹/ -o 输出文件夹 --engine dask --scheduler tcp://主机:8786

读不了的文件会说明是哪个文件、什么原因，其余文件照常转换；只要有文件失败，退出码为 2。
按 Ctrl-C 中断时，已完成的文件保留（退出码 130）。
已存在的输出文件不会被直接覆盖：旧文件先改名为 *.bak.xlsx 保留。
"""


_BULK_OPTIONS = ("manifest", "mirror", "force", "dataset", "scheduler", "names")


def cmd_convert(args: argparse.Namespace) -> int:
    if args.output == "-" and args.to != "json":
        print("nianbao: 只有 --to json 能输出到屏幕（-o -）", file=sys.stderr)
        return EXIT_UNREADABLE
    many = len(args.files) > 1 or any(Path(f).is_dir() for f in args.files)
    if args.manifest is None:  # a folder or several files into a folder: recorded, resumable
        args.manifest = many and args.output != "-"
    bulk = (many or args.engine == "dask" or any(getattr(args, o) for o in _BULK_OPTIONS))
    if args.output == "-" and (args.engine == "dask" or any(getattr(args, o) for o in _BULK_OPTIONS)):
        print("nianbao: --manifest、--mirror、--dataset、--engine dask 等批量选项需要输出文件夹（-o 文件夹）",
              file=sys.stderr)
        return EXIT_UNREADABLE
    if bulk and args.output != "-":
        return _convert_bulk(args)
    files = expand_inputs(args.files, workbooks=args.to == "json")
    if not files:
        print("nianbao: 没有找到可转换的文件", file=sys.stderr)
        return EXIT_UNREADABLE
    failed = 0
    for result in convert_many(files, args.output, args.to, args.jobs, many):
        failed += not result.ok
        if result.json_text is not None:
            sys.stdout.write(result.json_text + "\n")
        print(result.line, file=sys.stderr)
    if many:
        print(f"共 {len(files)} 个文件：成功 {len(files) - failed}，失败 {failed}", file=sys.stderr)
    return EXIT_UNREADABLE if failed else 0


def _convert_bulk(args: argparse.Namespace) -> int:
    """Many sources into one folder, shown as they finish (a progress bar at a terminal)."""
    from .convert import BulkOptions, BulkRun, DaskMissing, check_engine

    output = Path(args.output or ".")
    if output.suffix.lower() in (".xlsx", ".json") and not output.is_dir():
        print(f"nianbao: 批量转换的输出（-o {output}）应是文件夹，不是文件名", file=sys.stderr)
        return EXIT_UNREADABLE
    engine = "dask" if args.scheduler else args.engine
    try:
        check_engine(engine)
    except DaskMissing as exc:
        print(f"nianbao：{exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    names = args.names or ("agency" if args.manifest else "source")
    options = BulkOptions(output, args.to, max(1, args.jobs), args.manifest, names, args.mirror, args.force,
                          engine, args.scheduler, Path(args.dataset) if args.dataset else None)
    run = BulkRun(args.files, options, workbooks=args.to == "json")
    if not len(run):
        print("nianbao: 没有找到可转换的文件", file=sys.stderr)
        return EXIT_UNREADABLE
    show, close = _progress_lines(len(run))
    try:
        for done in run:
            show(done.line, *done.notes)
    finally:
        close()
    for line in run.tally.lines():
        print(line, file=sys.stderr)
    if args.manifest:
        print(f"清单：{output / 'manifest.csv'}（及 manifest.jsonl）", file=sys.stderr)
    return EXIT_UNREADABLE if run.tally.failed or run.tally.still_failed else 0


def _progress_lines(total: int) -> tuple[Callable[..., None], Callable[[], None]]:
    """How each finished file is shown: at a terminal under a progress bar (rate, ETA);
    otherwise one plain line each."""
    if not sys.stderr.isatty():
        return (lambda *lines: print(*lines, sep="\n", file=sys.stderr, flush=True)), (lambda: None)
    from tqdm import tqdm

    bar = tqdm(total=total, unit="份", file=sys.stderr, dynamic_ncols=True, smoothing=0.1,
               desc="转换", bar_format="{desc} {percentage:3.0f}%|{bar}| {n}/{total} "
                                      "[{elapsed}<{remaining}，{rate_fmt}]")

    def show(*lines: str) -> None:
        for line in lines:
            bar.write(line, file=sys.stderr)
        bar.update(1)

    return show, bar.close


def cmd_template(args: argparse.Namespace) -> int:
    from .templates import build_templates, check_templates

    folder = Path(args.dir) if args.dir else None
    if args.check:
        drift = check_templates(folder)
        for line in drift:
            print(line, file=sys.stderr)
        if drift:
            print("模板与规范不一致，请运行 nianbao template build", file=sys.stderr)
            return 1
        print("模板与规范一致", file=sys.stderr)
        return 0
    for path in build_templates(folder):
        print(f"✓ {path}", file=sys.stderr)
    return 0


_VALIDATE_HELP = """\
按勾稽关系校验年报（统计表、依申请公开、复议诉讼等各表的加总关系，正文数字与表格是否一致）。

示例：
  nianbao validate 年报.xlsx
  nianbao validate 年报.xlsx --annotate             （把校验结果写进工作簿：校验结果表、标色、批注）
  nianbao validate 2022年报.xlsx --previous 2021年报.xlsx   （再核对上年结转数）
  nianbao validate 报告/*.txt --format json
  nianbao validate 年报.xlsx --accept 3f9a2c1b04 --reason "正文统计口径含结转申请"
                                                 （警告经核实无误：记入“已核实”表，数字不变就不再提示；
                                                   也可在“校验结果”表的“核实说明”列写明原因后再校验）

退出码：0 没有错误（可以有警告），1 发现错误，2 有文件读不了（包括没有读到任何表格数值的文件）。
"""
def _print_text(name: str, result: ValidationReport) -> None:
    counts = result.counts
    if not result.findings:
        print(f"✓ {name}：{result.summary()}")
        return
    mark = "✗" if counts["errors"] else "!"
    print(f"{mark} {name}：{result.count_text()}{result.accepted_note()}")
    for row in result.rows():
        print(f"  {row.text()}")


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import annotate_workbook, is_workbook, previous_year, read_for_validation, validate
    from .validate.accepted import accept

    if args.previous and len(args.files) > 1:
        print("nianbao: --previous 只能和一个年报文件一起使用", file=sys.stderr)
        return EXIT_UNREADABLE
    if args.accept and (len(args.files) > 1 or not is_workbook(Path(args.files[0]))):
        print("nianbao: --accept 只能和一个标准工作簿（.xlsx）一起使用：已核实的警告记在工作簿里",
              file=sys.stderr)
        return EXIT_UNREADABLE
    previous = register = None
    if args.previous:
        try:
            previous = read_for_validation(args.previous)
        except NianbaoError as exc:
            print(f"✗ {exc}", file=sys.stderr)
            return EXIT_UNREADABLE
        from .register import AgencyRegister

        register = AgencyRegister.open(args.register)
        if register.warning:
            print(f"! {register.warning}", file=sys.stderr)
    unreadable = errors = 0
    for name in args.files:
        source = Path(name)
        try:
            report = read_for_validation(source)
        except NianbaoError as exc:
            unreadable += 1
            print(f"✗ {exc}", file=sys.stderr)
            if args.format == "json":  # never silent, never valid: the reason, as data
                data: dict[str, object] = {"valid": False, "unreadable": getattr(exc, "reason", str(exc)),
                                           "findings": []}
                if len(args.files) > 1:
                    data = {"source": source.name, **data}
                sys.stdout.write(json.dumps(data, ensure_ascii=False, allow_nan=False) + "\n")
            continue
        last_year = None
        if previous is not None:
            last_year, notes = previous_year(report, previous, Path(args.previous).name, register,
                                             (os.path.abspath(source), os.path.abspath(args.previous)))
            for note in notes:
                print(note, file=sys.stderr)
        result = validate(report, last_year)
        if args.accept:
            try:
                result = accept(result, args.accept, args.reason or "")
            except NianbaoError as exc:
                print(f"✗ {source.name}：{exc}", file=sys.stderr)
                return EXIT_UNREADABLE
        errors += not result.valid
        if args.format == "json":
            data = result.to_json()
            if len(args.files) > 1:
                data = {"source": source.name, **data}
            sys.stdout.write(json.dumps(finite_json(data), ensure_ascii=False, allow_nan=False,
                                        indent=None if len(args.files) > 1 else 2) + "\n")
        else:
            _print_text(source.name, result)
        if args.annotate or args.accept:
            if not is_workbook(source):
                print(f"! {source.name}：只有标准工作簿（.xlsx）才能写入校验结果", file=sys.stderr)
                continue
            try:
                backup = annotate_workbook(source, result, marks=args.annotate)
            except (NianbaoError, OSError) as exc:
                unreadable += 1
                reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
                print(f"✗ {source}：无法写入校验结果（{reason}）", file=sys.stderr)
                continue
            note = f"（原文件已备份为 {backup.name}）" if backup else ""
            spec = load_spec()
            done = (f"已把校验结果写入 {source.name} 的“{spec.findings.sheet}”表" if args.annotate
                    else f"已把核实说明记入 {source.name} 的“{spec.sheets['accepted']}”表")
            print(f"✓ {done}{note}", file=sys.stderr)
    if register is not None:
        _save_register(register)
    if unreadable:
        return EXIT_UNREADABLE
    return 1 if errors else 0


def _save_register(register: AgencyRegister) -> None:
    """Write the agency register when this run saw something new (quietly: it is kept state,
    like a history file); say why when it could not be."""
    usable = register.usable
    register.save()
    if usable and register.warning:
        print(f"! {register.warning}", file=sys.stderr)


_CONSOLIDATE_HELP = """\
汇总各单位的年报工作簿：合计表（汇总）、各单位明细、校验结果、缺报与重复、同比、图表。

示例：
  nianbao consolidate 各单位/ -o 汇总.xlsx
  nianbao consolidate 各单位/ -o 汇总.xlsx --roster 名单.xlsx --previous 上年/
  nianbao consolidate 各单位/ -o 汇总.xlsx --to csv       （另存长表 汇总.csv，供分析）
  nianbao consolidate 各单位/ -o 汇总.xlsx --parent 本级年报.docx   （与本级年报逐项对比，见“本级对比”表）

输入可以是标准工作簿、文件夹，或 convert 能读的任何年报文件（现场转换）。读不了的文件列在“校验”表，
其余照常汇总。退出码：0 没有错误，1 有单位存在错误，2 有文件读不了。
"""


def _progress(done: int, total: int) -> None:
    """A progress bar on standard error, for long runs at a terminal."""
    if total < 50 or not sys.stderr.isatty():
        return
    filled = 30 * done // total
    end = "\n" if done == total else ""
    bar = "#" * filled + "." * (30 - filled)
    print(f"\r读取 [{bar}] {done}/{total}", end=end, file=sys.stderr, flush=True)


def _start_reading(args: argparse.Namespace) -> Reading | None:
    """Start reading the report files before the validator is imported (half a second of
    pandas and pandera, spent while the files are read). Not when a roster is given (it is
    checked before any report is read) or the output's folder cannot be written."""
    from .consolidate.reading import Reading, report_files

    output = Path(args.output)
    if args.roster is not None or not os.access(output.parent if output.parent.exists() else ".", os.W_OK):
        return None
    try:
        files = report_files(args.inputs, output)
    except (NianbaoError, OSError):
        return None  # said by consolidate, which looks again
    return Reading(files) if files else None


def cmd_consolidate(args: argparse.Namespace) -> int:
    reading = _start_reading(args)
    from .consolidate import consolidate, export_long

    try:
        result = consolidate(args.inputs, args.output, roster=args.roster, previous=args.previous,
                             progress=_progress, reading=reading, parent=args.parent,
                             register=args.register)
        exported = export_long(result, Path(args.output).with_suffix(f".{args.to}")) if args.to else None
    except NianbaoError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:  # the output cannot be written (a read-only folder, a full disk)
        print(f"✗ {args.output}：无法写出汇总（{os_reason(exc)}）", file=sys.stderr)
        return EXIT_UNREADABLE
    for path, reason in result.unreadable:
        print(f"✗ {path}：{reason}", file=sys.stderr)
    for path, reason in result.previous_unreadable:
        print(f"✗ 上年 {path}：{reason}", file=sys.stderr)
    note = f"（原文件已备份为 {result.backup.name}）" if result.backup else ""
    mark = "✗" if not result.complete else "!" if result.errors else "✓"  # ✓ only when nothing is wrong
    print(f"{mark} {result.output}：汇总 {result.departments} 个单位，"
          f"错误 {result.errors} 个，警告 {result.warnings} 个{note}", file=sys.stderr)
    if result.other_year:  # the reports left out, counted where the user looks first
        from .consolidate.sheets import other_years_note

        sheet = load_spec().consolidated.sheets["roster"]
        print(f"! {other_years_note(result)}，未计入 {result.year} 年度汇总（见“{sheet}”表）",
              file=sys.stderr)
    if result.unreadable:
        print(f"✗ 汇总不完整：{len(result.unreadable)} 个文件无法读取，未计入汇总："
              f"{'、'.join(p.name for p, _ in result.unreadable)}", file=sys.stderr)
    if result.previous_unreadable:
        print(f"✗ 同比不完整：{len(result.previous_unreadable)} 个上年文件无法读取："
              f"{'、'.join(p.name for p, _ in result.previous_unreadable)}", file=sys.stderr)
    if result.roster is not None:
        print(f"  缺报 {len(result.missing)} 个：{'、'.join(result.missing) or '无'}", file=sys.stderr)
    for dup in result.duplicates:
        copies = len(dup.dropped) + 1
        print(f"  重复报送：{dup.agency}（{copies} 份，采用 {dup.kept.path.name}）", file=sys.stderr)
    for d in result.members:
        if d.previous_match:
            print(f"  上年报告：{d.previous_match}", file=sys.stderr)
    if result.parent is not None:
        _print_parent(result)
    if result.register is not None and result.register.warning:
        print(f"! {result.register.warning}", file=sys.stderr)
    if exported:
        print(f"✓ {exported}", file=sys.stderr)
    if not result.complete:
        return EXIT_UNREADABLE
    return 1 if result.errors else 0


def _print_parent(result: Consolidation) -> None:
    """The comparison with the parent's own report, in one line (! when it states fewer)."""
    parent = result.parent
    if parent is None:
        return
    for path, why in parent.left_out:
        print(f"  {path}：{why}", file=sys.stderr)
    sheet = load_spec().consolidated.sheets["parent"]
    mark = "!" if parent.fewer or parent.not_compared else " "
    print(f"{mark} {parent.path.name}：{parent.headline(sheet)}", file=sys.stderr)
    for finding in parent.findings:
        print(f"    {finding.message}", file=sys.stderr)


_REPORT_HELP = """\
由标准工作簿（或汇总工作簿）生成对外公开的年度报告：Word（.docx）或网页（.html）。
六个部分按官方格式模板排列，表格（二、三、四，或统计表）的合并表头与官方模板一致，正文取自“文字内容”表。

示例：
  nianbao report 年报.xlsx -o 年报.docx
  nianbao report 年报.xlsx -o 年报.html                 （网页：表格用 rowspan/colspan，无脚本）
  nianbao report 年报.xlsx -o 年报.docx --template 本单位模板.docx
  nianbao report 汇总.xlsx -o 汇总报告.docx              （汇总工作簿：各表为合计数）

工作簿校验有错误时不生成（退出码 1），加 --force 仍然生成。已存在的输出文件先改名为 *.bak.docx 保留。
退出码：0 已生成，1 校验有错误未生成，2 工作簿读不了或报告写不出。
"""


def cmd_report(args: argparse.Namespace) -> int:
    from .publish import NotPublishable, publish_workbook

    source = Path(args.workbook)
    output = Path(args.output) if args.output else source.with_suffix(".docx")
    try:
        done = publish_workbook(source, output, template=args.template, force=args.force)
    except NotPublishable as exc:
        print(f"✗ {exc}", file=sys.stderr)
        if exc.validation is None:
            return EXIT_UNREADABLE
        for row in exc.validation.rows():
            print(f"  {row.text()}", file=sys.stderr)
        return 1
    except NianbaoError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except OSError as exc:
        print(f"✗ {output}：无法写出报告（{os_reason(exc)}）", file=sys.stderr)
        return EXIT_UNREADABLE
    note = f"（原文件已备份为 {done.backup.name}）" if done.backup else ""
    checked = done.validation.summary()
    if not done.validation.valid:
        checked += "，按 --force 照原样生成"
    print(f"✓ {done.output}{note}：校验{checked}", file=sys.stderr)
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from .validate.rulesdoc import check_rules_page, rules_markdown, rules_page_path

    path = Path(args.output) if args.output else rules_page_path()
    if args.check:
        if check_rules_page(path):
            print("规则说明与规范一致", file=sys.stderr)
            return 0
        print(f"{path} 与规范不一致，请运行 nianbao rules build", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rules_markdown(), encoding="utf-8")
    print(f"✓ {path}", file=sys.stderr)
    return 0


_ADDIN_HELP = """\
Excel 加载项 nianbao.xlam：功能区“年报”选项卡（导入报告、新建空白年报、校验、清除标记、汇总、关于）。
需要先安装加载项所用的软件包：pip install "nianbao[addin]"

示例：
  nianbao addin build                       （生成 build/nianbao.xlam，不需要 Excel）
  nianbao addin install                     （生成并安装到 Excel 的启动文件夹，写入加载项配置）
  nianbao addin install --dir 文件夹         （只复制到指定文件夹，再在 Excel 中手工加载）
"""


def cmd_addin(args: argparse.Namespace) -> int:
    from .addin import config_path
    from .addin.build import build_addin, install_addin, trust_advice

    try:
        if args.action == "build":
            print(f"✓ {build_addin(args.output)}", file=sys.stderr)
            return 0
        # built beside the add-in's config, so that a manual install has a file that stays
        xlam = Path(args.xlam) if args.xlam else build_addin(config_path().with_suffix(".xlam"))
        installed, messages = install_addin(xlam, args.dir)
    except NianbaoError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    for line in messages:
        print(line, file=sys.stderr)
    print(trust_advice(installed), file=sys.stderr)
    return 0 if installed else 1


_REGISTER_HELP = ("单位名录（CSV，记录各单位历年用过的名称；可在 Excel 中补填曾用名，"
                  "按同一单位匹配上年报告）。"
                  "默认为环境变量 NIANBAO_REGISTER 所指的文件，否则为本机用户数据文件夹中的 单位名录.csv")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="政府信息公开工作年度报告：转换为标准 Excel 工作簿、规范 JSON，并按勾稽关系校验。",
    )
    parser.add_argument("--version", action="version", version=f"nianbao {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="命令", required=True)

    convert = sub.add_parser(
        "convert", help="把年报文件转换为标准工作簿或 JSON",
        description=_CONVERT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    convert.add_argument("files", nargs="+", metavar="FILE",
                         help="年报文件（网页 .html、Word .docx/.doc/.wps/.rtf、PDF、纯文本 .txt），"
                              "或标准工作簿（.xlsx）")
    convert.add_argument("-o", "--output", metavar="OUT",
                         help="输出：文件夹，或（只有一个输入时）文件名；- 表示输出到屏幕（仅 JSON）。"
                              "默认为当前文件夹")
    convert.add_argument("--to", choices=("xlsx", "json"), default="xlsx",
                         help="输出格式：xlsx 标准工作簿（默认），json 规范 JSON")
    convert.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                         help=f"同时转换的进程数（默认为处理器核数，本机 {os.cpu_count()} 个）")
    convert.add_argument("--manifest", action=argparse.BooleanOptionalAction, default=None,
                         help="在输出文件夹里记录清单 manifest.csv / manifest.jsonl（来源、哈希、状态、原因、"
                              "单位、年度、输出、校验错误和警告数……），输出文件按“单位_年度”命名；"
                              "再次运行时跳过内容和版本都未变的文件，中断后接着转换。转换文件夹或多个文件时默认记录，"
                              "--no-manifest 不记录")
    convert.add_argument("--force", action="store_true", help="与 --manifest 一起：未改动的文件也重新转换")
    convert.add_argument("--names", choices=("source", "agency"),
                         help="输出文件名：source 源文件名，agency “单位_年度”（有 --manifest 时默认）")
    convert.add_argument("--mirror", action="store_true", help="输出文件夹保留输入文件夹的子文件夹结构")
    convert.add_argument("--dataset", metavar="DIR",
                         help="同时把每份年报写入分析用的 Parquet 数据集（按年度分区，长表及校验结果）")
    convert.add_argument("--engine", choices=("local", "dask"), default="local",
                         help="local 本机进程池（默认）；dask 在 dask.distributed 集群上转换"
                              '（先 pip install "nianbao[dask]"）')
    convert.add_argument("--scheduler", metavar="ADDRESS",
                         help="dask 调度器的地址（如 tcp://10.0.0.5:8786，即 --engine dask）；"
                              "不给则在本机启动 LocalCluster")
    convert.set_defaults(func=cmd_convert)

    validate = sub.add_parser(
        "validate", help="按勾稽关系校验年报，列出错误和警告",
        description=_VALIDATE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("files", nargs="+", metavar="SRC",
                          help="年报文件（convert 能读的任何文件），或标准工作簿（.xlsx）")
    validate.add_argument("--format", choices=("text", "json"), default="text",
                          help="输出格式：text 中文说明（默认），json 校验结果 JSON")
    validate.add_argument("--previous", metavar="LAST_YEAR",
                          help="上一年度的年报或工作簿：再核对上年结转数、现行有效件数")
    validate.add_argument("--annotate", action="store_true",
                          help="把校验结果写进工作簿（校验结果表、出错单元格标色并加批注）；"
                               "原文件先备份为 *.bak.xlsx")
    validate.add_argument("--accept", action="append", metavar="ID",
                          help="把编号为 ID 的警告标为已核实（可重复；编号见输出），记在工作簿的“已核实”表，"
                               "数字不变就不再提示；须与 --reason 同用")
    validate.add_argument("--reason", metavar="原因", help="--accept 的核实说明")
    validate.add_argument("--register", metavar="FILE", help=_REGISTER_HELP)
    validate.set_defaults(func=cmd_validate)

    consolidate = sub.add_parser(
        "consolidate", help="汇总各单位的年报：合计、明细、校验、缺报与重复、同比",
        description=_CONSOLIDATE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    consolidate.add_argument("inputs", nargs="+", metavar="INPUT",
                             help="各单位的标准工作簿或年报文件，或存放它们的文件夹")
    consolidate.add_argument("-o", "--output", required=True, metavar="汇总.xlsx", help="汇总工作簿")
    consolidate.add_argument("--roster", metavar="ROSTER",
                             help="应报单位名单（.xlsx 或 .csv），用于列出缺报单位")
    consolidate.add_argument("--previous", metavar="DIR",
                             help="上一年度各单位的工作簿（文件夹），用于同比和跨年度核对")
    consolidate.add_argument("--parent", metavar="本级年报",
                             help="本级（区、市）自己公开的年报（convert 能读的任何格式），"
                                  "与各单位合计逐项对比")
    consolidate.add_argument("--register", metavar="FILE", help=_REGISTER_HELP)
    consolidate.add_argument("--to", choices=("csv", "parquet"),
                             help="另存长表（单位、年度、版本、表、行、列、数值、是否空白），与汇总工作簿同名")
    consolidate.set_defaults(func=cmd_consolidate)

    report = sub.add_parser(
        "report", help="由工作簿生成对外公开的年度报告（Word 或网页）",
        description=_REPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    report.add_argument("workbook", metavar="WORKBOOK", help="标准工作簿，或 consolidate 生成的汇总工作簿")
    report.add_argument("-o", "--output", metavar="年报.docx",
                        help="输出文件：.docx（Word）或 .html（网页）；默认为工作簿旁的同名 .docx")
    report.add_argument("--template", metavar="our.docx",
                        help="本单位的 Word 模板：沿用其页面设置、页眉页脚和同名样式（仅用于 .docx）")
    report.add_argument("--force", action="store_true", help="校验有错误时仍然生成")
    report.set_defaults(func=cmd_report)

    rules = sub.add_parser("rules", help="校验规则说明（docs/rules.md，由规范生成）")
    rules_sub = rules.add_subparsers(dest="action", metavar="操作", required=True)
    rules_build = rules_sub.add_parser("build", help="由规范重新生成 docs/rules.md")
    rules_build.add_argument("-o", "--output", help="输出文件（默认为项目的 docs/rules.md）")
    rules_build.add_argument("--check", action="store_true", help="只检查是否与规范一致，不写文件")
    rules_build.set_defaults(func=cmd_rules)

    addin = sub.add_parser("addin", help="Excel 加载项 nianbao.xlam：生成、安装",
                           description=_ADDIN_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    addin_sub = addin.add_subparsers(dest="action", metavar="操作", required=True)
    addin_build = addin_sub.add_parser(
        "build", help='由宏源文件和已安装的 xlwings 生成 nianbao.xlam（先 pip install "nianbao[addin]"）')
    addin_build.add_argument("-o", "--output", default="build/nianbao.xlam",
                             help="输出文件（默认 build/nianbao.xlam）")
    addin_build.set_defaults(func=cmd_addin)
    addin_install = addin_sub.add_parser("install", help="安装 nianbao.xlam，并让它使用当前的 Python")
    addin_install.add_argument("--xlam", help="已生成的 nianbao.xlam（默认现场生成）")
    addin_install.add_argument("--dir", help="只复制到这个文件夹（默认经 xlwings 装入 Excel 的启动文件夹）")
    addin_install.set_defaults(func=cmd_addin)

    template = sub.add_parser("template", help="标准工作簿模板（由规范生成）")
    template_sub = template.add_subparsers(dest="action", metavar="操作", required=True)
    build = template_sub.add_parser("build", help="由规范重新生成 xlsx_templates/ 下的空白模板")
    build.add_argument("--dir", help="模板文件夹（默认为项目的 xlsx_templates/）")
    build.add_argument("--check", action="store_true", help="只检查模板是否与规范一致，不写文件")
    build.set_defaults(func=cmd_template)
    return parser


EXIT_INTERRUPTED = 130


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM (a job scheduler, ``kill``) stops the run like Ctrl-C: unwinding, so that a
    file being saved keeps its previous version and leaves no temporary file."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nianbao`` console script."""
    args = build_parser().parse_args(argv)
    handling = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminated) if handling else None
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("nianbao：已中断；已完成的文件保留，正在写的文件未改动", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if handling:
            signal.signal(signal.SIGTERM, previous)


def run() -> None:
    """The ``nianbao`` console script: ``main``, then the process ends at once, without the
    interpreter's teardown (unloading pandas and pandera, freeing a thousand reports one by
    one: a tenth of a second and more after a large consolidation, with nothing left to do).
    Every output is written and closed by then (files are saved atomically, pools and clusters
    shut down in ``finally``); the two streams are flushed here."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (nianbao … | head): nothing more to say
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
