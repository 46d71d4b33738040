//! A year of a clinic chain's exports, generated deterministically from a seed, in the forms
//! the committed fixtures use (`fixtures/clinic/`, `examples/make_fixtures.rs`): Chinese
//! headers, a title row above the sales header, amounts as numbers or text like `¥3,200.00` /
//! `880元`, dates as date cells or text in several forms, phones as text or numbers, a roster
//! with roles the default config scores, monthly targets and ratings.
//!
//! Shared by `examples/gen_exports.rs` and `examples/bench.rs` (included with `#[path]`).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet};
use std::error::Error;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

pub type Res<T> = Result<T, Box<dyn Error>>;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub sales: u64,
    pub visits: u64,
    pub complaints: u64,
    pub surveys: u64,
    pub staff: u32,
    pub stores: u32,
    pub seed: u64,
    pub year: i32,
    /// Sales are split into this many files (quarterly exports by default).
    pub sales_files: u32,
    /// Member numbers and order ids that count up (13800000001, 13800000002 …;
    /// XS202600000001 …), as many clinic systems hand them out, instead of scrambled phone
    /// numbers and per-day order numbers.
    pub sequential_ids: bool,
}

impl Spec {
    /// The defaults of the issue: a million sales rows, 400,000 visits, 300 staff, 20 stores.
    pub fn million() -> Spec {
        Spec {
            sales: 1_000_000,
            visits: 400_000,
            complaints: 5_000,
            surveys: 50_000,
            staff: 300,
            stores: 20,
            seed: 1,
            year: 2026,
            sales_files: 4,
            sequential_ids: false,
        }
    }

    /// A folder name that says what is inside, so data of another size or seed is never reused
    /// (nor that of an older generator: `g2` added the sales' 科室 column).
    pub fn dir_name(&self) -> String {
        format!(
            "g2-y{}-s{}-v{}-c{}-q{}-p{}-st{}-f{}-seed{}{}",
            self.year,
            self.sales,
            self.visits,
            self.complaints,
            self.surveys,
            self.staff,
            self.stores,
            self.sales_files,
            self.seed,
            if self.sequential_ids { "-seq" } else { "" }
        )
    }
}

/// The output forms: a folder of xlsx workbooks, or of CSV files in UTF-8 (with BOM) or GBK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Xlsx,
    Csv,
    Gbk,
}

impl Form {
    pub fn name(self) -> &'static str {
        match self {
            Form::Xlsx => "xlsx",
            Form::Csv => "csv",
            Form::Gbk => "gbk",
        }
    }

    pub fn parse(s: &str) -> Option<Vec<Form>> {
        match s {
            "xlsx" => Some(vec![Form::Xlsx]),
            "csv" => Some(vec![Form::Csv]),
            "gbk" => Some(vec![Form::Gbk]),
            "all" => Some(vec![Form::Xlsx, Form::Csv, Form::Gbk]),
            _ => None,
        }
    }
}

/// splitmix64: tiny, fast, and good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_F42D_4C95_7F2D)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() >> 32) * n) >> 32
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// One cell of a generated row, written natively to xlsx and as text to CSV.
pub enum Cell {
    Empty,
    Text(String),
    /// A phone number or id written as a number cell (format `0`).
    Id(u64),
    /// An amount as a number cell (format `#,##0.00`); in CSV plain digits.
    Amount(f64),
    /// A score as a plain number.
    Number(f64),
    /// A date (y, m, d) and an optional (hour, minute).
    Date(i32, u32, u32, Option<(u32, u32)>),
}

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN1: &[&str] = &[
    "晓", "思", "雨", "建", "丽", "婷", "欣", "佳", "子", "梦", "志", "文", "海", "春", "静", "雅",
];
const GIVEN2: &[&str] = &[
    "雯", "琪", "桐", "国", "芳", "娟", "怡", "宁", "涵", "瑶", "强", "华", "燕", "敏", "凯", "悦",
];
const STORE_NAMES: &[&str] = &[
    "国贸店",
    "望京店",
    "中关村店",
    "三里屯店",
    "西单店",
    "亦庄店",
    "通州店",
    "回龙观店",
    "天通苑店",
    "五道口店",
    "陆家嘴店",
    "徐家汇店",
    "静安店",
    "虹桥店",
    "五角场店",
    "天河店",
    "珠江新城店",
    "福田店",
    "南山店",
    "春熙路店",
];
const DEPARTMENTS: &[&str] = &["微整科", "皮肤科", "美容外科", "口腔科"];
/// (item, base price in yuan, done by a doctor, 科室 of the sale)
const ITEMS: &[(&str, u32, bool, &str)] = &[
    ("水光针", 1980, true, "微整科"),
    ("玻尿酸填充", 6800, true, "微整科"),
    ("热玛吉", 12800, true, "皮肤科"),
    ("光子嫩肤", 2680, true, "皮肤科"),
    ("果酸焕肤", 880, false, "皮肤科"),
    ("皮肤管理护理", 680, false, "皮肤科"),
    ("超皮秒祛斑", 3200, true, "皮肤科"),
    ("肉毒素除皱", 2980, true, "微整科"),
    ("线雕提升", 8800, true, "美容外科"),
    ("术后修复套餐", 1200, false, "美容外科"),
    ("黄金微针", 4600, true, "皮肤科"),
    ("小气泡清洁", 380, false, "皮肤科"),
];
const CHANNELS: &[&str] = &["美团", "小红书", "抖音", "老带新", "自然到店", "大众点评"];
const COMPLAINT_TYPES: &[&str] = &[
    "服务态度",
    "效果不满",
    "等候时间",
    "价格争议",
    "并发症",
    "不良反应",
];

