//! `completions`, `man` and the exit codes under `--help` (SPEC §1).

use crate::workdir::Workdir;

#[test]
fn completions_for_every_shell_name_every_command() {
    let w = Workdir::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = w.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{run}");
        for command in ["score", "check", "explain", "init", "month", "strict"] {
            assert!(run.stdout.contains(command), "{shell} lacks {command}");
        }
    }
    let run = w.run(&["completions", "tcsh"]);
    assert_eq!(run.code, 2, "{run}");
}

#[test]
fn man_page_and_exit_codes_in_help() {
    let w = Workdir::new();
    let run = w.run(&["man"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains(".TH clinic-kpi 1"), "{run}");
    let run = w.run(&["man", "--dir", "."]);
    assert_eq!(run.code, 0, "{run}");
    let score = std::fs::read_to_string(w.path().join("clinic-kpi-score.1")).unwrap();
    assert!(score.contains(".TH clinic-kpi-score 1") && score.contains("strict"));
    let run = w.run(&["--help"]);
    assert!(
        run.stdout.contains(
            "Exit codes:\n  0  success\n  1  failure: an input or the config cannot be read, or the output cannot be written\n  2  usage error\n  3  --strict and the data has error-level issues (nothing written)\n  4  alerts: an alert at or above --fail-on holds"
        ),
        "{run}"
    );
}
