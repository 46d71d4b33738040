//! The 奖金 (payroll) sheet of the scorecard (SPEC §6.3): one row per scored person — 工号,
//! 姓名, 岗位, 门店, 科室, 等级, 奖金 (whole yuan, 0 where the role has no bonus rule) — and
//! nothing else, ready to paste into a payroll system.

use super::xlsx::{note, print_setup, Fmts, Num, Widths, WriteText};
use crate::pipeline::Run;
use crate::scoring::engine::PersonResult;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// Where each payroll column is.
pub(crate) mod col {
    pub const ID: u16 = 0;
    pub const NAME: u16 = 1;
    pub const ROLE: u16 = 2;
    pub const STORE: u16 = 3;
    pub const DEPT: u16 = 4;
    pub const GRADE: u16 = 5;
    pub const BONUS: u16 = 6;
}

/// Writes the payroll sheet: a header row, then `people` in the order given.
pub(crate) fn payroll_sheet(
    ws: &mut Worksheet,
    f: &Fmts,
    run: &Run,
    people: &[&PersonResult],
) -> Result<(), XlsxError> {
    let l = run.plan.lang;
    let ds = &run.ds;
    let headers = [
        l.pick("工号", "Staff ID"),
        l.pick("姓名", "Staff"),
        l.pick("岗位", "Role"),
        l.pick("门店", "Store"),
        l.pick("科室", "Department"),
        l.pick("等级", "Grade"),
        l.pick("奖金", "Bonus"),
    ];
    let mut widths = Widths::default();
    for (c, h) in headers.iter().enumerate() {
        ws.text_fmt(0, c as u16, h, &f.header)?;
        widths.see(c as u16, h);
    }
    ws.insert_note(
        0,
        col::BONUS,
        &note(l.pick(
            "奖金（整元）由 clinic-kpi 按保存时的总分与指标值计算；未设奖金规则的岗位为 0。等级为工具评定的等级。",
            "Bonus (whole yuan) computed by clinic-kpi from the saved total and KPI values; 0 for roles without a bonus rule. The grade is the one the tool gave.",
        )),
    )?;
    for (n, r) in people.iter().enumerate() {
        let row = n as u32 + 1;
        let store = r.person.store.map(|s| ds.name(s)).unwrap_or("");
        let dept = r.person.department.map(|s| ds.name(s)).unwrap_or("");
        for (c, t) in [
            (col::ID, r.person.staff_id.as_deref().unwrap_or("")),
            (col::NAME, r.person.name.as_str()),
            (
                col::ROLE,
                crate::words::report::role_title(&r.role_label, &r.person.role, l),
            ),
            (col::STORE, store),
            (col::DEPT, dept),
            (col::GRADE, r.grade.as_str()),
        ] {
            widths.see(c, t);
            if !t.is_empty() {
                ws.text(row, c, t)?;
            }
        }
        let bonus = r.bonus.unwrap_or(0.0);
        widths.num(col::BONUS, Num::Bonus, bonus);
        ws.write_number_with_format(row, col::BONUS, bonus, &f.bonus)?;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, (people.len() as u32).max(1), col::BONUS)?;
    widths.apply(ws, 6, 40)?;
    print_setup(ws, &run.period.label, Some((0, 0)))
}