/// One person of the chain's roster.
pub struct Staff {
    pub name: String,
    pub id: String,
    pub role: &'static str,
    pub store: usize,
    pub department: &'static str,
    /// Monthly revenue target in yuan (consultants and doctors).
    pub target: Option<u32>,
    pub hired: (i32, u32, u32),
    pub left: Option<(i32, u32, u32)>,
}

/// The chain: stores, their staff by role, and each store's customers.
pub struct Chain {
    pub stores: Vec<String>,
    pub staff: Vec<Staff>,
    /// Per store: indices into `staff` by role.
    pub consultants: Vec<Vec<usize>>,
    pub doctors: Vec<Vec<usize>>,
    pub nurses: Vec<Vec<usize>>,
    /// Customers per store (each store has its own range of customer numbers).
    pub customers_per_store: u64,
    /// Member numbers count up from 13800000001 (else scrambled phone numbers).
    pub sequential_ids: bool,
}

fn store_name(i: usize) -> String {
    match STORE_NAMES.get(i) {
        Some(n) => (*n).to_string(),
        None => format!("{}号店", i + 1),
    }
}

/// A unique Chinese-looking name for staff number `i` (surname, two given characters; a
/// number is appended past the 7,680 combinations).
fn staff_name(i: usize) -> String {
    let combos = SURNAMES.len() * GIVEN1.len() * GIVEN2.len();
    // Multiplying by a number coprime with `combos` permutes 0..combos, so neighbours differ
    // in every character and no two of the first `combos` staff share a name.
    let j = ((i % combos) as u64 * 2_654_435_761 % combos as u64) as usize;
    let s = SURNAMES[j % SURNAMES.len()];
    let g1 = GIVEN1[(j / SURNAMES.len()) % GIVEN1.len()];
    let g2 = GIVEN2[(j / (SURNAMES.len() * GIVEN1.len())) % GIVEN2.len()];
    let base = format!("{s}{g1}{g2}");
    let round = i / combos;
    if round == 0 {
        base
    } else {
        format!("{base}{round}")
    }
}

impl Chain {
    pub fn new(spec: &Spec) -> Chain {
        let mut rng = Rng::new(spec.seed.wrapping_mul(31).wrapping_add(7));
        let n_stores = spec.stores.max(1) as usize;
        let stores: Vec<String> = (0..n_stores).map(store_name).collect();
        let mut staff = Vec::new();
        let mut consultants = vec![Vec::new(); n_stores];
        let mut doctors = vec![Vec::new(); n_stores];
        let mut nurses = vec![Vec::new(); n_stores];
        // Per store, in turn: 客服主管 first, then consultants, doctors, nurses and a front desk
        // in the proportions 6 : 3 : 4 : 1 (of 15 per store: 1 + 6 + 3 + 4 + 1).
        let cycle: [&'static str; 14] = [
            "咨询师",
            "医生",
            "护士",
            "咨询师",
            "护士",
            "咨询师",
            "医生",
            "护士",
            "咨询师",
            "前台",
            "咨询师",
            "医生",
            "护士",
            "咨询师",
        ];
        let total = spec.staff.max(n_stores as u32 * 4) as usize;
        for i in 0..total {
            let store = i % n_stores;
            let k = i / n_stores;
            let role = if k == 0 {
                "客服主管"
            } else {
                // Every store gets at least one consultant, doctor and nurse first.
                match k {
                    1 => "咨询师",
                    2 => "医生",
                    3 => "护士",
                    _ => cycle[(k - 4) % cycle.len()],
                }
            };
            let department = match role {
                "客服主管" | "前台" => "客服部",
                _ => DEPARTMENTS[rng.below(DEPARTMENTS.len() as u64) as usize],
            };
            let target = match role {
                "咨询师" => Some(40_000 + 5_000 * rng.below(7) as u32),
                "医生" => Some(100_000 + 10_000 * rng.below(6) as u32),
                _ => None,
            };
            let hired = (
                spec.year - 1 - rng.below(6) as i32,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
            );
            // About one in forty left during the year (never a store's only one of a role).
            let left = (k > 4 && rng.chance(3)).then(|| {
                (
                    spec.year,
                    2 + rng.below(10) as u32,
                    1 + rng.below(28) as u32,
                )
            });
            let idx = staff.len();
            match role {
                "咨询师" => consultants[store].push(idx),
                "医生" => doctors[store].push(idx),
                "护士" => nurses[store].push(idx),
                _ => {}
            }
            let prefix = match role {
                "咨询师" => "C",
                "医生" => "D",
                "护士" => "N",
                "客服主管" => "S",
                _ => "R",
            };
            staff.push(Staff {
                name: staff_name(i),
                id: format!("{prefix}{:04}", i + 1),
                role,
                store,
                department,
                target,
                hired,
                left,
            });
        }
        let customers_per_store = (spec.sales / 4 / n_stores as u64).max(50);
        Chain {
            stores,
            staff,
            consultants,
            doctors,
            nurses,
            customers_per_store,
            sequential_ids: spec.sequential_ids,
        }
    }

