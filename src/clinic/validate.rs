//! Validation of `[clinic]` and `[alerts]` (SPEC §8), in the manner of the roles' validation
//! (`scoring::validate`): the first problem is one sentence naming the file, the line, the table
//! and the key — `config FILE, line N: [clinic.departments] 皮肤科: `share` (1.4) must be …`.
//!
//! The line is where toml's own parser found the value ([`Written`]): the key's own line where it
//! is written (`base = …` in `[clinic.stores.一店]`, `revenue.sprint = …` in `[clinic]`), else
//! the line of the entry holding it (`一店 = { base = … }` in `[clinic.stores]`, or
//! `revenue = { … }` in `[clinic]`), else the nearest table header.
//!
//! Choices beyond the letter of the spec (each rejects a config that would otherwise give
//! numbers its writer did not mean):
//! - money and counts are above 0 and at most 1e12; a `sprint` below its `base` is an error, and
//!   so is a `{}` with neither;
//! - shares and rates lie between 0 and 1; the `split` shares sum to 1, the departments' shares
//!   to at most 1;
//! - `slump_days` and `window_days` lie between 1 and 366, so the look-back stays a matter of
//!   days (and never overflows a date).

use crate::config::{Levels, LoadedConfig, Step, Written};
use crate::words::config::{ConfigError, Place, Problem};
use crate::words::Fail;
use anyhow::Result;

/// The largest amount or count a target may be (SPEC §5.1: no number beyond ±1e12).
const MAX_NUMBER: f64 = 1e12;

/// The longest `slump_days` or `window_days`.
const MAX_DAYS: u32 = 366;

/// Validates `[clinic]` and `[alerts]`; `Err` holds the first problem.
pub fn validate(cfg: &LoadedConfig) -> Result<()> {
    let v = Checker {
        cfg,
        written: Written::new(&cfg.source),
    };
    let c = &cfg.config.clinic;
    let clinic = |key: &str| Place::Clinic {
        key: key.to_string(),
    };
    if let Some(levels) = &c.revenue {
        v.levels(&["clinic", "revenue"], levels, &clinic("revenue"))?;
    }
    if let Some(split) = &c.split {
        let place = clinic("split");
        for (key, x) in [
            ("first_and_return", split.first_and_return),
            ("repeat", split.repeat),
        ] {
            v.share(&["clinic", "split", key], &place, key, x)?;
        }
        let sum = split.first_and_return + split.repeat;
        if (sum - 1.0).abs() > 1e-9 {
            return Err(v.fail(&["clinic", "split"], &place, Problem::SplitSum { sum }));
        }
    }
    if let Some(levels) = &c.first_visits {
        v.levels(&["clinic", "first_visits"], levels, &clinic("first_visits"))?;
    }
    let mut shares = 0.0;
    for (name, plan) in &c.departments {
        let place = Place::Department { name: name.clone() };
        v.name(&["clinic", "departments", name], &place)?;
        if let Some(share) = plan.share {
            v.share(
                &["clinic", "departments", name, "share"],
                &place,
                "share",
                share,
            )?;
            shares += share;
        }
        let levels = Levels {
            base: plan.base,
            sprint: plan.sprint,
        };
        v.base_sprint(&["clinic", "departments", name], &levels, &place)?;
        if plan.share.is_none() && plan.base.is_none() && plan.sprint.is_none() {
            return Err(v.fail(
                &["clinic", "departments", name],
                &place,
                Problem::DepartmentEmpty,
            ));
        }
    }
    if shares > 1.0 + 1e-9 {
        return Err(v.fail(
            &["clinic", "departments"],
            &Place::Departments,
            Problem::SharesSum { sum: shares },
        ));
    }
    for (name, target) in &c.channels {
        let place = Place::Channel { name: name.clone() };
        v.name(&["clinic", "channels", name], &place)?;
        if !(target.is_finite() && *target > 0.0 && *target <= 1.0) {
            return Err(v.fail(
                &["clinic", "channels", name],
                &place,
                Problem::ChannelRate { value: *target },
            ));
        }
    }
    for (name, levels) in &c.stores {
        let place = Place::Store { name: name.clone() };
        v.name(&["clinic", "stores", name], &place)?;
        v.levels(&["clinic", "stores", name], levels, &place)?;
    }
    v.alerts()
}

struct Checker<'a> {
    cfg: &'a LoadedConfig,
    /// Where each value of the config text is written, for the lines of errors.
    written: Written<'a>,
}

