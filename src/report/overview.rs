//! The clinic overview (SPEC §8.1) for people: the labels and number kinds of every figure, and
//! the scorecard's 经营概览 sheet — the content of `overview --format json`, section by
//! section, with two charts (revenue against base and sprint per store; department shares
//! against the plan).
//!
//! Layout (so it can be read back): a title row and a row naming the previous period; then
//! per section a bold title row, a header row and its rows. 整体 is one row per figure (指标 |
//! 本期 | 上期); 门店, 科室 and 渠道 are one row per store, department or channel, one column per
//! figure, then the previous period's figures under headers starting `上期·`. Empty cells are
//! nulls; a row whose name is null says so in words.

use super::xlsx::{sheet_name, Fmts, Widths, WriteText};
use crate::clinic::overview::{
    ChannelActuals, ChannelFigures, ClinicActuals, ClinicFigures, DepartmentActuals,
    DepartmentFigures, Overview, StoreActuals, StoreFigures,
};
use crate::Lang;
use rust_xlsxwriter::{Chart, ChartType, Format, Workbook, Worksheet, XlsxError};

/// How a figure is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Money,
    Rate,
    Count,
}

impl Kind {
    /// For a terminal or a message: `¥1,234.5`, `12.5%`, `42`.
    pub fn show(self, x: Option<f64>) -> String {
        let Some(x) = x else {
            return "—".to_string();
        };
        match self {
            Kind::Money => crate::metrics::defs::show_amount("revenue", x),
            Kind::Rate => crate::fmt::rate(x),
            Kind::Count => crate::metrics::defs::show_amount("", x),
        }
    }

    fn num_format(self) -> &'static str {
        match self {
            Kind::Money => "¥#,##0.00;-¥#,##0.00",
            Kind::Rate => "0.0%",
            Kind::Count => "#,##0.##",
        }
    }
}

/// One figure: its JSON key, its labels, its kind and where its value is.
pub struct Field<T> {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub kind: Kind,
    pub get: fn(&T) -> Option<f64>,
}

impl<T> Field<T> {
    pub fn label(&self, l: Lang) -> &'static str {
        l.pick(self.zh, self.en)
    }
}

fn n(x: u64) -> Option<f64> {
    Some(x as f64)
}

fn on(x: Option<u64>) -> Option<f64> {
    x.map(|v| v as f64)
}

macro_rules! field {
    ($t:ty, $key:literal, $zh:literal, $en:literal, $kind:ident, $get:expr) => {
        Field::<$t> {
            key: $key,
            zh: $zh,
            en: $en,
            kind: Kind::$kind,
            get: $get,
        }
    };
}

/// The clinic's measured figures (shown for both periods).
#[rustfmt::skip]
pub const CLINIC_ACTUALS: &[Field<ClinicActuals>] = &[
    field!(ClinicActuals, "revenue", "业绩", "Revenue", Money, |a| Some(a.revenue)),
    field!(ClinicActuals, "initial_revenue", "初复诊业绩", "First/return-visit revenue", Money, |a| Some(a.initial_revenue)),
    field!(ClinicActuals, "repeat_revenue", "再消费业绩", "Repeat revenue", Money, |a| Some(a.repeat_revenue)),
    field!(ClinicActuals, "initial_share", "初复诊占比", "First/return-visit share", Rate, |a| a.initial_share),
    field!(ClinicActuals, "repeat_share", "再消费占比", "Repeat share", Rate, |a| a.repeat_share),
    field!(ClinicActuals, "first_visits", "初诊上门量", "First visits", Count, |a| n(a.first_visits)),
    field!(ClinicActuals, "consultations", "咨询数", "Consultations", Count, |a| n(a.consultations)),
    field!(ClinicActuals, "deals", "成交数", "Deals", Count, |a| n(a.deals)),
    field!(ClinicActuals, "conversion", "转化率", "Conversion", Rate, |a| a.conversion),
    field!(ClinicActuals, "customers_served", "服务顾客数", "Customers served", Count, |a| on(a.quality.customers_served)),
    field!(ClinicActuals, "complaints", "有效投诉", "Valid complaints", Count, |a| on(a.quality.complaints)),
    field!(ClinicActuals, "complaint_rate", "投诉率", "Complaint rate", Rate, |a| a.quality.complaint_rate),
    field!(ClinicActuals, "complications", "并发症", "Complications", Count, |a| on(a.quality.complications)),
    field!(ClinicActuals, "treatments", "操作例数", "Treatments", Count, |a| on(a.quality.treatments)),
    field!(ClinicActuals, "complication_rate", "并发症发生率", "Complication rate", Rate, |a| a.quality.complication_rate),
];