    /// A customer's phone number: unique per (store, number).
    pub fn phone(&self, store: usize, k: u64) -> u64 {
        let serial = store as u64 * self.customers_per_store + k;
        if self.sequential_ids {
            // The membership system's numbers: 13800000001, 13800000002, …
            return 13_800_000_001 + serial;
        }
        // 13x, 15x, 18x prefixes; 8 digits of serial, scrambled a little.
        let prefixes = [130u64, 135, 138, 139, 150, 151, 158, 186, 188, 189];
        let p = prefixes[(serial % prefixes.len() as u64) as usize];
        let body = (serial / prefixes.len() as u64 * 7_919 + serial % 7_919) % 100_000_000;
        p * 100_000_000 + body
    }

    fn customer(&self, rng: &mut Rng, store: usize) -> u64 {
        // A few regulars buy often: half of the picks come from the first tenth.
        let n = self.customers_per_store;
        let k = if rng.chance(50) {
            rng.below((n / 10).max(1))
        } else {
            rng.below(n)
        };
        self.phone(store, k)
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

/// The (month, day) of day-of-year `doy` (0-based).
fn month_day(y: i32, doy: u32) -> (u32, u32) {
    let mut d = doy;
    for m in 1..=12 {
        let n = days_in_month(y, m);
        if d < n {
            return (m, d + 1);
        }
        d -= n;
    }
    (12, 31)
}

fn days_in_year(y: i32) -> u32 {
    (1..=12).map(|m| days_in_month(y, m)).sum()
}

/// A date as text in one of the forms the exports use.
fn date_text(rng: &mut Rng, y: i32, m: u32, d: u32) -> String {
    match rng.below(10) {
        0 => format!("{y}/{m}/{d}"),
        1 => format!("{y}年{m}月{d}日"),
        2 => format!("{y}{m:02}{d:02}"),
        3 => format!("{y}.{m:02}.{d:02}"),
        _ => format!("{y}-{m:02}-{d:02}"),
    }
}

/// An amount as text: `¥3,200.00` (or `￥` in GBK files), `880元` or plain digits.
fn amount_text(rng: &mut Rng, yuan: f64, gbk: bool) -> String {
    let neg = yuan < 0.0;
    let fen = (yuan.abs() * 100.0).round() as u64;
    let whole = fen / 100;
    let mut grouped = String::new();
    let digits = whole.to_string();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if neg { "-" } else { "" };
    match rng.below(3) {
        0 => {
            let cur = if gbk { "￥" } else { "¥" };
            format!("{sign}{cur}{grouped}.{:02}", fen % 100)
        }
        1 => format!("{sign}{whole}元"),
        _ => {
            if fen.is_multiple_of(100) {
                format!("{sign}{whole}")
            } else {
                format!("{sign}{whole}.{:02}", fen % 100)
            }
        }
    }
}

/// A sheet: its name (xlsx) or file stem (CSV), optional title rows, header and rows.
pub trait SheetSink {
    fn title(&mut self, text: &str) -> Res<()>;
    fn header(&mut self, header: &[&str]) -> Res<()>;
    fn row(&mut self, cells: &[Cell]) -> Res<()>;
}

struct XlsxSink<'a> {
    ws: &'a mut Worksheet,
    row: u32,
    f: &'a Formats,
}

struct Formats {
    header: Format,
    date: Format,
    datetime: Format,
    amount: Format,
    id: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            amount: Format::new().set_num_format("#,##0.00"),
            id: Format::new().set_num_format("0"),
        }
    }
}

