//! Words about the metrics themselves (src/metrics/defs.rs holds each metric's names and
//! definition text beside its computation; this puts the list into the help and the README).

use crate::config::Scope;
use crate::metrics::defs::{Better, MetricKind, METRICS};

/// The metric list shown by `clinic-kpi score --help` and `explain --help`.
pub fn help_text() -> String {
    let mut s = String::from("Metrics (use the key in clinic-kpi.toml):\n");
    for m in METRICS {
        s.push_str(&format!("  {:<20} {} — {}\n", m.key, m.zh, m.definition_en));
    }
    s
}

/// The README's metric table, generated from the definitions (a test keeps the README equal).
pub fn markdown_table() -> String {
    let mut s = String::from(
        "| key | 中文 | kind | definition | better | default min_sample | default scope |\n|---|---|---|---|---|---|---|\n",
    );
    for m in METRICS {
        let kind = match m.kind {
            MetricKind::Sum => "sum",
            MetricKind::Count => "count",
            MetricKind::Rate => "rate",
            MetricKind::Ratio => "ratio",
            MetricKind::Mean => "mean",
        };
        let better = match m.better {
            Better::Higher => "higher",
            Better::Lower => "lower",
        };
        let min = m
            .min_sample
            .map(|n| n.to_string())
            .unwrap_or_else(|| "—".into());
        // The config value, as a KPI's `scope` would name it.
        let scope = match m.default_scope {
            Scope::Own => "self",
            Scope::Department => "department",
            Scope::Store => "store",
            Scope::All => "all",
        };
        s.push_str(&format!(
            "| `{}` | {} | {kind} | {} | {better} | {min} | {scope} |\n",
            m.key, m.zh, m.definition_en
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_metric_table_is_generated_from_the_definitions() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&markdown_table()),
            "README.md's metric table differs from src/metrics/defs.rs; paste this:\n{}",
            markdown_table()
        );
    }

    #[test]
    fn help_lists_every_metric_with_its_definition() {
        let help = help_text();
        for m in METRICS {
            assert!(
                help.contains(m.key) && help.contains(m.definition_en),
                "{help}"
            );
        }
    }
}
