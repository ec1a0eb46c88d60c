#!/usr/bin/env bash
# Per-call cost of the `_async` twins in instructions, against the
# hand-written `spawn_blocking` closure, under callgrind: repeatable where
# wall-clock timings are not (a busy or virtual machine without hardware
# counters). The wall-clock ratios of BENCHMARKS.md stay the measure of
# record; this says where a difference comes from.
#
# Usage: scripts/callgrind-overhead.sh [REPS] [CALLS] [VARIANT...]
#        (defaults: 5 runs, 20000 calls, every variant)
#
# Generates a throwaway crate in target/callgrind-overhead/ (depending on
# asyncify by path, release profile with line info) whose binary awaits
# CALLS calls one after another in a task, on one variant:
#
#   hand           tokio::task::spawn_blocking(move || client.get(x)).await.unwrap(), with the Arc clone
#   handle         get_async on a Handle          limit   on Handle::with_limit(client, 64)
#   clone          get_async on the Clone client  offload Handle::offload(closure)
#   exclusive      get_async on an Exclusive      exclusive_mut  bump_async (&mut self) on it
#   hand_dedicated a thread of one's own fed boxed closures over std mpsc, answering on a oneshot
#   dedicated      bump_async on a Dedicated (against hand_dedicated)
#   dedicated_hook the same with a cancel hook installed, never run (against dedicated)
#
# and runs each REPS times under `valgrind --tool=callgrind`, on a
# current-thread and a multi-thread runtime. It prints the median
# instructions per call ((run - empty run) / CALLS) as `all`, `-spin`
# (without the self cost of `Mutex::lock_contended`, a spin loop whose length
# depends on how valgrind interleaves the threads) and `-alloc` (without
# malloc's internals too, whose cost depends on the heap's state), and the
# range of `-spin` over the runs. `cargo build` of the crate, then `valgrind
# ... target/callgrind-overhead/target/release/callgrind-overhead handle ct
# 20000` and `callgrind_annotate` show where the instructions go.
set -euo pipefail