impl SheetSink for XlsxSink<'_> {
    fn title(&mut self, text: &str) -> Res<()> {
        self.ws.write_string(self.row, 0, text)?;
        self.row += 1;
        Ok(())
    }

    fn header(&mut self, header: &[&str]) -> Res<()> {
        for (c, h) in (0u16..).zip(header) {
            self.ws
                .write_string_with_format(self.row, c, *h, &self.f.header)?;
        }
        self.row += 1;
        Ok(())
    }

    fn row(&mut self, cells: &[Cell]) -> Res<()> {
        let r = self.row;
        for (c, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Empty => {}
                Cell::Text(t) => {
                    self.ws.write_string(r, c, t)?;
                }
                Cell::Id(n) => {
                    self.ws
                        .write_number_with_format(r, c, *n as f64, &self.f.id)?;
                }
                Cell::Amount(v) => {
                    self.ws.write_number_with_format(r, c, *v, &self.f.amount)?;
                }
                Cell::Number(v) => {
                    self.ws.write_number(r, c, *v)?;
                }
                Cell::Date(y, m, d, time) => {
                    let day = ExcelDateTime::from_ymd(*y as u16, *m as u8, *d as u8)?;
                    match time {
                        Some((h, mi)) => {
                            let t = day.and_hms(*h as u16, *mi as u8, 0)?;
                            self.ws
                                .write_datetime_with_format(r, c, &t, &self.f.datetime)?;
                        }
                        None => {
                            self.ws
                                .write_datetime_with_format(r, c, &day, &self.f.date)?;
                        }
                    }
                }
            }
        }
        self.row += 1;
        Ok(())
    }
}

/// A CSV file, UTF-8 with a BOM or GBK, CRLF line ends, fields quoted only when needed.
struct CsvSink {
    out: BufWriter<fs::File>,
    gbk: bool,
    line: String,
}

impl CsvSink {
    fn create(path: &Path, gbk: bool) -> Res<CsvSink> {
        let mut out = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
        if !gbk {
            out.write_all(b"\xEF\xBB\xBF")?;
        }
        Ok(CsvSink {
            out,
            gbk,
            line: String::new(),
        })
    }

    fn push_field(&mut self, first: bool, text: &str) {
        if !first {
            self.line.push(',');
        }
        if text.contains([',', '"', '\n', '\r']) {
            self.line.push('"');
            self.line.push_str(&text.replace('"', "\"\""));
            self.line.push('"');
        } else {
            self.line.push_str(text);
        }
    }

    fn end_line(&mut self) -> Res<()> {
        self.line.push_str("\r\n");
        if self.gbk {
            let (bytes, _, errors) = encoding_rs::GBK.encode(&self.line);
            if errors {
                return Err(format!("no GBK encoding for {:?}", self.line).into());
            }
            self.out.write_all(&bytes)?;
        } else {
            self.out.write_all(self.line.as_bytes())?;
        }
        self.line.clear();
        Ok(())
    }

    fn finish(mut self) -> Res<()> {
        self.out.flush()?;
        Ok(())
    }
}

impl SheetSink for CsvSink {
    fn title(&mut self, text: &str) -> Res<()> {
        self.push_field(true, text);
        self.end_line()
    }

    fn header(&mut self, header: &[&str]) -> Res<()> {
        for (i, h) in header.iter().enumerate() {
            self.push_field(i == 0, h);
        }
        self.end_line()
    }

    fn row(&mut self, cells: &[Cell]) -> Res<()> {
        for (i, cell) in cells.iter().enumerate() {
            let text = match cell {
                Cell::Empty => String::new(),
                Cell::Text(t) => t.clone(),
                Cell::Id(n) => n.to_string(),
                Cell::Amount(v) | Cell::Number(v) => format!("{v}"),
                Cell::Date(y, m, d, None) => format!("{y}-{m:02}-{d:02}"),
                Cell::Date(y, m, d, Some((h, mi))) => {
                    format!("{y}-{m:02}-{d:02} {h:02}:{mi:02}")
                }
            };
            self.push_field(i == 0, &text);
        }
        self.end_line()
    }
}

/// The order a sales row belongs to (an order has one to a few item rows).
#[derive(Clone)]
struct Order {
    id: String,
    store: usize,
    customer: u64,
    consultant: usize,
    doctor: Option<usize>,
    nurse: usize,
    day: u32,
}

/// Fills one sheet of a workbook.
type Fill<'a> = &'a mut dyn FnMut(&mut dyn SheetSink) -> Res<()>;

/// Generates rows of one kind into a sink. `text_forms` is true for CSV targets (dates and
/// amounts as text in mixed forms; no number cells), `gbk` for GBK files (￥ not ¥).
struct Emit<'a> {
    chain: &'a Chain,
    spec: &'a Spec,
    text_forms: bool,
    gbk: bool,
}

