"""The ``nianbao`` command: a thin shell over the library."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .api import read_report, report_json, save_atomically, save_workbook
from .errors import NianbaoError
from .model import Report

EXIT_UNREADABLE = 2

_CONVERT_HELP = """\
把年报文件转换成标准 Excel 工作簿（每个文件一个 .xlsx），或规范 JSON。

示例：
  nianbao convert 年报.txt -o 年报.xlsx
  nianbao convert 报告/*.txt -o 输出文件夹
  nianbao convert 年报.txt --to json -o -        （JSON 输出到屏幕）

读不了的文件会说明是哪个文件、什么原因，其余文件照常转换；只要有文件失败，退出码为 2。
已存在的输出文件不会被直接覆盖：旧文件先改名为 *.bak.xlsx 保留。
"""


def _summary(report: Report) -> str:
    meta = report.meta
    edition = {"2021": "2021年版", "2019": "2019年版", "legacy": "统计表（2018年及以前）"}.get(
        meta.edition or "", meta.edition or "")
    if report.legacy is not None:
        filled = sum(1 for r in report.legacy if r.value is not None)
        total = len(report.legacy)
    else:
        cells = [c for _, _, _, c in report.cells()]
        filled = sum(1 for c in cells if c.value is not None)
        total = len(cells)
    parts = [
        f"{meta.agency or '（未识别单位）'}",
        f"{meta.year or '？'}年",
        edition,
        f"已填 {filled}/{total} 格",
    ]
    if report.unmapped:
        parts.append(f"未归位 {len(report.unmapped)} 处")
    missing = report.missing_tables()
    if missing:
        titles = "、".join(report.edition_spec().table(k).title.split("、")[0] for k in missing)
        parts.append(f"缺少表格 {titles}")
    return "，".join(parts)


def _output_for(stem: str, out: str | None, many: bool, suffix: str) -> Path | None:
    """Where one input's result goes; None means standard output."""
    if out == "-":
        return None
    if out is None:
        return Path.cwd() / f"{stem}{suffix}"
    target = Path(out)
    if many or target.is_dir() or not target.suffix:
        return target / f"{stem}{suffix}"
    return target


def cmd_convert(args: argparse.Namespace) -> int:
    many = len(args.files) > 1
    if args.output == "-" and args.to != "json":
        print("nianbao: 只有 --to json 能输出到屏幕（-o -）", file=sys.stderr)
        return EXIT_UNREADABLE
    failed = 0
    suffix = ".json" if args.to == "json" else ".xlsx"
    stems = [Path(name).stem for name in args.files]
    for name in args.files:
        source = Path(name)
        # 年报.doc and 年报.pdf in one batch: name the results 年报.doc.xlsx and 年报.pdf.xlsx
        stem = source.name if stems.count(source.stem) > 1 else source.stem
        try:
            report = read_report(source)
            target = _output_for(stem, args.output, many, suffix)
            if target is None:
                sys.stdout.write(report_json(report, indent=None if many else 2) + "\n")
                backup = None
            elif args.to == "json":
                text = report_json(report) + "\n"
                backup = save_atomically(target, lambda tmp, text=text: tmp.write_text(text, "utf-8"))
            else:
                backup = save_workbook(report, target)
        except NianbaoError as exc:
            failed += 1
            print(f"✗ {exc}", file=sys.stderr)
            continue
        except OSError as exc:
            failed += 1
            print(f"✗ {source}：无法写出结果（{exc.strerror or exc}）", file=sys.stderr)
            continue
        where = "屏幕" if target is None else str(target)
        note = f"（原文件已备份为 {backup.name}）" if backup else ""
        print(f"✓ {source.name} → {where}：{_summary(report)}{note}", file=sys.stderr)
    if many:
        print(f"共 {len(args.files)} 个文件：成功 {len(args.files) - failed}，失败 {failed}",
              file=sys.stderr)
    return EXIT_UNREADABLE if failed else 0


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nianbao",
        description="政府信息公开工作年度报告：转换为标准 Excel 工作簿、规范 JSON。",
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
    convert.set_defaults(func=cmd_convert)

    template = sub.add_parser("template", help="标准工作簿模板（由规范生成）")
    template_sub = template.add_subparsers(dest="action", metavar="操作", required=True)
    build = template_sub.add_parser("build", help="由规范重新生成 xlsx_templates/ 下的空白模板")
    build.add_argument("--dir", help="模板文件夹（默认为项目的 xlsx_templates/）")
    build.add_argument("--check", action="store_true", help="只检查模板是否与规范一致，不写文件")
    build.set_defaults(func=cmd_template)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``nianbao`` console script."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
