#!/usr/bin/env python3
"""Tables and the overhead chart from the last `cargo bench` run.

Usage (from the repository root, after `cargo bench`):

    python3 scripts/bench-report.py [--target-dir target] [--svg docs/bench-overhead.svg]

Reads criterion's `<target>/criterion/<group>/<bench>/new/estimates.json`
(the median of the per-iteration times) and `<target>/criterion/scale_memory.json`
(written by benches/scale.rs), prints the tables of BENCHMARKS.md as Markdown,
and writes the overhead chart as an SVG. Standard library only.
"""

import argparse
import json
import math
import pathlib
import sys

# The variants of benches/overhead.rs, in the order they are shown.
OVERHEAD_IDS = [
    ("direct", "direct sync call (blocks the worker)"),
    ("spawn_blocking", "hand-written spawn_blocking"),
    ("twin_handle", "twin on Handle"),
    ("twin_handle_limited", "twin on Handle::with_limit(_, 64)"),
    ("twin_clone", "twin on a Clone client"),
    ("twin_exclusive", "twin on Exclusive"),
    ("twin_exclusive_contended", "twin on Exclusive, 4 tasks at once"),
    ("blocking_unblock", "blocking::unblock"),
    ("dedicated_thread", "dedicated thread + channel"),
    ("twin_dedicated", "twin on Dedicated"),
]
RUNTIMES = [("multi_thread", "multi-thread"), ("current_thread", "current-thread")]
# (bench id, calls, pool threads, per-handle limit or None), as in benches/scale.rs.
SCALE_CONFIGS = [
    ("1000_calls_default_pool", 1000, 512, None),
    ("1000_calls_max_64_threads", 1000, 64, None),
    ("1000_calls_handle_limit_64", 1000, 512, 64),
    ("10000_calls_default_pool", 10000, 512, None),
    ("10000_calls_max_64_threads", 10000, 64, None),
    ("10000_calls_handle_limit_64", 10000, 512, 64),
]
EXPAND_METHODS = [100, 600, 1000]


def estimate(criterion, *path):
    """Median time per iteration in ns, or None if that bench did not run."""
    file = criterion.joinpath(*path, "new", "estimates.json")
    if not file.exists():
        return None
    return json.loads(file.read_text())["median"]["point_estimate"]


def fmt_time(ns):
    if ns is None:
        return "not run"
    if ns >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.1f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"


def opt_ratio(row, key):
    """A ratio of overhead_paired.json, or a dash if that run did not write it."""
    return f"{row[key]:.3f}" if key in row else "—"


def ratio(a, b):
    if a is None or b is None:
        return "—"
    return f"{a / b:.3f}"