impl Emit<'_> {
    fn date_cell(&self, rng: &mut Rng, y: i32, m: u32, d: u32) -> Cell {
        // xlsx: nine in ten dates are date cells, the rest text; CSV: all text, mixed forms.
        if self.text_forms || rng.chance(10) {
            Cell::Text(date_text(rng, y, m, d))
        } else {
            Cell::Date(y, m, d, None)
        }
    }

    fn amount_cell(&self, rng: &mut Rng, yuan: f64) -> Cell {
        if self.text_forms {
            if rng.chance(30) {
                Cell::Text(amount_text(rng, yuan, self.gbk))
            } else {
                Cell::Amount(yuan)
            }
        } else if rng.chance(8) {
            Cell::Text(amount_text(rng, yuan, self.gbk))
        } else {
            Cell::Amount(yuan)
        }
    }

    fn phone_cell(&self, rng: &mut Rng, phone: u64) -> Cell {
        if !self.text_forms && rng.chance(15) {
            Cell::Id(phone)
        } else {
            Cell::Text(phone.to_string())
        }
    }

    /// Sales rows `from..to` of the year's `total`, dated in order over the year.
    fn sales(&self, sink: &mut dyn SheetSink, part: u32, from: u64, to: u64) -> Res<f64> {
        let spec = self.spec;
        let chain = self.chain;
        let y = spec.year;
        let year_days = days_in_year(y) as u64;
        let mut rng = Rng::new(spec.seed ^ (0xA11CE + part as u64));
        let mut total = 0.0;
        let mut order_no = 0u64;
        let mut current: Option<Order> = None;
        for i in from..to {
            let doy = (i * year_days / spec.sales.max(1)) as u32;
            let (m, d) = month_day(y, doy);
            let continues = current.as_ref().is_some_and(|c| c.day == doy) && rng.chance(25);
            if !continues {
                order_no += 1;
                let store = rng.below(chain.stores.len() as u64) as usize;
                let cons = *rng.pick(&chain.consultants[store]);
                let doc = Some(*rng.pick(&chain.doctors[store]));
                let nurse = *rng.pick(&chain.nurses[store]);
                let customer = chain.customer(&mut rng, store);
                current = Some(Order {
                    id: if spec.sequential_ids {
                        // Counted up over the year: a part's orders are numbered after the
                        // rows before it, so no two parts share one.
                        format!("XS{y}{:08}", from + order_no)
                    } else {
                        format!("SY{y}{m:02}{d:02}{part}{order_no:07}")
                    },
                    store,
                    customer,
                    consultant: cons,
                    doctor: doc,
                    nurse,
                    day: doy,
                });
            }
            let Some(Order {
                id: order_id,
                store,
                customer,
                consultant: cons,
                doctor: doc,
                nurse,
                ..
            }) = current.clone()
            else {
                continue;
            };
            let (item, price, by_doctor, department) = *rng.pick(ITEMS);
            let refund = rng.chance(2);
            let kind = if refund {
                "退款"
            } else {
                match rng.below(10) {
                    0..=4 => "新单",
                    5..=6 => "复购",
                    _ => "二开",
                }
            };
            // Prices vary by ±20% in steps of 10 yuan; refunds are all or half of it.
            let step = price as f64 / 50.0;
            let mut amount =
                ((price as f64 + step * (rng.below(21) as f64 - 10.0)) / 10.0).round() * 10.0;
            if refund {
                amount = -(if rng.chance(50) { amount } else { amount / 2.0 });
            }
            total += amount;
            let doctor = if by_doctor { doc } else { None };
            let cells = [
                Cell::Text(order_id),
                self.date_cell(&mut rng, y, m, d),
                self.phone_cell(&mut rng, customer),
                Cell::Text(item.to_string()),
                Cell::Text(kind.to_string()),
                self.amount_cell(&mut rng, amount),
                Cell::Text(chain.staff[cons].name.clone()),
                doctor.map_or(Cell::Empty, |i| Cell::Text(chain.staff[i].name.clone())),
                Cell::Text(chain.staff[nurse].name.clone()),
                Cell::Text(chain.stores[store].clone()),
                Cell::Text(department.to_string()),
            ];
            sink.row(&cells)?;
        }
        Ok(total)
    }

    fn visits(&self, sink: &mut dyn SheetSink) -> Res<()> {
        let spec = self.spec;
        let chain = self.chain;
        let y = spec.year;
        let year_days = days_in_year(y) as u64;
        let mut rng = Rng::new(spec.seed ^ 0xB0B);
        for i in 0..spec.visits {
            let doy = (i * year_days / spec.visits.max(1)) as u32;
            let (m, d) = month_day(y, doy);
            let store = rng.below(chain.stores.len() as u64) as usize;
            let cons = *rng.pick(&chain.consultants[store]);
            let customer = chain.customer(&mut rng, store);
            let first = rng.chance(45);
            let deal = match rng.below(100) {
                0..=39 => "是",
                40..=49 => "成交",
                50..=54 => "Y",
                55..=84 => "否",
                85..=94 => "未成交",
                _ => "N",
            };
            let cells = [
                self.date_cell(&mut rng, y, m, d),
                self.phone_cell(&mut rng, customer),
                Cell::Text(chain.staff[cons].name.clone()),
                Cell::Text(if first { "初诊" } else { "复诊" }.to_string()),
                Cell::Text(rng.pick(CHANNELS).to_string()),
                Cell::Text(deal.to_string()),
                Cell::Text(chain.stores[store].clone()),
            ];
            sink.row(&cells)?;
        }
        Ok(())
    }

    fn complaints(&self, sink: &mut dyn SheetSink) -> Res<()> {
        let spec = self.spec;
        let chain = self.chain;
        let y = spec.year;
        let year_days = days_in_year(y) as u64;
        let mut rng = Rng::new(spec.seed ^ 0xC0C);
        for i in 0..spec.complaints {
            let doy = (i * year_days / spec.complaints.max(1)) as u32;
            let (m, d) = month_day(y, doy);
            let store = rng.below(chain.stores.len() as u64) as usize;
            let who = match rng.below(3) {
                0 => *rng.pick(&chain.consultants[store]),
                1 => *rng.pick(&chain.doctors[store]),
                _ => *rng.pick(&chain.nurses[store]),
            };
            let category = if chain.staff[who].role == "医生" && rng.chance(20) {
                *rng.pick(&COMPLAINT_TYPES[4..])
            } else {
                *rng.pick(&COMPLAINT_TYPES[..4])
            };
            let (h, mi) = (9 + rng.below(11) as u32, rng.below(60) as u32);
            // Resolved the same or the next day, a few never.
            let resolved = if rng.chance(90) {
                let (rm, rd) = month_day(y, (doy + rng.below(2) as u32).min(year_days as u32 - 1));
                Cell::Date(
                    y,
                    rm,
                    rd,
                    Some((9 + rng.below(11) as u32, rng.below(60) as u32)),
                )
            } else {
                Cell::Empty
            };
            let cells = [
                Cell::Date(y, m, d, Some((h, mi))),
                Cell::Text(chain.staff[who].name.clone()),
                {
                    let phone = chain.customer(&mut rng, store);
                    self.phone_cell(&mut rng, phone)
                },
                Cell::Text(category.to_string()),
                Cell::Text(if rng.chance(85) { "有效" } else { "无效" }.to_string()),
                resolved,
            ];
            sink.row(&cells)?;
        }
        Ok(())
    }

    fn surveys(&self, sink: &mut dyn SheetSink) -> Res<()> {
        let spec = self.spec;
        let chain = self.chain;
        let y = spec.year;
        let year_days = days_in_year(y) as u64;
        let mut rng = Rng::new(spec.seed ^ 0x5E5);
        for i in 0..spec.surveys {
            let doy = (i * year_days / spec.surveys.max(1)) as u32;
            let (m, d) = month_day(y, doy);
            let store = rng.below(chain.stores.len() as u64) as usize;
            let who = match rng.below(3) {
                0 => *rng.pick(&chain.consultants[store]),
                1 => *rng.pick(&chain.doctors[store]),
                _ => *rng.pick(&chain.nurses[store]),
            };
            let score = [3.0, 4.0, 4.0, 5.0, 5.0, 5.0][rng.below(6) as usize];
            let cells = [
                self.date_cell(&mut rng, y, m, d),
                Cell::Text(chain.staff[who].name.clone()),
                {
                    let phone = chain.customer(&mut rng, store);
                    self.phone_cell(&mut rng, phone)
                },
                Cell::Number(score),
            ];
            sink.row(&cells)?;
        }
        Ok(())
    }

    fn roster(&self, sink: &mut dyn SheetSink) -> Res<()> {
        for s in &self.chain.staff {
            let (hy, hm, hd) = s.hired;
            let cells = [
                Cell::Text(s.name.clone()),
                Cell::Text(s.id.clone()),
                Cell::Text(s.role.to_string()),
                Cell::Text(self.chain.stores[s.store].clone()),
                Cell::Text(s.department.to_string()),
                s.target.map_or(Cell::Empty, |t| Cell::Amount(t as f64)),
                if self.text_forms {
                    Cell::Text(format!("{hy}-{hm:02}-{hd:02}"))
                } else {
                    Cell::Date(hy, hm, hd, None)
                },
                match s.left {
                    None => Cell::Empty,
                    Some((y, m, d)) if self.text_forms => Cell::Text(format!("{y}-{m:02}-{d:02}")),
                    Some((y, m, d)) => Cell::Date(y, m, d, None),
                },
            ];
            sink.row(&cells)?;
        }
        Ok(())
    }

    fn targets(&self, sink: &mut dyn SheetSink) -> Res<()> {
        let y = self.spec.year;
        let mut rng = Rng::new(self.spec.seed ^ 0x7A7);
        for s in &self.chain.staff {
            let Some(t) = s.target else { continue };
            if s.role != "咨询师" {
                continue;
            }
            for m in 1..=12 {
                let month = if rng.chance(20) {
                    format!("{y}年{m}月")
                } else {
                    format!("{y}-{m:02}")
                };
                let monthly = t + 1_000 * rng.below(5) as u32;
                let cells = [
                    Cell::Text(s.name.clone()),
                    Cell::Text(month),
                    Cell::Amount(monthly as f64),
                ];
                sink.row(&cells)?;
            }
        }
        Ok(())
    }

    fn ratings(&self, sink: &mut dyn SheetSink) -> Res<()> {
        let y = self.spec.year;
        let mut rng = Rng::new(self.spec.seed ^ 0x4A7);
        for s in &self.chain.staff {
            let items: &[&str] = match s.role {
                "咨询师" => &["专业知识", "合规执业"],
                "护士" => &["操作规范"],
                "客服主管" => &["培训效果"],
                _ => &[],
            };
            for m in 1..=12 {
                for item in items {
                    let cells = [
                        Cell::Text(s.name.clone()),
                        Cell::Text(format!("{y}-{m:02}")),
                        Cell::Text((*item).to_string()),
                        Cell::Number(60.0 + rng.below(41) as f64),
                    ];
                    sink.row(&cells)?;
                }
            }
        }
        Ok(())
    }
}

