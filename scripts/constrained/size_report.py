#!/usr/bin/python3
"""Flash and RAM of the Cortex-M55 image (examples/mcu_bare), from arm-none-eabi-size and the link map.

    scripts/constrained/size_report.py <mcu build dir | image.elf> [--log qemu_output.txt] [--check] [--top N]

Flash: network weights (the .weights output section: int8 filters + per-channel bias/multipliers),
code (.vectors/.text: ours vs libc/libgcc), other read-only data (embedded input, layer constants).
RAM: the arena (.arena = Net::arena_bytes), the stack (reserved; used, from the image's "stack_used:"
line in a QEMU log), .data/.bss (output buffers, fault stack, ...).

--check exits 1 when a FaceMesh int8 image misses the issue #8 targets (weights <= 700 KiB, arena <= 600 KiB,
code <= 64 KiB). Only the standard library is used.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys

KIB = 1024.0
TARGETS_KIB = {"weights": 700, "arena": 600, "code": 64}
# ST's published figures for FaceMesh int8 on STM32N6 (Neural-ART NPU): RAM, weight flash, latency.
STM32N6 = {"ram_kib": 1739.5, "weights_kib": 3246, "latency_ms": 20.5}


def tool(name):
    for candidate in ("arm-none-eabi-" + name, name):
        path = shutil.which(candidate)
        if path:
            return path
    sys.exit(f"size_report: {name} not found (install gcc-arm-none-eabi / binutils)")


def section_sizes(elf):
    out = subprocess.run([tool("size"), "-A", "-d", elf], check=True, capture_output=True, text=True).stdout
    sizes = {}
    for line in out.splitlines():
        m = re.match(r"^(\.\S+)\s+(\d+)\s+(\d+)\s*$", line)
        if m:
            sizes[m.group(1)] = int(m.group(2))
    return sizes


def parse_map(path):
    """Input sections as (output_section, input_section_name, size, file), from a GNU ld map."""
    entries = []
    out_sec = None
    pending = None
    in_memory_map = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("Linker script and memory map"):
                in_memory_map = True
                continue
            if not in_memory_map:
                continue
            m = re.match(r"^(\.\S+|/DISCARD/)(\s+0x[0-9a-f]+\s+0x[0-9a-f]+)?\s*$", line)
            if m and not line.startswith(" "):
                out_sec = m.group(1)
                pending = None
                continue
            m = re.match(r"^ (\.\S+|COMMON)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.+)$", line)
            if m:
                entries.append((out_sec, m.group(1), int(m.group(3), 16), m.group(4)))
                pending = None
                continue
            m = re.match(r"^ (\.\S+|COMMON)\s*$", line)
            if m:
                pending = m.group(1)
                continue
            m = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.+)$", line)
            if m and pending:
                entries.append((out_sec, pending, int(m.group(2), 16), m.group(3)))
                pending = None
                continue
            pending = None
    return entries


def demangle(names):
    cxxfilt = shutil.which("arm-none-eabi-c++filt") or shutil.which("c++filt")
    if not cxxfilt or not names:
        return {n: n for n in names}
    out = subprocess.run([cxxfilt], input="\n".join(names), check=True, capture_output=True, text=True).stdout
    return dict(zip(names, out.splitlines()))


def symbol_of(input_section):
    for prefix in (".text.startup.", ".text.unlikely.", ".text.hot.", ".rodata.", ".text.", ".bss.", ".data."):
        if input_section.startswith(prefix):
            name = input_section[len(prefix):]
            if re.fullmatch(r"str1\.\d+", name):
                return "(string literals)"
            return re.sub(r"\.str1\.\d+$", "", name)
    return input_section


def is_library(path):
    return ".a(" in path or "/lib/gcc/" in path or "/arm-none-eabi/lib/" in path


def in_facenn(raw, pretty):
    """A symbol of namespace facenn (kernels, layers, graph): the library itself, not the example."""
    return bool(re.match(r"_ZN(K)?6facenn", raw)) or bool(re.match(r"^(\S+ )?facenn::", pretty))


def short(text, width=88):
    return text if len(text) <= width else text[: width - 3] + "..."


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", help="the mcu_bare build directory, or its image.elf")
    ap.add_argument("--map", help="link map (default: image.map next to the ELF)")
    ap.add_argument("--log", help="QEMU output of the image (for the stack high-water mark)")
    ap.add_argument("--check", action="store_true", help="fail if a FaceMesh image misses the targets")
    ap.add_argument("--top", type=int, default=8, help="largest contributors listed per area")
    args = ap.parse_args()

    elf = os.path.join(args.path, "image.elf") if os.path.isdir(args.path) else args.path
    mapfile = args.map or os.path.join(os.path.dirname(elf), "image.map")
    build_dir = os.path.dirname(elf)
    log = args.log
    if log is None:
        for candidate in (os.path.join(build_dir, "qemu_output.txt"), os.path.join(build_dir, "..", "qemu_output.txt")):
            if os.path.exists(candidate):
                log = candidate
                break
    model = "unknown"
    if os.path.exists(os.path.join(build_dir, "model.txt")):
        with open(os.path.join(build_dir, "model.txt")) as f:
            model = f.read().strip()

    sizes = section_sizes(elf)
    entries = parse_map(mapfile)
    names = sorted({symbol_of(e[1]) for e in entries})
    pretty = demangle(names)

    def area(out_secs):
        return [e for e in entries if e[0] in out_secs and e[2] > 0]

    weights = area({".weights"})
    code = area({".vectors", ".text", ".ARM.exidx"})
    rodata = area({".rodata", ".init_array"})
    ramdata = area({".data", ".bss"})

    int8_filters = sum(e[2] for e in weights if "kInt8Blob" in e[1])
    weights_total = sizes.get(".weights", 0)
    code_total = sizes.get(".vectors", 0) + sizes.get(".text", 0) + sizes.get(".ARM.exidx", 0)
    code_lib = sum(e[2] for e in code if is_library(e[3]))
    code_facenn = sum(e[2] for e in code
                      if not is_library(e[3]) and in_facenn(symbol_of(e[1]), pretty.get(symbol_of(e[1]), "")))
    rodata_total = sizes.get(".rodata", 0) + sizes.get(".init_array", 0)
    input_bytes = sum(e[2] for e in rodata if "kInputBytes" in e[1] or "kInputPattern" in e[1])
    data_init = sizes.get(".data", 0)
    flash_total = weights_total + code_total + rodata_total + data_init
    arena = sizes.get(".arena", 0)
    stack_reserved = sizes.get(".stack", 0)
    bss = sizes.get(".bss", 0)
    ram_total = arena + stack_reserved + bss + data_init
    stack_used = None
    cycles = None
    if log and not os.path.exists(log):
        log = None  # e.g. the QEMU test has not run yet: the stack line says n/a
    if log:
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
        m = re.search(r"stack_used: (\d+)", text)
        stack_used = int(m.group(1)) if m else None
        m = re.search(r"qemu_icount_instructions: (\d+)", text)
        cycles = int(m.group(1)) if m else None

    def kib(n):
        return f"{n / KIB:9.1f}"

    rows = [
        ("flash", "weights (.weights)", weights_total, "int8 filters %.1f KiB + per-channel bias/multipliers/shifts %.1f KiB"
         % (int8_filters / KIB, (weights_total - int8_filters) / KIB)),
        ("flash", "code (.vectors + .text)", code_total, "functions of namespace facenn %.1f KiB, libc/libgcc %.1f KiB, startup/main/report %.1f KiB (main may inline the graph)"
         % (code_facenn / KIB, code_lib / KIB, (code_total - code_facenn - code_lib) / KIB)),
        ("flash", "other read-only data", rodata_total, "embedded input %.1f KiB, layer constants/strings %.1f KiB"
         % (input_bytes / KIB, (rodata_total - input_bytes) / KIB)),
        ("flash", ".data load image", data_init, ""),
        ("flash", "total", flash_total, "without the embedded input: %.1f KiB" % ((flash_total - input_bytes) / KIB)),
        ("RAM", "arena (.arena = Net::arena_bytes)", arena, "static buffer in ISRAM"),
        ("RAM", "stack (reserved)", stack_reserved,
         "used: %s" % (f"{stack_used} B (painted high-water mark, QEMU run)" if stack_used is not None else "n/a (no QEMU log)")),
        ("RAM", ".data + .bss", bss + data_init, "output buffers, 1 KiB fault stack, counters"),
        ("RAM", "total", ram_total, "arena + stack reserved + .data/.bss"),
    ]

    print(f"facenn Cortex-M55 image: {elf}")
    print(f"network: {model}" + (f"; QEMU log: {log}" if log else ""))
    print()
    print(f"| memory | what | bytes | KiB | notes |")
    print(f"|---|---|---:|---:|---|")
    for mem, what, n, note in rows:
        print(f"| {mem} | {what} | {n} | {kib(n).strip()} | {note} |")
    print()

    ok = True
    checks = [("weights", weights_total), ("arena", arena), ("code", code_total)]
    print("| target (FaceMesh int8, issue #8) | limit KiB | this image KiB | |")
    print("|---|---:|---:|---|")
    for key, n in checks:
        limit = TARGETS_KIB[key]
        met = n <= limit * KIB
        ok = ok and met
        margin = limit - n / KIB
        verdict = ("met, %.1f KiB to spare" % margin) if met else ("MISSED by %.1f KiB" % -margin)
        print(f"| {key} <= {limit} KiB | {limit} | {n / KIB:.1f} | {verdict} |")
    print()
    print("| | RAM KiB | weight flash KiB | latency |")
    print("|---|---:|---:|---|")
    print(f"| STM32N6 (ST, FaceMesh int8, Neural-ART NPU) | {STM32N6['ram_kib']} | {STM32N6['weights_kib']} | {STM32N6['latency_ms']} ms |")
    cyc = (f"not measured (QEMU is not cycle-accurate); {cycles / 1e6:.1f} M instructions executed (QEMU -icount)"
           if cycles is not None else "not measured (QEMU is not cycle-accurate)")
    print(f"| facenn mcu_bare, {model} | {ram_total / KIB:.1f} | {weights_total / KIB:.1f} | {cyc} |")
    print()

    def top(title, items):
        agg = collections.Counter()
        for e in items:
            label = pretty.get(symbol_of(e[1]), e[1])
            if is_library(e[3]):
                label = os.path.basename(e[3]) + ": " + label
            agg[label] += e[2]
        print(f"{title} (largest {args.top}):")
        for label, n in agg.most_common(args.top):
            print(f"  {n:8d}  {short(label)}")
        print()

    top("weights", weights)
    top("code", code)
    top("other read-only data", rodata)
    top(".data/.bss", ramdata)

    if args.check and model == "facemesh468" and not ok:
        print("size_report: FaceMesh int8 image misses its targets", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
