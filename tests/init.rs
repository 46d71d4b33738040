//! `clinic-kpi init`.

use crate::workdir::Workdir;

#[test]
fn init_writes_a_config_that_check_reads_and_refuses_to_overwrite() {
    let w = Workdir::new();
    let run = w.run(&["init", "demo", "--sample-data"]);
    assert_eq!(run.code, 0, "{run}");
    let demo = w.path().join("demo");
    assert!(demo.join("clinic-kpi.toml").is_file());
    // The sample data is the fixture clinic: checking it in the new folder, with the written
    // config (not the built-in defaults), gives the same October sales rows: 24 of the xlsx,
    // 5 of the supplementary CSV and 13 of 三店's.
    let run = w.run(&[
        "check",
        "--data",
        "demo",
        "--config",
        "demo/clinic-kpi.toml",
        "--month",
        "2026-10",
        "--format",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    let used: u64 = j["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "sales")
        .map(|i| i["used"].as_u64().unwrap())
        .sum();
    assert_eq!(used, 42);

    // The written config carries the example clinic's plan: `overview` and `alerts` show real
    // output on the sample data (tests/overview.rs and tests/alerts.rs check every number).
    let demo_args = ["--data", "demo", "--config", "demo/clinic-kpi.toml"];
    let mut args = vec!["overview", "--month", "2026-10", "--format", "json"];
    args.extend_from_slice(&demo_args);
    let run = w.run(&args);
    assert_eq!(run.code, 0, "{run}");
    let j = run.json();
    assert_eq!(j["clinic"]["revenue"], 118_800.0);
    assert_eq!(j["clinic"]["base"], 110_000.0);
    assert_eq!(j["channels"][0]["channel"], "美团");
    let mut args = vec!["alerts", "--date", "2026-10-20", "--format", "json"];
    args.extend_from_slice(&demo_args);
    let run = w.run(&args);
    assert_eq!(run.code, 4, "{run}");
    let rules: Vec<(String, String)> = run.json()["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let on = a["store"].as_str().or(a["channel"].as_str()).unwrap_or("");
            (a["rule"].as_str().unwrap().to_string(), on.to_string())
        })
        .collect();
    assert!(
        rules.contains(&("slump".into(), "一店".into())),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("conversion_drop".into(), "美团".into())),
        "{rules:?}"
    );

    // A second init refuses and leaves the edited config alone.
    std::fs::write(demo.join("clinic-kpi.toml"), "# mine\n").unwrap();
    let run = w.run(&["init", "demo"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("already exist"), "{run}");
    assert!(run.stderr.contains("--force"), "{run}");
    assert_eq!(
        std::fs::read_to_string(demo.join("clinic-kpi.toml")).unwrap(),
        "# mine\n"
    );
    let run = w.run(&["init", "demo", "--force", "-q"]);
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(run.stdout, "");
    assert!(std::fs::read_to_string(demo.join("clinic-kpi.toml"))
        .unwrap()
        .contains("[roles.consultant]"));
}