const SALES_HEADER: [&str; 11] = [
    "收银单号",
    "结账日期",
    "手机号",
    "项目名称",
    "消费类型",
    "实收金额(元)",
    "现场咨询",
    "主诊医生",
    "配台护士",
    "门店",
    "科室",
];
const VISITS_HEADER: [&str; 7] = [
    "到院日期",
    "手机号",
    "现场咨询师",
    "初复诊",
    "来源渠道",
    "是否成交",
    "门店",
];
const COMPLAINTS_HEADER: [&str; 6] = [
    "投诉日期",
    "被投诉人",
    "手机号",
    "投诉类型",
    "是否有效",
    "处理完成时间",
];
const SURVEYS_HEADER: [&str; 4] = ["回访日期", "服务人员", "手机号", "满意度"];
const ROSTER_HEADER: [&str; 8] = [
    "姓名",
    "工号",
    "岗位",
    "门店",
    "科室",
    "月度业绩目标",
    "入职日期",
    "离职日期",
];
const TARGETS_HEADER: [&str; 3] = ["姓名", "考核月份", "业绩目标"];
const RATINGS_HEADER: [&str; 4] = ["姓名", "考核月份", "考核项", "得分"];

/// The rows of sales file `part` (0-based) of `spec.sales_files`.
fn sales_range(spec: &Spec, part: u32) -> (u64, u64) {
    let n = spec.sales_files.max(1) as u64;
    let p = part as u64;
    (spec.sales * p / n, spec.sales * (p + 1) / n)
}