/// The clinic's targets and what follows from them (this period only).
#[rustfmt::skip]
pub const CLINIC_TARGETS: &[Field<ClinicFigures>] = &[
    field!(ClinicFigures, "base", "基础目标", "Base target", Money, |c| c.base),
    field!(ClinicFigures, "sprint", "冲刺目标", "Sprint target", Money, |c| c.sprint),
    field!(ClinicFigures, "attainment_base", "基础达成率", "Attainment of base", Rate, |c| c.attainment_base),
    field!(ClinicFigures, "attainment_sprint", "冲刺达成率", "Attainment of sprint", Rate, |c| c.attainment_sprint),
    field!(ClinicFigures, "gap_base", "距基础目标", "Short of base", Money, |c| c.gap_base),
    field!(ClinicFigures, "gap_sprint", "距冲刺目标", "Short of sprint", Money, |c| c.gap_sprint),
    field!(ClinicFigures, "plan_initial_share", "计划初复诊占比", "Planned first/return-visit share", Rate, |c| c.plan_initial_share),
    field!(ClinicFigures, "plan_repeat_share", "计划再消费占比", "Planned repeat share", Rate, |c| c.plan_repeat_share),
    field!(ClinicFigures, "first_visits_base", "初诊基础目标", "First visits base", Count, |c| c.first_visits_base),
    field!(ClinicFigures, "first_visits_sprint", "初诊冲刺目标", "First visits sprint", Count, |c| c.first_visits_sprint),
    field!(ClinicFigures, "first_visits_surplus", "初诊超基础人数", "First visits above base", Count, |c| c.first_visits_surplus),
    field!(ClinicFigures, "complaint_rate_limit", "投诉率预警线", "Complaint rate limit", Rate, |c| Some(c.complaint_rate_limit)),
    field!(ClinicFigures, "complication_rate_limit", "并发症预警线", "Complication rate limit", Rate, |c| Some(c.complication_rate_limit)),
];

#[rustfmt::skip]
pub const STORE_ACTUALS: &[Field<StoreActuals>] = &[
    field!(StoreActuals, "revenue", "业绩", "Revenue", Money, |a| Some(a.revenue)),
    field!(StoreActuals, "initial_revenue", "初复诊业绩", "First/return-visit revenue", Money, |a| Some(a.initial_revenue)),
    field!(StoreActuals, "repeat_revenue", "再消费业绩", "Repeat revenue", Money, |a| Some(a.repeat_revenue)),
    field!(StoreActuals, "first_visits", "初诊上门量", "First visits", Count, |a| n(a.first_visits)),
    field!(StoreActuals, "consultations", "咨询数", "Consultations", Count, |a| n(a.consultations)),
    field!(StoreActuals, "deals", "成交数", "Deals", Count, |a| n(a.deals)),
    field!(StoreActuals, "conversion", "转化率", "Conversion", Rate, |a| a.conversion),
    field!(StoreActuals, "customers_served", "服务顾客数", "Customers served", Count, |a| on(a.quality.customers_served)),
    field!(StoreActuals, "complaints", "有效投诉", "Valid complaints", Count, |a| on(a.quality.complaints)),
    field!(StoreActuals, "complaint_rate", "投诉率", "Complaint rate", Rate, |a| a.quality.complaint_rate),
    field!(StoreActuals, "complications", "并发症", "Complications", Count, |a| on(a.quality.complications)),
    field!(StoreActuals, "treatments", "操作例数", "Treatments", Count, |a| on(a.quality.treatments)),
    field!(StoreActuals, "complication_rate", "并发症发生率", "Complication rate", Rate, |a| a.quality.complication_rate),
];

