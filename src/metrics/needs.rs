//! Columns a KPI needs (SPEC §2.4): a configured KPI whose column no input of its kind maps
//! would silently turn 0 or `no_data` for everyone. Each such gap is an error naming the role,
//! the KPI, the column and the aliases to add under `[columns.KIND]`.

use crate::config::{Basis, Config, Scope, SecondaryRule};
use crate::input::kinds::{Field, Kind};
use crate::input::Dataset;
use crate::issues::{Issue, Severity};
use crate::metrics::defs::{self, Need as Needs};
use crate::people::Person;
use crate::words::people::PeopleMsg;
use std::collections::BTreeSet;

/// A column one KPI of one role cannot do without.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Need {
    role: String,
    metric: &'static str,
    kind: Kind,
    field: Field,
}

/// One error per (role, KPI, column) that the data lacks, for roles with someone to score.
pub fn missing_columns(ds: &Dataset, cfg: &Config, people: &[Person]) -> Vec<Issue> {
    let mut needs: BTreeSet<Need> = BTreeSet::new();
    for (key, role) in &cfg.roles {
        if !people.iter().any(|p| &p.role == key) {
            continue;
        }
        let attribute = role.attribute.unwrap_or_default().field();
        // Every metric the role uses: KPIs (with their scope), vetoes, bonus basis, per_unit
        // and gates (those with the scope they are computed at).
        let mut used: Vec<(&str, Scope)> = Vec::new();
        for k in &role.kpi {
            let default = defs::metric(&k.metric).map_or(Scope::Own, |d| d.default_scope);
            used.push((k.metric.as_str(), k.scope.unwrap_or(default)));
        }
        used.extend(role.veto.iter().map(|v| (v.metric.as_str(), Scope::Own)));
        if let Some(b) = &role.bonus {
            if let Basis::Metric(d) = b.basis {
                used.push((d.key, Scope::Own));
            }
            used.extend(b.per_unit.iter().map(|u| (u.metric.as_str(), Scope::Own)));
            used.extend(
                b.gate
                    .iter()
                    .map(|g| (g.metric.as_str(), g.scope.unwrap_or(Scope::Own))),
            );
        }
        for (metric, scope) in used {
            let Some(def) = defs::metric(metric) else {
                continue; // "total", or an unknown key validation already refused
            };
            let mut need = |kind: Kind, field: Field| {
                // Only a gap when inputs of the kind were given (no input at all is no_data,
                // visible on every person) and none of them maps the column.
                if ds.has(kind) && !ds.has_field(kind, field) {
                    needs.insert(Need {
                        role: key.clone(),
                        metric: def.key,
                        kind,
                        field,
                    });
                }
            };
            for n in def.needs {
                match *n {
                    Needs::Credit => need(Kind::Sales, attribute),
                    Needs::SecondaryType => {
                        if cfg.secondary.rule == SecondaryRule::Type {
                            need(Kind::Sales, Field::Type);
                        }
                    }
                    // Deals come from the visits' deal column, else from sales that day.
                    Needs::DealWithoutSales => {
                        if !ds.has(Kind::Sales) {
                            need(Kind::Visits, Field::Deal);
                        }
                    }
                    Needs::Column(kind, field) => need(kind, field),
                }
            }
            match scope {
                Scope::Store => need(Kind::Roster, Field::Store),
                Scope::Department => need(Kind::Roster, Field::Department),
                Scope::Own | Scope::All => {}
            }
        }
    }
    needs.into_iter().map(|n| issue(cfg, &n)).collect()
}

fn issue(cfg: &Config, n: &Need) -> Issue {
    let role = &cfg.roles[&n.role];
    let aliases: Vec<String> = n
        .kind
        .columns()
        .iter()
        .find(|c| c.field == n.field)
        .map(|c| c.aliases.iter().map(|a| a.to_string()).collect())
        .unwrap_or_default();
    Issue::new(
        Severity::Error,
        PeopleMsg::KpiColumnMissing {
            role_label: role.shown_label(&n.role).to_string(),
            role: n.role.clone(),
            metric: n.metric,
            kind: n.kind,
            field: n.field,
            aliases,
        },
    )
    .column(n.field.key())
}
