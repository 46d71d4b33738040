use std::process::ExitCode;

fn main() -> ExitCode {
    one_malloc_arena();
    // A panic is a bug; it is reported as one sentence, never as a backtrace (SPEC §1).
    std::panic::set_hook(Box::new(|_| {}));
    let cli = clinic_kpi::cli::Cli::parse_with_metric_help();
    let lang = cli.lang();
    let result = std::panic::catch_unwind(|| clinic_kpi::run(cli));
    match result {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            if is_broken_pipe(&e) {
                return ExitCode::from(clinic_kpi::exit::OK);
            }
            eprintln!("clinic-kpi: {}", clinic_kpi::words::error_text(&e, lang));
            if e.downcast_ref::<clinic_kpi::UsageError>().is_some() {
                ExitCode::from(clinic_kpi::exit::USAGE)
            } else {
                ExitCode::from(clinic_kpi::exit::FAILURE)
            }
        }
        Err(p) => {
            let what = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            eprintln!(
                "clinic-kpi: {}",
                clinic_kpi::words::internal_error(&what, lang)
            );
            ExitCode::from(clinic_kpi::exit::FAILURE)
        }
    }
}

/// `clinic-kpi score | head` closes stdout early: that is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// glibc's malloc gives each thread that allocates an arena of its own and does not hand what
/// one arena frees to another thread's allocations: the names and rows the reading threads
/// build, freed when their parts are merged, stayed reserved while the main thread scored, and
/// the million-row year peaked 40–60 MB higher (250–270 MB against 205–210 MB, and 88–96 MB
/// against 69–73 MB at a quarter of its rows; `examples/bench` and `MALLOC_ARENA_MAX=1`, same
/// time). One arena for every thread; the threads here allocate in large blocks, so they
/// rarely wait on its lock.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn one_malloc_arena() {
    // SAFETY: mallopt only sets a parameter of the allocator; it is called first in `main`,
    // before any other thread exists or anything is allocated on one.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn one_malloc_arena() {}