fn sales_file_stem(spec: &Spec, part: u32) -> String {
    let n = spec.sales_files.max(1);
    if n == 4 {
        format!("{}年Q{}消费流水", spec.year, part + 1)
    } else {
        format!("{}年消费流水_{:02}", spec.year, part + 1)
    }
}

fn new_workbook(spec: &Spec) -> Res<Workbook> {
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_author("clinic-kpi gen_exports")
        .set_creation_datetime(&ExcelDateTime::from_ymd(spec.year as u16 + 1, 1, 2)?);
    wb.set_properties(&props);
    Ok(wb)
}

/// Writes one constant-memory sheet of a new workbook with `fill`, saving it to `path`.
fn xlsx_one(spec: &Spec, path: &Path, sheets: &mut [(&str, Fill)]) -> Res<()> {
    let f = Formats::new();
    let mut wb = new_workbook(spec)?;
    for (name, fill) in sheets.iter_mut() {
        // Constant memory: each row is flushed to a temporary file once the next one starts,
        // with strings written inline, as streaming exporters (POI SXSSF, EasyExcel) do.
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(*name)?;
        let mut sink = XlsxSink { ws, row: 0, f: &f };
        fill(&mut sink)?;
    }
    wb.save(path)?;
    Ok(())
}

/// Writes the whole set in `form` into `dir` (created). Returns the files written.
pub fn write_set(spec: &Spec, form: Form, dir: &Path) -> Res<Vec<PathBuf>> {
    fs::create_dir_all(dir)?;
    let chain = Chain::new(spec);
    let em = Emit {
        chain: &chain,
        spec,
        text_forms: form != Form::Xlsx,
        gbk: form == Form::Gbk,
    };
    let y = spec.year;
    let mut written = Vec::new();
    let sales_title = |part: u32| format!("XX医美连锁 {y}年消费明细（第{}部分）", part + 1);
    let export_note = format!("导出时间：{}-01-02 09:00", y + 1);
    match form {
        Form::Xlsx => {
            for part in 0..spec.sales_files.max(1) {
                let path = dir.join(format!("{}.xlsx", sales_file_stem(spec, part)));
                let (from, to) = sales_range(spec, part);
                xlsx_one(
                    spec,
                    &path,
                    &mut [("消费明细", &mut |s: &mut dyn SheetSink| {
                        s.title(&sales_title(part))?;
                        s.title(&export_note)?;
                        s.header(&SALES_HEADER)?;
                        let total = em.sales(s, part, from, to)?;
                        let mut totals: Vec<Cell> = (0..10).map(|_| Cell::Empty).collect();
                        totals[0] = Cell::Text("合计".into());
                        totals[5] = Cell::Amount((total * 100.0).round() / 100.0);
                        s.row(&totals)
                    })],
                )?;
                written.push(path);
            }
            let path = dir.join("到院咨询登记.xlsx");
            xlsx_one(
                spec,
                &path,
                &mut [("到院登记", &mut |s: &mut dyn SheetSink| {
                    s.header(&VISITS_HEADER)?;
                    em.visits(s)
                })],
            )?;
            written.push(path);
            let path = dir.join("投诉记录.xlsx");
            xlsx_one(
                spec,
                &path,
                &mut [("Sheet1", &mut |s: &mut dyn SheetSink| {
                    s.header(&COMPLAINTS_HEADER)?;
                    em.complaints(s)
                })],
            )?;
            written.push(path);
            let path = dir.join("回访满意度.xlsx");
            xlsx_one(
                spec,
                &path,
                &mut [("Sheet1", &mut |s: &mut dyn SheetSink| {
                    s.header(&SURVEYS_HEADER)?;
                    em.surveys(s)
                })],
            )?;
            written.push(path);
            let path = dir.join("人事考核资料.xlsx");
            xlsx_one(
                spec,
                &path,
                &mut [
                    ("员工花名册", &mut |s: &mut dyn SheetSink| {
                        s.header(&ROSTER_HEADER)?;
                        em.roster(s)
                    }),
                    ("考核目标", &mut |s: &mut dyn SheetSink| {
                        s.header(&TARGETS_HEADER)?;
                        em.targets(s)
                    }),
                    ("主管评分", &mut |s: &mut dyn SheetSink| {
                        s.header(&RATINGS_HEADER)?;
                        em.ratings(s)
                    }),
                ],
            )?;
            written.push(path);
        }
        Form::Csv | Form::Gbk => {
            let gbk = form == Form::Gbk;
            let mut csv = |name: &str, fill: &mut dyn FnMut(&mut dyn SheetSink) -> Res<()>| {
                let path = dir.join(format!("{name}.csv"));
                let mut sink = CsvSink::create(&path, gbk)?;
                fill(&mut sink)?;
                sink.finish()?;
                written.push(path);
                Ok::<(), Box<dyn Error>>(())
            };
            for part in 0..spec.sales_files.max(1) {
                let (from, to) = sales_range(spec, part);
                csv(&sales_file_stem(spec, part), &mut |s| {
                    s.title(&sales_title(part))?;
                    s.header(&SALES_HEADER)?;
                    em.sales(s, part, from, to).map(|_| ())
                })?;
            }
            csv("到院咨询登记", &mut |s| {
                s.header(&VISITS_HEADER)?;
                em.visits(s)
            })?;
            csv("投诉记录", &mut |s| {
                s.header(&COMPLAINTS_HEADER)?;
                em.complaints(s)
            })?;
            csv("回访满意度", &mut |s| {
                s.header(&SURVEYS_HEADER)?;
                em.surveys(s)
            })?;
            csv("员工花名册", &mut |s| {
                s.header(&ROSTER_HEADER)?;
                em.roster(s)
            })?;
            csv("考核目标", &mut |s| {
                s.header(&TARGETS_HEADER)?;
                em.targets(s)
            })?;
            csv("主管评分", &mut |s| {
                s.header(&RATINGS_HEADER)?;
                em.ratings(s)
            })?;
        }
    }
    Ok(written)
}

/// Writes the set in `form` under `root/<form>` unless a completed one is already there (a
/// `<form>.done` marker next to the folder, written last). Returns the data folder.
pub fn ensure_set(spec: &Spec, form: Form, root: &Path, quiet: bool) -> Res<PathBuf> {
    let dir = root.join(form.name());
    let done = root.join(format!("{}.done", form.name()));
    if done.is_file() && dir.is_dir() {
        return Ok(dir);
    }
    if dir.exists() {
        fs::remove_dir_all(&dir)?;
    }
    if !quiet {
        eprintln!("generating {} set in {} ...", form.name(), dir.display());
    }
    let t = std::time::Instant::now();
    let files = write_set(spec, form, &dir)?;
    let bytes: u64 = files
        .iter()
        .map(|f| fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    if !quiet {
        eprintln!(
            "  {} files, {:.1} MB, in {:.1} s",
            files.len(),
            bytes as f64 / 1e6,
            t.elapsed().as_secs_f64()
        );
    }
    fs::write(&done, format!("{spec:?}\n"))?;
    Ok(dir)
}