impl Checker<'_> {
    /// The error for the value at `path` (tables and keys from the top, e.g. `clinic`,
    /// `departments`, `皮肤科`, `share`), on its line: the line of the value where it is
    /// written, else of the nearest entry or table holding it that is written.
    fn fail(&self, path: &[&str], place: &Place, problem: Problem) -> anyhow::Error {
        let steps: Vec<Step> = path.iter().map(|k| Step::Key(k)).collect();
        anyhow::Error::new(Fail::new(ConfigError::Invalid {
            file: self.cfg.file(),
            line: self.written.nearest_line(&steps),
            place: place.clone(),
            problem,
        }))
    }

    /// A department, channel or store name must name something.
    fn name(&self, path: &[&str], place: &Place) -> Result<()> {
        let name = path.last().copied().unwrap_or_default();
        if name.trim().is_empty() {
            return Err(self.fail(path, place, Problem::EmptyName));
        }
        Ok(())
    }

    /// A share or rate: between 0 and 1.
    fn share(&self, path: &[&str], place: &Place, key: &str, x: f64) -> Result<()> {
        if x.is_finite() && (0.0..=1.0).contains(&x) {
            return Ok(());
        }
        Err(self.fail(
            path,
            place,
            Problem::Share {
                key: key.to_string(),
                value: x,
            },
        ))
    }

    /// `{ base, sprint }`: at least one of them, each above 0, sprint not below base.
    fn levels(&self, path: &[&str], levels: &Levels, place: &Place) -> Result<()> {
        if levels.base.is_none() && levels.sprint.is_none() {
            return Err(self.fail(path, place, Problem::LevelsEmpty));
        }
        self.base_sprint(path, levels, place)
    }

    fn base_sprint(&self, path: &[&str], levels: &Levels, place: &Place) -> Result<()> {
        for (key, x) in [("base", levels.base), ("sprint", levels.sprint)] {
            let Some(x) = x else { continue };
            if !(x.is_finite() && x > 0.0 && x <= MAX_NUMBER) {
                let mut at = path.to_vec();
                at.push(key);
                return Err(self.fail(
                    &at,
                    place,
                    Problem::AboveZero {
                        key: key.to_string(),
                        value: x,
                    },
                ));
            }
        }
        if let (Some(base), Some(sprint)) = (levels.base, levels.sprint) {
            if sprint < base {
                let mut at = path.to_vec();
                at.push("sprint");
                return Err(self.fail(&at, place, Problem::SprintBelowBase { sprint, base }));
            }
        }
        Ok(())
    }

    fn alerts(&self) -> Result<()> {
        let a = &self.cfg.config.alerts;
        let place = &Place::Alerts;
        let open_share = |key: &str, x: f64| -> Result<()> {
            if x.is_finite() && x > 0.0 && x < 1.0 {
                return Ok(());
            }
            Err(self.fail(
                &["alerts", key],
                place,
                Problem::OpenShare {
                    key: key.to_string(),
                    value: x,
                },
            ))
        };
        open_share("slump_share", a.slump_share)?;
        open_share("conversion_drop", a.conversion_drop)?;
        for (key, days) in [("slump_days", a.slump_days), ("window_days", a.window_days)] {
            if !(1..=MAX_DAYS).contains(&days) {
                return Err(self.fail(
                    &["alerts", key],
                    place,
                    Problem::Days {
                        key: key.to_string(),
                        max: MAX_DAYS,
                        days,
                    },
                ));
            }
        }
        for (key, x) in [
            ("complaint_rate", a.complaint_rate),
            ("complication_rate", a.complication_rate),
        ] {
            self.share(&["alerts", key], place, key, x)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse, DEFAULT_CONFIG};

    fn load(text: &str) -> LoadedConfig {
        LoadedConfig {
            config: parse(text, "k.toml").unwrap_or_else(|e| panic!("{e:#}")),
            source: text.to_string(),
            path: Some("k.toml".into()),
        }
    }

    fn error(text: &str) -> String {
        validate(&load(text)).unwrap_err().to_string()
    }

    #[test]
    fn the_init_template_validates_and_holds_both_sections() {
        let cfg = load(DEFAULT_CONFIG);
        validate(&cfg).unwrap();
        crate::scoring::validate::validate(&cfg).unwrap();
        let c = &cfg.config.clinic;
        assert!(c.revenue.is_some() && c.split.is_some() && c.first_visits.is_some());
        assert!(!c.departments.is_empty() && !c.channels.is_empty() && !c.stores.is_empty());
        assert!(DEFAULT_CONFIG.contains("[alerts]"));
        // Without a config file no clinic targets apply (they are the example clinic's).
        let builtin = LoadedConfig::builtin();
        validate(&builtin).unwrap();
        assert!(builtin.config.clinic.revenue.is_none() && builtin.config.clinic.stores.is_empty());
        assert_eq!(builtin.config.alerts, cfg.config.alerts);
    }

    #[test]
    fn an_empty_config_has_no_targets_and_the_spec_thresholds() {
        let cfg = load("");
        validate(&cfg).unwrap();
        let c = &cfg.config;
        assert!(c.clinic.revenue.is_none() && c.clinic.channels.is_empty());
        let a = &c.alerts;
        assert_eq!(
            (
                a.slump_share,
                a.slump_days,
                a.conversion_drop,
                a.window_days
            ),
            (0.5, 3, 0.2, 7)
        );
        assert_eq!((a.complaint_rate, a.complication_rate), (0.02, 0.003));
    }

    #[test]
    fn each_error_names_table_key_and_line() {
        // sprint below base, inline in [clinic]: the line of `revenue`.
        let e = error("[clinic]\nrevenue = { base = 200, sprint = 100 }\n");
        assert_eq!(
            e,
            "config k.toml, line 2: [clinic] revenue: `sprint` (100) must not be below `base` (200): the sprint target is the higher level"
        );
        // The same as a table of its own: the line of `sprint`.
        let e = error("[clinic.revenue]\nbase = 200\n\nsprint = 100\n");
        assert!(
            e.starts_with("config k.toml, line 4: [clinic] revenue: `sprint`"),
            "{e}"
        );
        let e = error("[clinic]\nsplit = { first_and_return = 0.6, repeat = 0.5 }\n");
        assert_eq!(
            e,
            "config k.toml, line 2: [clinic] split: `first_and_return` and `repeat` must sum to 1, got 1.1"
        );
        // A quoted Chinese key in [clinic.departments].
        let e = error(
            "[clinic.departments]\n\"整形外科\" = { share = 0.4 }\n\"皮肤科\" = { share = 1.4 }\n",
        );
        assert_eq!(
            e,
            "config k.toml, line 3: [clinic.departments] 皮肤科: `share` must lie between 0 and 1 (0.45 for 45%), got 1.4"
        );
        let e = error(
            "[clinic.departments]\n\"整形外科\" = { share = 0.7 }\n\"皮肤科\" = { share = 0.4 }\n",
        );
        assert!(e.starts_with("config k.toml, line 1: [clinic.departments]: the departments' `share` values sum to 1."), "{e}");
        let e = error("[clinic.departments]\n\"整形外科\" = {}\n");
        assert!(
            e.starts_with("config k.toml, line 2: [clinic.departments] 整形外科: give a"),
            "{e}"
        );
        let e = error("[clinic.channels]\n\"企划\" = 28\n");
        assert!(
            e.starts_with(
                "config k.toml, line 2: [clinic.channels] 企划: the target conversion rate"
            ),
            "{e}"
        );
        let e = error("[clinic.stores]\n\"一店\" = { base = 0 }\n");
        assert!(
            e.starts_with(
                "config k.toml, line 2: [clinic.stores] 一店: `base` must be a number above 0"
            ),
            "{e}"
        );
        let e = error("[clinic]\nfirst_visits = {}\n");
        assert!(
            e.starts_with("config k.toml, line 2: [clinic] first_visits: give a `base`"),
            "{e}"
        );
        let e = error("[alerts]\nslump_share = 0.5\nwindow_days = 0\n");
        assert_eq!(
            e,
            "config k.toml, line 3: [alerts]: `window_days` must be between 1 and 366 days, got 0"
        );
        let e = error("[alerts]\nconversion_drop = 20\n");
        assert!(
            e.starts_with(
                "config k.toml, line 2: [alerts]: `conversion_drop` must lie above 0 and below 1"
            ),
            "{e}"
        );
        let e = error("[alerts]\ncomplication_rate = nan\n");
        assert!(
            e.starts_with(
                "config k.toml, line 2: [alerts]: `complication_rate` must lie between 0 and 1"
            ),
            "{e}"
        );
    }

    #[test]
    fn lines_follow_dotted_and_quoted_keys() {
        // Each of these the old line scanner missed, naming the `[clinic]` or `[alerts]` header's
        // line instead: a dotted key, a key in single quotes, a dotted key in the root table.
        let e = error("[clinic]\nrevenue.base = 200\nrevenue.sprint = 100\n");
        assert!(
            e.starts_with("config k.toml, line 3: [clinic] revenue: `sprint` (100)"),
            "{e}"
        );
        let e = error("[clinic.stores]\n'一店'.base = 100\n'二店' = { base = 0 }\n");
        assert!(
            e.starts_with("config k.toml, line 3: [clinic.stores] 二店: `base` must be"),
            "{e}"
        );
        let e = error("alerts.slump_share = 0.5\n\nalerts.window_days = 0\n");
        assert!(
            e.starts_with("config k.toml, line 3: [alerts]: `window_days` must be between"),
            "{e}"
        );
    }

    #[test]
    fn an_unquoted_chinese_key_says_to_quote_it() {
        // SPEC §8 writes `整形外科 = { … }`; TOML needs the quotes.
        let e = parse(
            "[clinic.departments]\n整形外科 = { share = 0.4 }\n",
            "k.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("config k.toml, line 2: invalid unquoted key"),
            "{e}"
        );
        assert!(
            e.ends_with("is written in quotes: \"整形外科\" = { share = 0.4 }"),
            "{e}"
        );
    }

    #[test]
    fn unknown_keys_are_parse_errors_with_their_line() {
        let e = parse("[alerts]\nslump_share = 0.5\nslump_day = 3\n", "k.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("slump_day"), "{e}");
        let e = parse("[clinic]\nrevenue = { base = 1, sprnt = 2 }\n", "k.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("sprnt"), "{e}");
    }
}