#[rustfmt::skip]
pub const STORE_TARGETS: &[Field<StoreFigures>] = &[
    field!(StoreFigures, "base", "基础目标", "Base target", Money, |s| s.base),
    field!(StoreFigures, "sprint", "冲刺目标", "Sprint target", Money, |s| s.sprint),
    field!(StoreFigures, "attainment_base", "基础达成率", "Attainment of base", Rate, |s| s.attainment_base),
    field!(StoreFigures, "attainment_sprint", "冲刺达成率", "Attainment of sprint", Rate, |s| s.attainment_sprint),
    field!(StoreFigures, "gap_base", "距基础目标", "Short of base", Money, |s| s.gap_base),
    field!(StoreFigures, "gap_sprint", "距冲刺目标", "Short of sprint", Money, |s| s.gap_sprint),
];

#[rustfmt::skip]
pub const DEPARTMENT_ACTUALS: &[Field<DepartmentActuals>] = &[
    field!(DepartmentActuals, "revenue", "业绩", "Revenue", Money, |a| Some(a.revenue)),
    field!(DepartmentActuals, "share", "占比", "Share", Rate, |a| a .share),
    field!(DepartmentActuals, "paying_customers", "付费顾客数", "Paying customers", Count, |a| n(a.paying_customers)),
    field!(DepartmentActuals, "ticket_price", "客单价", "Ticket price", Money, |a| a.ticket_price),
];

#[rustfmt::skip]
pub const DEPARTMENT_TARGETS: &[Field<DepartmentFigures>] = &[
    field!(DepartmentFigures, "plan_share", "计划占比", "Planned share", Rate, |d| d.plan_share),
    field!(DepartmentFigures, "base", "基础目标", "Base target", Money, |d| d.base),
    field!(DepartmentFigures, "sprint", "冲刺目标", "Sprint target", Money, |d| d.sprint),
    field!(DepartmentFigures, "attainment_base", "基础达成率", "Attainment of base", Rate, |d| d.attainment_base),
    field!(DepartmentFigures, "attainment_sprint", "冲刺达成率", "Attainment of sprint", Rate, |d| d.attainment_sprint),
];

#[rustfmt::skip]
pub const CHANNEL_ACTUALS: &[Field<ChannelActuals>] = &[
    field!(ChannelActuals, "consultations", "咨询数", "Consultations", Count, |a| n(a.consultations)),
    field!(ChannelActuals, "deals", "成交数", "Deals", Count, |a| n(a.deals)),
    field!(ChannelActuals, "conversion", "转化率", "Conversion", Rate, |a| a.conversion),
    field!(ChannelActuals, "revenue", "业绩", "Revenue", Money, |a| Some(a.revenue)),
];

#[rustfmt::skip]
pub const CHANNEL_TARGETS: &[Field<ChannelFigures>] = &[field!(ChannelFigures, "target", "目标转化率", "Target conversion", Rate, |c| c.target)];

/// The words of the overview's headings.
pub struct Words;

impl Words {
    pub fn title(l: Lang) -> &'static str {
        l.pick("经营概览", "Clinic overview")
    }
    pub fn clinic(l: Lang) -> &'static str {
        l.pick("整体", "Clinic")
    }
    pub fn stores(l: Lang) -> &'static str {
        l.pick("门店", "Stores")
    }
    pub fn departments(l: Lang) -> &'static str {
        l.pick("科室", "Departments")
    }
    pub fn channels(l: Lang) -> &'static str {
        l.pick("渠道", "Channels")
    }
    pub fn store(l: Lang) -> &'static str {
        l.pick("门店", "Store")
    }
    pub fn department(l: Lang) -> &'static str {
        l.pick("科室", "Department")
    }
    pub fn channel(l: Lang) -> &'static str {
        l.pick("渠道", "Channel")
    }
    pub fn figure(l: Lang) -> &'static str {
        l.pick("指标", "Figure")
    }
    pub fn current(l: Lang) -> &'static str {
        l.pick("本期", "This period")
    }
    pub fn previous(l: Lang) -> &'static str {
        l.pick("上期", "Previous")
    }
    /// A previous-period column's header: `上期·业绩`.
    pub fn previous_of(label: &str, l: Lang) -> String {
        format!("{}·{label}", Words::previous(l))
    }
    pub fn no_store(l: Lang) -> &'static str {
        l.pick("（未标门店）", "(no store)")
    }
    pub fn no_department(l: Lang) -> &'static str {
        l.pick("（未标科室）", "(no department)")
    }
    pub fn no_channel(l: Lang) -> &'static str {
        l.pick("（未标渠道）", "(no channel)")
    }
    /// The line saying which period the 上期 figures are, or why there are none.
    pub fn previous_line(ov: &Overview, l: Lang) -> String {
        match &ov.previous_period {
            Some(p) => format!(
                "{} {} ({} ~ {})",
                Words::previous(l),
                p.label,
                p.start,
                p.end
            ),
            None => l
                .pick(
                    "上期数据不全：导出数据没有覆盖上一期，不显示环比",
                    "previous period not fully covered by the exports: no comparison shown",
                )
                .to_string(),
        }
    }
    pub fn period_line(ov: &Overview, l: Lang) -> String {
        format!(
            "{} {} ({} ~ {})",
            Words::title(l),
            ov.period.label,
            ov.period.start,
            ov.period.end
        )
    }
}

