//! What the benches share: where they write the numbers that criterion does
//! not keep, for `scripts/bench-report.py`.

use std::path::PathBuf;

/// Writes `lines` (JSON objects) as a JSON array to
/// `<target>/criterion/<file_name>`, next to criterion's own output.
pub(crate) fn write_json_lines(file_name: &str, lines: &[String]) {
    let exe = std::env::current_exe().expect("the path of this bench binary");
    // <target>/release/deps/<bench>-<hash> -> <target>/criterion/
    let target: PathBuf = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || {
            exe.ancestors()
                .nth(3)
                .expect("a target directory")
                .to_owned()
        },
        Into::into,
    );
    let path = target.join("criterion").join(file_name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, format!("[\n{}\n]\n", lines.join(",\n"))).unwrap();
    println!("written to {}", path.display());
}

/// Runs the criterion part of a bench (`benches`, with 1 s of warm-up and 3 s
/// of measurement per variant, and the command line's filters), and returns
/// whether the run is a real one rather than cargo's `--list` or `--test`, so
/// that the bench's own paired comparison runs after it only then.
// `scale.rs` keeps criterion's defaults and does not call it.
#[allow(dead_code)]
pub(crate) fn criterion_then_paired(benches: impl FnOnce(&mut criterion::Criterion)) -> bool {
    let mut criterion = criterion::Criterion::default()
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3))
        .configure_from_args();
    benches(&mut criterion);
    criterion.final_summary();
    !std::env::args().any(|arg| arg == "--list" || arg == "--test")
}

/// The rounds of a paired comparison: the environment variable `var` if it
/// holds a positive number (more rounds: a steadier median on a busy
/// machine), else `default`.
#[allow(dead_code)]
pub(crate) fn rounds_from_env(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|value| value.parse().ok())
        .filter(|&rounds| rounds > 0)
        .unwrap_or(default)
}

/// A call sent to a [`DedicatedThread`].
type Job<C> = Box<dyn FnOnce(&mut C) + Send>;

/// The hand-written dedicated thread (the `tokio-rusqlite` / `asyncified`
/// pattern): a thread that owns a client and runs the closures sent to it
/// over a std `mpsc` channel, one at a time, answering on a Tokio `oneshot`.
#[allow(dead_code)] // `scale.rs` does not use it
pub(crate) struct DedicatedThread<C> {
    jobs: std::sync::mpsc::Sender<Job<C>>,
}

// Not derived: that would ask for `C: Clone`.
impl<C> Clone for DedicatedThread<C> {
    fn clone(&self) -> Self {
        DedicatedThread {
            jobs: self.jobs.clone(),
        }
    }
}

#[allow(dead_code)]
impl<C: 'static> DedicatedThread<C> {
    /// Starts the thread, which makes its client with `make`.
    pub(crate) fn spawn(make: impl FnOnce() -> C + Send + 'static) -> Self {
        let (jobs, queue) = std::sync::mpsc::channel::<Job<C>>();
        std::thread::spawn(move || {
            let mut client = make();
            // Ends when the last sender is dropped.
            for job in queue {
                job(&mut client);
            }
        });
        DedicatedThread { jobs }
    }

    /// Runs `f` on the thread's client.
    pub(crate) async fn call<R, F>(&self, f: F) -> R
    where
        F: FnOnce(&mut C) -> R + Send + 'static,
        R: Send + 'static,
    {
        let (reply, result) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |client| {
                // The caller may have given up; nothing to do then.
                let _ = reply.send(f(client));
            }))
            .expect("the dedicated thread is running");
        result.await.expect("the dedicated thread answered")
    }
}

/// The order in which round `round` of a paired comparison runs its `n`
/// variants: a shuffle seeded by the round, the same in every run. A fixed
/// rotation would always run each variant right after the same neighbour,
/// and what a batch leaves behind (a pool thread just woken, a dedicated
/// thread long asleep) would then favour some variants in every round.
#[allow(dead_code)]
pub(crate) fn round_order(round: usize, n: usize) -> Vec<usize> {
    // splitmix64, seeded by the round.
    let mut state = (round as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    // Fisher-Yates.
    for i in (1..n).rev() {
        let j = usize::try_from(next() % (i as u64 + 1)).expect("j <= i");
        order.swap(i, j);
    }
    order
}