reps=${1:-5}
calls=${2:-20000}
shift $(( $# > 2 ? 2 : $# ))
variants=${*:-hand handle clone exclusive exclusive_mut limit}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$root/target/callgrind-overhead
mkdir -p "$work/src"
cp "$root/Cargo.lock" "$work/Cargo.lock"
cat > "$work/Cargo.toml" <<EOF
[package]
name = "callgrind-overhead"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
asyncify = { path = "$root/asyncify" }
tokio = { version = "1.47", features = ["rt", "rt-multi-thread", "sync"] }

[profile.release]
debug = 1

[workspace]
EOF
cat > "$work/src/main.rs" <<'EOF'
//! usage: callgrind-overhead <variant> <ct|mt> <calls>
use std::hint::black_box;
use std::sync::Arc;

use asyncify::{Dedicated, Exclusive, Handle, asyncify};

#[derive(Clone)]
pub struct Client {
    base: Arc<u64>,
    count: u64,
}

#[asyncify]
impl Client {
    pub fn get(&self, x: u64) -> u64 {
        *self.base + x
    }
    pub fn bump(&mut self, x: u64) -> u64 {
        self.count += x;
        self.count
    }
}

fn client() -> Client {
    Client { base: Arc::new(black_box(1)), count: 0 }
}

#[inline(never)]
async fn run(variant: &str, n: u64) -> u64 {
    let mut acc = 0u64;
    match variant {
        "hand" => {
            let c = Arc::new(client());
            for i in 0..n {
                let c = Arc::clone(&c);
                let x = black_box(i);
                acc += tokio::task::spawn_blocking(move || c.get(x)).await.unwrap();
            }
        }
        "handle" => {
            let h = Handle::new(client());
            for i in 0..n {
                acc += h.get_async(black_box(i)).await;
            }
        }
        "limit" => {
            let h = Handle::with_limit(client(), 64);
            for i in 0..n {
                acc += h.get_async(black_box(i)).await;
            }
        }
        "offload" => {
            let h = Handle::new(client());
            for i in 0..n {
                let x = black_box(i);
                acc += h.offload(move |c: &Client| c.get(x)).await;
            }
        }
        "clone" => {
            let c = client();
            for i in 0..n {
                acc += c.get_async(black_box(i)).await;
            }
        }
        "exclusive" => {
            let e = Exclusive::new(client());
            for i in 0..n {
                acc += e.get_async(black_box(i)).await;
            }
        }
        "exclusive_mut" => {
            let e = Exclusive::new(client());
            for i in 0..n {
                acc += e.bump_async(black_box(i)).await;
            }
        }
        "hand_dedicated" => {
            // The hand-written dedicated thread (the `tokio-rusqlite`
            // pattern), as `tests/benches/support` has it.
            type Job = Box<dyn FnOnce(&mut Client) + Send>;
            let (jobs, queue) = std::sync::mpsc::channel::<Job>();
            let thread = std::thread::spawn(move || {
                let mut c = client();
                for job in queue {
                    job(&mut c);
                }
            });
            for i in 0..n {
                let x = black_box(i);
                let (reply, result) = tokio::sync::oneshot::channel();
                jobs.send(Box::new(move |c: &mut Client| {
                    let _ = reply.send(c.bump(x));
                }))
                .unwrap();
                acc += result.await.unwrap();
            }
            drop(jobs);
            thread.join().unwrap();
        }
        "dedicated" => {
            let d = Dedicated::spawn(client);
            for i in 0..n {
                acc += d.bump_async(black_box(i)).await;
            }
        }
        "dedicated_hook" => {
            let d = Dedicated::spawn(client).on_cancel(|_| || {});
            for i in 0..n {
                acc += d.bump_async(black_box(i)).await;
            }
        }
        "none" => {}
        other => panic!("unknown variant {other}"),
    }
    acc
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let variant = args[1].clone();
    let runtime = match args[2].as_str() {
        "mt" => tokio::runtime::Builder::new_multi_thread().build().unwrap(),
        "ct" => tokio::runtime::Builder::new_current_thread().build().unwrap(),
        other => panic!("unknown runtime {other}"),
    };
    let n: u64 = args[3].parse().unwrap();
    let acc = runtime.block_on(async move {
        tokio::spawn(async move { run(&variant, n).await }).await.unwrap()
    });
    black_box(acc);
}
EOF
(cd "$work" && cargo build --release --quiet)
python3 - "$work/target/release/callgrind-overhead" "$reps" "$calls" $variants <<'EOF'
import os, re, statistics, subprocess, sys, tempfile
MALLOC = {"_int_malloc", "_int_free", "malloc_consolidate", "unlink_chunk", "_int_memalign",
          "_mid_memalign", "malloc", "free", "posix_memalign", "__rdl_alloc", "__rdl_dealloc"}
def run(binary, variant, runtime, calls):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", binary,
                        variant, runtime, str(calls)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=no", out],
                              check=True, capture_output=True, text=True).stdout
    total = spin = alloc = 0
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+) \([ \d.]+%\)\s+(.*)", line)
        if not m:
            continue
        cost, name = int(m.group(1).replace(",", "")), m.group(2)
        if "PROGRAM TOTALS" in name:
            total = cost
            continue
        function = re.sub(r"\s*\[[^\]]*\]$", "", name).split(":")[-1].strip()
        if "lock_contended" in function:
            spin += cost
        elif function.split(".")[0] in MALLOC:
            alloc += cost
    return total, total - spin, total - spin - alloc
binary, reps, calls, variants = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
print(f"instructions per call, median of {reps} runs of {calls} calls")
for runtime in ("ct", "mt"):
    empty = [run(binary, "none", runtime, 0) for _ in range(reps)]
    base = [statistics.median(e[i] for e in empty) for i in range(3)]
    for variant in variants:
        runs = [run(binary, variant, runtime, calls) for _ in range(reps)]
        per = [[(r[i] - base[i]) / calls for r in runs] for i in range(3)]
        all_, spin, alloc = (statistics.median(p) for p in per)
        print(f"{runtime} {variant:14} all {all_:6.0f}  -spin {spin:6.0f} (range {max(per[1]) - min(per[1]):4.0f})"
              f"  -alloc {alloc:6.0f}", flush=True)
EOF