/// Adds the 经营概览 sheet to `wb` (its name made unique among `used`).
pub(crate) fn add_sheet(
    wb: &mut Workbook,
    used: &mut Vec<String>,
    f: &Fmts,
    ov: &Overview,
    l: Lang,
) -> Result<(), XlsxError> {
    let name = sheet_name(Words::title(l), used);
    let ws = wb.add_worksheet();
    ws.set_name(&name)?;
    let mut w = Sheet {
        ws,
        widths: Widths::default(),
        row: 0,
        f,
        l,
    };
    w.ws.text_fmt(0, 0, &Words::period_line(ov, l), &f.title)?;
    w.ws.text(1, 0, &Words::previous_line(ov, l))?;
    w.row = 3;
    w.clinic(&ov.clinic)?;
    w.row += 1;
    let stores = w.table(
        Words::stores(l),
        Words::store(l),
        &ov.stores,
        |s| s.store.as_deref().unwrap_or(Words::no_store(l)).to_string(),
        STORE_ACTUALS,
        STORE_TARGETS,
        |s| &s.actual,
        |s| s.previous.as_ref(),
    )?;
    w.row += 1;
    let departments = w.table(
        Words::departments(l),
        Words::department(l),
        &ov.departments,
        |d| {
            d.department
                .as_deref()
                .unwrap_or(Words::no_department(l))
                .to_string()
        },
        DEPARTMENT_ACTUALS,
        DEPARTMENT_TARGETS,
        |d| &d.actual,
        |d| d.previous.as_ref(),
    )?;
    w.row += 1;
    w.table(
        Words::channels(l),
        Words::channel(l),
        &ov.channels,
        |c| {
            c.channel
                .as_deref()
                .unwrap_or(Words::no_channel(l))
                .to_string()
        },
        CHANNEL_ACTUALS,
        CHANNEL_TARGETS,
        |c| &c.actual,
        |c| c.previous.as_ref(),
    )?;
    let chart_row = w.row + 1;
    w.widths.apply(w.ws, 8, 40)?;
    let ws = w.ws;
    // Revenue against base and sprint per store; department shares against the plan.
    if let Some(t) = stores.filter(|t| t.rows > 0) {
        let mut chart = Chart::new(ChartType::Column);
        for key in ["revenue", "base", "sprint"] {
            t.series(&mut chart, &name, key);
        }
        chart.title().set_name(l.pick(
            "门店业绩与基础、冲刺目标",
            "Store revenue against base and sprint",
        ));
        chart.y_axis().set_num_format("¥#,##0");
        chart.set_width(520).set_height(300);
        ws.insert_chart(chart_row, 0, &chart)?;
    }
    if let Some(t) = departments.filter(|t| t.rows > 0) {
        let mut chart = Chart::new(ChartType::Column);
        for key in ["share", "plan_share"] {
            t.series(&mut chart, &name, key);
        }
        chart.title().set_name(l.pick(
            "科室业绩占比与计划占比",
            "Department shares against the plan",
        ));
        chart.y_axis().set_num_format("0%");
        chart.set_width(520).set_height(300);
        ws.insert_chart(chart_row, 6, &chart)?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// Where a table was written, for its chart.
struct Placed {
    /// The row of its first data row.
    first: u32,
    rows: u32,
    /// Column of each figure, by JSON key (this period's).
    cols: Vec<(&'static str, u16)>,
}

impl Placed {
    fn series(&self, chart: &mut Chart, sheet: &str, key: &str) {
        let Some(&(_, col)) = self.cols.iter().find(|(k, _)| *k == key) else {
            return;
        };
        let last = self.first + self.rows - 1;
        chart
            .add_series()
            .set_categories((sheet, self.first, 0, last, 0))
            .set_values((sheet, self.first, col, last, col))
            .set_name((sheet, self.first - 1, col));
    }
}

struct Sheet<'a> {
    ws: &'a mut Worksheet,
    widths: Widths,
    row: u32,
    f: &'a Fmts,
    l: Lang,
}

impl Sheet<'_> {
    fn header(&mut self, col: u16, text: &str) -> Result<(), XlsxError> {
        self.ws.text_fmt(self.row, col, text, &self.f.header)?;
        self.widths.see(col, text);
        Ok(())
    }

    fn value(&mut self, col: u16, kind: Kind, x: Option<f64>) -> Result<(), XlsxError> {
        if let Some(x) = x.filter(|x| x.is_finite()) {
            let fmt = Format::new().set_num_format(kind.num_format());
            self.ws.write_number_with_format(self.row, col, x, &fmt)?;
            self.widths.see(col, &kind.show(Some(x)));
        }
        Ok(())
    }

    fn section_title(&mut self, text: &str) -> Result<(), XlsxError> {
        self.ws.text_fmt(self.row, 0, text, &self.f.bold)?;
        self.row += 1;
        Ok(())
    }

    /// 整体: one row per figure — label, this period, previous period (measured figures only).
    fn clinic(&mut self, c: &ClinicFigures) -> Result<(), XlsxError> {
        let l = self.l;
        self.section_title(Words::clinic(l))?;
        self.header(0, Words::figure(l))?;
        self.header(1, Words::current(l))?;
        self.header(2, Words::previous(l))?;
        self.row += 1;
        for fd in CLINIC_ACTUALS {
            let label = fd.label(l);
            self.ws.text(self.row, 0, label)?;
            self.widths.see(0, label);
            self.value(1, fd.kind, (fd.get)(&c.actual))?;
            self.value(2, fd.kind, c.previous.as_ref().and_then(fd.get))?;
            self.row += 1;
        }
        for fd in CLINIC_TARGETS {
            let label = fd.label(l);
            self.ws.text(self.row, 0, label)?;
            self.widths.see(0, label);
            self.value(1, fd.kind, (fd.get)(c))?;
            self.row += 1;
        }
        Ok(())
    }

    /// A section of one row per name: the name, this period's figures, the targets, then the
    /// previous period's figures. Returns where it went (None when it has no rows: the section
    /// says it has none).
    #[allow(clippy::too_many_arguments)]
    fn table<R, A>(
        &mut self,
        title: &str,
        name_header: &str,
        rows: &[R],
        name: impl Fn(&R) -> String,
        actuals: &[Field<A>],
        targets: &[Field<R>],
        actual: impl Fn(&R) -> &A,
        previous: impl Fn(&R) -> Option<&A>,
    ) -> Result<Option<Placed>, XlsxError> {
        let l = self.l;
        self.section_title(title)?;
        if rows.is_empty() {
            let none = l.pick(
                "（导出数据没有这一列，无法分列）",
                "(the exports have no such column)",
            );
            self.ws.text(self.row, 0, none)?;
            self.row += 1;
            return Ok(None);
        }
        self.header(0, name_header)?;
        let mut col: u16 = 1;
        let mut cols = Vec::new();
        for fd in actuals {
            self.header(col, fd.label(l))?;
            cols.push((fd.key, col));
            col += 1;
        }
        for fd in targets {
            self.header(col, fd.label(l))?;
            cols.push((fd.key, col));
            col += 1;
        }
        for fd in actuals {
            self.header(col, &Words::previous_of(fd.label(l), l))?;
            col += 1;
        }
        self.row += 1;
        let first = self.row;
        for r in rows {
            let shown = name(r);
            self.ws.text(self.row, 0, &shown)?;
            self.widths.see(0, &shown);
            let mut col: u16 = 1;
            for fd in actuals {
                self.value(col, fd.kind, (fd.get)(actual(r)))?;
                col += 1;
            }
            for fd in targets {
                self.value(col, fd.kind, (fd.get)(r))?;
                col += 1;
            }
            for fd in actuals {
                self.value(col, fd.kind, previous(r).and_then(fd.get))?;
                col += 1;
            }
            self.row += 1;
        }
        Ok(Some(Placed {
            first,
            rows: rows.len() as u32,
            cols,
        }))
    }
}
