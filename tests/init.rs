//! `clinic-kpi init`.

use crate::workdir::{close, person, Workdir};

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

    // A second init refuses (in Chinese, the default) and leaves the edited config alone.
    std::fs::write(demo.join("clinic-kpi.toml"), "# mine\n").unwrap();
    let run = w.run(&["init", "demo"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.stderr.contains("已存在"), "{run}");
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

/// The comment lines of a config holding three plain English words in a row ("The config
/// describes …"): an English sentence.
fn english_comments(config: &str) -> Vec<&str> {
    config
        .lines()
        .filter(|line| {
            let Some((_, comment)) = line.split_once('#') else {
                return false;
            };
            let mut run = 0;
            comment.split_whitespace().any(|token| {
                let word = token.trim_matches(|c: char| ",.;:()'".contains(c));
                let english = word.len() > 1 && word.chars().all(|c| c.is_ascii_alphabetic());
                run = if english { run + 1 } else { 0 };
                run >= 3
            })
        })
        .collect()
}

#[test]
fn init_writes_chinese_comments_by_default_and_english_with_lang_en() {
    let w = Workdir::new();
    let run = w.run(&["init", "zh", "--sample-data"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout.starts_with("已写入 zh/clinic-kpi.toml\n"),
        "{run}"
    );
    assert!(
        run.stdout
            .contains("试一试：cd zh && clinic-kpi score --month 2026-10\n"),
        "{run}"
    );
    let zh = std::fs::read_to_string(w.path().join("zh/clinic-kpi.toml")).unwrap();
    assert!(zh.starts_with("# 考核口径配置（clinic-kpi）\n"), "{zh}");
    assert!(zh.contains("\n# 本配置描述一个月。"), "{zh}");
    assert!(!zh.contains("The config describes ONE MONTH"), "{zh}");
    assert_eq!(english_comments(&zh), Vec::<&str>::new());

    let run = w.run(&["init", "en", "--sample-data", "--lang", "en"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout.starts_with("wrote en/clinic-kpi.toml\n"),
        "{run}"
    );
    assert!(
        run.stdout
            .contains("try: cd en && clinic-kpi score --month 2026-10\n"),
        "{run}"
    );
    let en = std::fs::read_to_string(w.path().join("en/clinic-kpi.toml")).unwrap();
    assert!(en.starts_with("# clinic-kpi configuration"), "{en}");
    assert!(en.contains("\n# The config describes ONE MONTH."), "{en}");
    assert!(!en.contains("本配置描述一个月"), "{en}");
    // The English twin is what the detector above is made to find.
    assert!(english_comments(&en).len() > 20);

    // A refusal speaks the language asked for.
    let run = w.run(&["init", "zh"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .contains("zh/clinic-kpi.toml 已存在，没有写入任何文件（要覆盖请加 --force）"),
        "{run}"
    );
    let run = w.run(&["init", "en", "--lang", "en"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr.contains(
            "en/clinic-kpi.toml already exist(s); nothing was written (use --force to overwrite)"
        ),
        "{run}"
    );

    // Either written config scores the sample data, and alike: 林晓雯 as in README's worked
    // example — total (59.29×20 + 120×10 + 120×10 + 120×10 + 44.44×15 + 80×15 + 100×10) ÷ 90
    // = 85.03 (投诉率 insufficient, left out), grade B; attainment 38,540 ÷ 65,000 = 59% reaches
    // no tier, so the bonus is `below` = −1,500.
    let mut scored = Vec::new();
    for dir in ["zh", "en"] {
        let config = format!("{dir}/clinic-kpi.toml");
        let out = format!("scorecard-{dir}.xlsx");
        let run = w.run(&[
            "score", "--data", dir, "--config", &config, "--month", "2026-10", "--format", "json",
            "-o", &out,
        ]);
        assert_eq!(run.code, 0, "{run}");
        let j = run.json();
        let p = person(&j, "林晓雯");
        let total = (38540.0 / 65000.0 * 100.0 * 20.0
            + 120.0 * 30.0
            + (220.0 / 3.0 - 60.0) / 30.0 * 100.0 * 15.0
            + 80.0 * 15.0
            + 100.0 * 10.0)
            / 90.0;
        assert!(close(&p["total"], total), "{}", p["total"]);
        assert_eq!(p["grade"], "B");
        assert!(close(&p["bonus"], -1500.0), "{}", p["bonus"]);
        scored.push(j);
    }
    assert_eq!(scored[0], scored[1]);
}