def overhead_table(criterion):
    data = {}
    lines = [
        "| variant | multi-thread | ÷ spawn_blocking | current-thread | ÷ spawn_blocking |",
        "|---|---:|---:|---:|---:|",
    ]
    for rt, _ in RUNTIMES:
        for bench, _ in OVERHEAD_IDS:
            data[rt, bench] = estimate(criterion, f"overhead_{rt}", bench)
    for bench, label in OVERHEAD_IDS:
        cells = [f"`{bench}`: {label}"]
        for rt, _ in RUNTIMES:
            value = data[rt, bench]
            cells += [fmt_time(value), ratio(value, data[rt, "spawn_blocking"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines), data


def experiment_table(criterion):
    serial = estimate(criterion, "experiment_20x100ms", "serial")
    concurrent = estimate(criterion, "experiment_20x100ms", "concurrent")
    speedup = f"{serial / concurrent:.1f}x" if serial and concurrent else "—"
    return "\n".join(
        [
            "| 20 calls of 100 ms | one after another | concurrently | speed-up |",
            "|---|---:|---:|---:|",
            f"| asyncify twins on a `Handle` (measured) | {fmt_time(serial)} | "
            f"{fmt_time(concurrent)} | {speedup} |",
            "| ideal | 2.00 s | 100.0 ms | 20.0x |",
        ]
    )


def scale_table(criterion, target):
    memory = {}
    memory_file = target / "criterion" / "scale_memory.json"
    if memory_file.exists():
        memory = {row["id"]: row for row in json.loads(memory_file.read_text())}
    lines = [
        "| calls x 10 ms | pool threads | per-handle limit | ideal | warm wall time (criterion) "
        "| ÷ ideal | cold wall time | peak RSS before → after (VmHWM) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for bench, calls, threads, limit in SCALE_CONFIGS:
        parallel = min(threads, limit) if limit else threads
        ideal_ns = math.ceil(calls / parallel) * 10e6
        warm = estimate(criterion, "scale_10ms", bench)
        row = memory.get(bench)
        if row:
            cold = f"{row['cold_wall_ms']:.0f} ms"
            rss = (
                f"{row['vm_hwm_kib_before'] / 1024:.1f} → "
                f"{row['vm_hwm_kib_after'] / 1024:.1f} MiB"
            )
        else:
            cold = rss = "not run"
        pool = f"{threads} (default)" if threads == 512 else f"{threads} (`max_blocking_threads`)"
        handle = f"{limit} (`Handle::with_limit`)" if limit else "none"
        lines.append(
            f"| {calls:,} | {pool} | {handle} | {fmt_time(ideal_ns)} | {fmt_time(warm)} | "
            f"{ratio(warm, ideal_ns)} | {cold} | {rss} |"
        )
    return "\n".join(lines)


def expand_table(criterion):
    lines = ["| methods in the impl | expansion time | per method |", "|---:|---:|---:|"]
    for methods in EXPAND_METHODS:
        value = estimate(criterion, "expand", "methods", str(methods))
        per = fmt_time(value / methods) if value else "—"
        lines.append(f"| {methods:,} | {fmt_time(value)} | {per} |")
    return "\n".join(lines)


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def overhead_svg(data, paired):
    """A horizontal grouped bar chart: µs per call, one bar per runtime."""
    colors = {"multi_thread": "#3b6ea5", "current_thread": "#e08a2c"}
    rows = [(bench, label) for bench, label in OVERHEAD_IDS if any(data[rt, bench] for rt, _ in RUNTIMES)]
    values = [data[rt, bench] for bench, _ in rows for rt, _ in RUNTIMES if data[rt, bench]]
    top = max(values) / 1e3 if values else 1.0
    step = 10 ** math.floor(math.log10(top)) if top > 0 else 1
    for m in (1, 2, 5, 10):
        if top / (step * m) <= 6:
            step *= m
            break
    axis_max = math.ceil(top / step) * step

    left, width, bar, gap, head = 300, 420, 13, 12, 94
    height = head + len(rows) * (2 * bar + gap) + 40
    x = lambda us: left + width * us / axis_max  # noqa: E731
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 110}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="10" y="20" font-size="15" font-weight="bold">Per-call overhead of a trivial '
        "blocking call awaited from a task</text>",
        f'<text x="10" y="38" fill="#555">median µs per call (lower is better), '
        "cargo bench -p tests --bench overhead; a shared, busy 2-core machine: see BENCHMARKS.md</text>",
    ]
    if paired:
        names = dict(RUNTIMES)
        for line, row in enumerate(paired):
            text = (
                f"paired, {names[row['runtime']]}: twin ÷ spawn_blocking: "
                f"Handle {row['twin_handle_ratio']:.3f}, Clone {row['twin_clone_ratio']:.3f}"
            )
            if "twin_handle_limited_ratio" in row:
                text += f", with_limit {row['twin_handle_limited_ratio']:.3f}"
            if "twin_dedicated_ratio" in row:
                text += f"; Dedicated ÷ dedicated thread {row['twin_dedicated_ratio']:.3f}"
            out.append(f'<text x="10" y="{56 + 18 * line}" fill="#555">{escape(text)}</text>')
    tick = 0.0
    while tick <= axis_max + 1e-9:
        out.append(
            f'<line x1="{x(tick):.1f}" y1="{head - 6}" x2="{x(tick):.1f}" y2="{height - 34}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{x(tick):.1f}" y="{height - 20}" text-anchor="middle" fill="#555">{tick:g}</text>'
        )
        tick += step
    y = head
    for bench, label in rows:
        out.append(
            f'<text x="{left - 8}" y="{y + bar + 4}" text-anchor="end">{escape(label)}</text>'
        )
        for rt, _ in RUNTIMES:
            value = data[rt, bench]
            if value is not None:
                us = value / 1e3
                out.append(
                    f'<rect x="{left}" y="{y}" width="{max(x(us) - left, 1):.1f}" height="{bar - 1}" '
                    f'fill="{colors[rt]}"/>'
                )
                out.append(
                    f'<text x="{x(us) + 4:.1f}" y="{y + bar - 3}" fill="#333">{us:.2f}</text>'
                )
            y += bar
        y += gap
    legend_x = left
    for rt, name in RUNTIMES:
        out.append(f'<rect x="{legend_x}" y="{height - 12}" width="10" height="10" fill="{colors[rt]}"/>')
        out.append(f'<text x="{legend_x + 14}" y="{height - 3}">{name} runtime</text>')
        legend_x += 150
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target-dir", default="target", type=pathlib.Path)
    parser.add_argument("--svg", default="docs/bench-overhead.svg", type=pathlib.Path)
    args = parser.parse_args()
    criterion = args.target_dir / "criterion"
    if not criterion.is_dir():
        sys.exit(f"{criterion} does not exist: run `cargo bench` first")

    table, data = overhead_table(criterion)
    print("## Per-call overhead (median per call)\n")
    print(table)
    paired_file = criterion / "overhead_paired.json"
    paired = json.loads(paired_file.read_text()) if paired_file.exists() else []
    if paired:
        print("\n## Twin ÷ hand-written equivalent, paired (median of per-round ratios)\n")
        print(
            "| runtime | spawn_blocking per call | twin on Handle ÷ | twin on a Clone client ÷ "
            "| twin on Exclusive ÷ | twin on Handle::with_limit ÷ "
            "| dedicated thread + channel per call | twin on Dedicated ÷ dedicated thread |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        names = dict(RUNTIMES)
        for row in paired:
            print(
                f"| {names[row['runtime']]} | {fmt_time(row['spawn_blocking_median_ns'])} | "
                f"{row['twin_handle_ratio']:.3f} | {row['twin_clone_ratio']:.3f} | "
                f"{row['twin_exclusive_ratio']:.3f} | {opt_ratio(row, 'twin_handle_limited_ratio')} | "
                f"{fmt_time(row.get('dedicated_thread_median_ns'))} | "
                f"{opt_ratio(row, 'twin_dedicated_ratio')} |"
            )
    if paired and any("hooked_handle_ratio" in row for row in paired):
        print("\n## With a cancel hook installed but unused, ÷ the same twin without one (paired)\n")
        print(
            "| runtime | Handle | Handle::with_limit | Exclusive | Dedicated |"
        )
        print("|---|---:|---:|---:|---:|")
        for row in paired:
            print(
                f"| {names[row['runtime']]} | {opt_ratio(row, 'hooked_handle_ratio')} | "
                f"{opt_ratio(row, 'hooked_handle_limited_ratio')} | "
                f"{opt_ratio(row, 'hooked_exclusive_ratio')} | "
                f"{opt_ratio(row, 'hooked_dedicated_ratio')} |"
            )
    if paired and any("twin_pool_ratio" in row for row in paired):
        print("\n## Twin on a Pool (paired)\n")
        print("| runtime | ÷ spawn_blocking | ÷ twin on Exclusive |")
        print("|---|---:|---:|")
        for row in paired:
            print(
                f"| {names[row['runtime']]} | {opt_ratio(row, 'twin_pool_ratio')} | "
                f"{opt_ratio(row, 'twin_pool_vs_exclusive_ratio')} |"
            )
    turns_file = criterion / "turns_paired.json"
    if turns_file.exists():
        print("\n## Calls that take turns, paired (twin ÷ hand-written, median of per-round ratios)\n")
        print(
            "| runtime | calls | mutex + spawn_blocking per call | twin on Exclusive ÷ "
            "| dedicated thread per call | twin on Dedicated ÷ |"
        )
        print("|---|---|---:|---:|---:|---:|")
        for row in json.loads(turns_file.read_text()):
            calls = "one task" if row["tasks"] == 1 else f"{row['tasks']} tasks at once"
            print(
                f"| {dict(RUNTIMES)[row['runtime']]} | {calls} | "
                f"{fmt_time(row['mutex_spawn_blocking_ns'])} | {row['twin_exclusive_ratio']:.3f} | "
                f"{fmt_time(row['dedicated_thread_ns'])} | {row['twin_dedicated_ratio']:.3f} |"
            )
    print("\n## The original experiment\n")
    print(experiment_table(criterion))
    print("\n## Scale\n")
    print(scale_table(criterion, args.target_dir))
    print("\n## Expansion time\n")
    print(expand_table(criterion))

    args.svg.parent.mkdir(parents=True, exist_ok=True)
    args.svg.write_text(overhead_svg(data, paired), encoding="utf-8")
    print(f"\nchart written to {args.svg}", file=sys.stderr)


if __name__ == "__main__":
    main()
