//! Writes the `clinic-kpi` test fixtures: a small two-store clinic's September and
//! October 2026 exports (sales, visits, complaints, roster/targets/ratings, surveys).
//!
//!     cargo run --example make_fixtures -- [OUT_DIR]      (default `fixtures/clinic`)
//!
//! Every row is hand-checkable; `fixtures/clinic/LEDGER.md` lists what each row is.
//!
//! Cell specs used in the tables below:
//! - `""`                 → no cell written (empty)
//! - `"#123.5"`           → a number cell (phones get the format `0`, amounts `#,##0.00`)
//! - `"@2026-10-03"`      → a real Excel date cell
//! - `"@2026-10-03 14:30"`→ a real Excel date-time cell
//! - anything else        → a text cell, written as is

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet};

type Res<T> = Result<T, Box<dyn Error>>;

// ---------------------------------------------------------------------------------------------
// 1. 2026年10月消费流水.xlsx — sheet 消费明细: title row, export-time row, header on row 3.
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const SALES_XLSX_HEADER: [&str; 10] = ["收银单号", "结账日期", "手机号", "项目名称", "消费类型", "实收金额(元)", "现场咨询", "主诊医生", "配台护士", "门店"];

/// Rows 4.. of the sheet, in order. An all-empty row is written as a blank row.
#[rustfmt::skip]
const SALES_XLSX_ROWS: [[&str; 10]; 28] = [
    // row 4
    ["SY202610020001", "@2026-10-02", "18800007890", "水光针", "新单", "#1980", "王思琪", "陈建国", "刘芳", "一店"],
    // row 5: phone typed as a number
    ["SY202610030001", "@2026-10-03", "#13800001234", "玻尿酸填充", "新单", "#6800", "林晓雯", "陈建国", "刘芳", "一店"],
    // row 6: date as text 2026/10/4
    ["SY202610040001", "2026/10/4", "13811112222", "玻尿酸填充", "新单", "#7200", "周婷", "郑凯", "何静", "二店"],
    // rows 7-8: one order, two items
    ["SY202610050001", "@2026-10-05", "13900002345", "热玛吉", "新单", "#12800", "林晓雯", "陈建国", "刘芳", "一店"],
    ["SY202610050001", "@2026-10-05", "13900002345", "水光针", "新单", "#1980", "林晓雯", "陈建国", "刘芳", "一店"],
    // row 9: date as text 2026年10月6日, phone as number
    ["SY202610060001", "2026年10月6日", "#13922223333", "热玛吉", "复购", "#13800", "周婷", "郑凯", "黄丽娟", "二店"],
    // rows 10-11: same customer, same consultant, same day, two orders
    ["SY202610080001", "@2026-10-08", "13700003456", "光子嫩肤", "新单", "#2680", "林晓雯", "陈建国", "刘芳", "一店"],
    ["SY202610080002", "@2026-10-08", "13700003456", "果酸焕肤", "二开", "#880", "林晓雯", "", "刘芳", "一店"],
    // row 12
    ["SY202610090001", "@2026-10-09", "15000008901", "皮肤管理护理", "复购", "#680", "王思琪", "", "刘芳", "一店"],
    // row 13: amount as text ¥3,200.00
    ["SY202610100001", "@2026-10-10", "13600004567", "超皮秒祛斑", "新单", "¥3,200.00", "林晓雯", "陈建国", "刘芳", "一店"],
    // row 14
    ["SY202610110001", "@2026-10-11", "13733334444", "光子嫩肤", "新单", "#2680", "周婷", "郑凯", "何静", "二店"],
    // row 15
    ["SY202610120001", "@2026-10-12", "13500005678", "肉毒素除皱", "新单", "#2980", "林晓雯", "陈建国", "刘芳", "一店"],
    // row 16
    ["SY202610130001", "@2026-10-13", "15199990000", "皮肤管理护理", "新单", "#680", "吴雨桐", "", "黄丽娟", "二店"],
    // row 17: full refund of row 15 (the customer's only October purchase), same order id
    ["SY202610120001", "@2026-10-14", "13500005678", "肉毒素除皱", "退款", "#-2980", "林晓雯", "陈建国", "刘芳", "一店"],
    // row 18: blank row
    ["", "", "", "", "", "", "", "", "", ""],
    // row 19
    ["SY202610150001", "@2026-10-15", "15100009012", "超皮秒祛斑", "新单", "#4200", "王思琪", "陈建国", "刘芳", "一店"],
    // row 20
    ["SY202610160001", "@2026-10-16", "18655556666", "肉毒素除皱", "新单", "#2980", "周婷", "郑凯", "黄丽娟", "二店"],
    // row 21: phone as number; a second purchase 14 days after row 5 (derived 二开)
    ["SY202610170001", "@2026-10-17", "#13800001234", "术后修复套餐", "二开", "#1200", "林晓雯", "陈建国", "刘芳", "一店"],
    // row 22: amount as text 880元
    ["SY202610180001", "@2026-10-18", "13645678901", "果酸焕肤", "新单", "880元", "吴雨桐", "郑凯", "黄丽娟", "二店"],
    // row 23
    ["SY202610190001", "@2026-10-19", "18877778888", "线雕提升", "新单", "#8800", "周婷", "郑凯", "黄丽娟", "二店"],
    // row 24: partial refund of row 13, same order id, date as text 2026/10/20
    ["SY202610100001", "2026/10/20", "13600004567", "超皮秒祛斑", "退款", "#-800", "林晓雯", "陈建国", "刘芳", "一店"],
    // row 25: BAD amount 待定
    ["SY202610210001", "@2026-10-21", "17700001111", "热玛吉", "新单", "待定", "王思琪", "陈建国", "刘芳", "一店"],
    // row 26: amount as text 9800元
    ["SY202610220001", "@2026-10-22", "18600006789", "线雕提升", "新单", "9800元", "林晓雯", "陈建国", "刘芳", "一店"],
    // row 27
    ["SY202610230001", "@2026-10-23", "15066667777", "水光针", "二开", "#1980", "周婷", "郑凯", "黄丽娟", "二店"],
    // row 28: BAD customer missing
    ["SY202610240001", "@2026-10-24", "", "皮肤管理护理", "新单", "#680", "吴雨桐", "", "黄丽娟", "二店"],
    // row 29: 21 days after row 6 (derived 二开)
    ["SY202610250001", "@2026-10-25", "13811112222", "术后修复套餐", "二开", "#1500", "周婷", "郑凯", "黄丽娟", "二店"],
    // row 30: phone as number
    ["SY202610260001", "@2026-10-26", "#15800000123", "果酸焕肤", "新单", "#880", "王思琪", "", "刘芳", "一店"],
    // row 31: BAD date 2026-13-05 (text)
    ["SY202610270001", "2026-13-05", "17711112222", "线雕提升", "新单", "#5000", "周婷", "郑凯", "黄丽娟", "二店"],
];

// ---------------------------------------------------------------------------------------------
// 2. 消费流水_补充导出.csv — GBK, CRLF, header on line 1. The currency sign is the full-width
//    ￥ (U+FFE5): GBK has no ¥ (U+00A5), so this is what a GBK export really holds.
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const SALES_CSV_HEADER: [&str; 10] = ["日期", "手机号", "项目", "实收金额", "咨询师", "医生", "护士", "门店", "单号", "类型"];

#[rustfmt::skip]
const SALES_CSV_ROWS: [[&str; 10]; 18] = [
    // lines 2-13: September 2026
    ["2026-09-03", "18912345678", "玻尿酸填充", "￥6,800.00", "林晓雯", "陈建国", "刘芳", "一店", "SY202609030001", "新单"],
    ["2026-09-05", "13800001234", "水光针", "1980", "林晓雯", "陈建国", "刘芳", "一店", "SY202609050001", "新单"],
    ["2026-09-08", "13922223333", "热玛吉", "12800", "周婷", "郑凯", "黄丽娟", "二店", "SY202609080001", "新单"],
    ["20260912", "15000008901", "皮肤管理护理", "680", "王思琪", "", "刘芳", "一店", "SY202609120001", "新单"],
    ["2026-09-15", "13312345678", "光子嫩肤", "2680", "王思琪", "陈建国", "刘芳", "一店", "SY202609150001", "新单"],
    ["20260918", "13298765432", "超皮秒祛斑", "￥4,200.00", "王思琪", "陈建国", "刘芳", "一店", "SY202609180001", "新单"],
    ["2026-09-20", "15066667777", "光子嫩肤", "2680", "周婷", "郑凯", "何静", "二店", "SY202609200001", "新单"],
    ["2026-09-22", "13733334444", "水光针", "1980", "王思琪", "陈建国", "刘芳", "一店", "SY202609220001", "新单"],
    ["20260925", "13566667777", "肉毒素除皱", "2980", "周婷", "郑凯", "何静", "二店", "SY202609250001", "新单"],
    ["2026-09-26", "18912345678", "术后修复套餐", "1200", "林晓雯", "陈建国", "刘芳", "一店", "SY202609260001", "二开"],
    ["2026-09-27", "13566667777", "肉毒素除皱", "-500", "周婷", "郑凯", "何静", "二店", "SY202609250001", "退款"],
    ["2026-09-29", "13088889999", "线雕提升", "￥9,800.00", "林晓雯", "陈建国", "刘芳", "一店", "SY202609290001", "新单"],
    // lines 14-17: repeats of 2026年10月消费流水.xlsx rows 8, 19, 21, 29 (overlapping export)
    ["2026-10-05", "13900002345", "水光针", "1980", "林晓雯", "陈建国", "刘芳", "一店", "SY202610050001", "新单"],
    ["2026-10-15", "15100009012", "超皮秒祛斑", "￥4,200.00", "王思琪", "陈建国", "刘芳", "一店", "SY202610150001", "新单"],
    ["20261017", "13800001234", "术后修复套餐", "1200.00", "林晓雯", "陈建国", "刘芳", "一店", "SY202610170001", "二开"],
    ["2026-10-25", "13811112222", "术后修复套餐", "￥1,500.00", "周婷", "郑凯", "黄丽娟", "二店", "SY202610250001", "二开"],
    // lines 18-19: late October, only in this file
    ["2026-10-29", "13512340987", "水光针", "1980", "吴雨桐", "郑凯", "黄丽娟", "二店", "SY202610290001", "新单"],
    ["20261030", "18655556666", "术后修复套餐", "￥1,500.00", "周婷", "郑凯", "黄丽娟", "二店", "SY202610300001", "二开"],
];

// ---------------------------------------------------------------------------------------------
// 3. 到院咨询登记.csv — UTF-8 with BOM, title on line 1, header on line 2.
// ---------------------------------------------------------------------------------------------

const VISITS_TITLE: &str = "2026年9-10月到院咨询登记";
#[rustfmt::skip]
const VISITS_HEADER: [&str; 7] = ["到院日期", "手机号", "现场咨询师", "初复诊", "来源渠道", "是否成交", "门店"];

#[rustfmt::skip]
const VISITS_ROWS: [[&str; 7]; 41] = [
    // lines 3-13: September
    ["2026-09-03", "18912345678", "林晓雯", "初诊", "小红书", "是", "一店"],
    ["2026-09-05", "13800001234", "林晓雯", "初诊", "美团", "是", "一店"],
    ["2026-09-08", "13922223333", "周婷", "初诊", "抖音", "成交", "二店"],
    ["2026-09-12", "15000008901", "王思琪", "初诊", "自然到店", "Y", "一店"],
    ["2026-09-15", "13312345678", "王思琪", "初诊", "美团", "是", "一店"],
    ["2026-09-18", "13298765432", "王思琪", "初诊", "老带新", "成交", "一店"],
    ["2026-09-20", "15066667777", "周婷", "初诊", "小红书", "是", "二店"],
    ["2026-09-22", "13733334444", "王思琪", "初诊", "抖音", "Y", "一店"],
    ["2026-09-24", "15287654321", "周婷", "初诊", "美团", "否", "二店"],
    ["2026-09-25", "13566667777", "周婷", "初诊", "老带新", "是", "二店"],
    ["2026-09-29", "13088889999", "林晓雯", "初诊", "自然到店", "是", "一店"],
    // lines 14-42: October
    ["2026-10-02", "18800007890", "王思琪", "初诊", "美团", "是", "一店"],
    ["2026-10-03", "13800001234", "林晓雯", "复诊", "老带新", "成交", "一店"],
    ["2026-10-04", "13811112222", "周婷", "初诊", "抖音", "是", "二店"],
    ["2026-10-05", "13900002345", "林晓雯", "初诊", "小红书", "是", "一店"],
    ["2026-10-06", "13922223333", "周婷", "复诊", "自然到店", "Y", "二店"],
    // lines 19-20: same customer, same day, same consultant → one consultation (deal, 初诊)
    ["2026/10/8", "13700003456", "林晓雯", "初诊", "美团", "否", "一店"],
    ["2026/10/8", "13700003456", "林晓雯", "复诊", "美团", "是", "一店"],
    ["2026-10-10", "13600004567", "林晓雯", "初诊", "抖音", "成交", "一店"],
    ["2026.10.11", "13733334444", "周婷", "初诊", "老带新", "是", "二店"],
    ["2026-10-12", "13500005678", "林晓雯", "初诊", "小红书", "是", "一店"],
    ["2026-10-13", "13388889999", "周婷", "初诊", "美团", "否", "二店"],
    ["2026-10-13", "15199990000", "吴雨桐", "初诊", "自然到店", "是", "二店"],
    ["2026-10-14", "13055556666", "林晓雯", "初诊", "抖音", "未成交", "一店"],
    ["2026-10-15", "15100009012", "王思琪", "初诊", "老带新", "成交", "一店"],
    ["2026-10-16", "18655556666", "周婷", "初诊", "小红书", "Y", "二店"],
    ["2026-10-17", "13800001234", "林晓雯", "复诊", "老带新", "是", "一店"],
    ["2026-10-18", "13645678901", "吴雨桐", "初诊", "美团", "Y", "二店"],
    ["2026-10-19", "18877778888", "周婷", "初诊", "抖音", "成交", "二店"],
    ["2026-10-20", "13277778888", "王思琪", "初诊", "小红书", "N", "一店"],
    ["2026-10-20", "13499990000", "吴雨桐", "初诊", "抖音", "否", "二店"],
    // line 34: BAD deal value
    ["2026-10-21", "17700001111", "王思琪", "初诊", "美团", "待定", "一店"],
    ["2026-10-22", "18600006789", "林晓雯", "初诊", "自然到店", "Y", "一店"],
    ["2026-10-23", "15066667777", "周婷", "复诊", "小红书", "是", "二店"],
    ["2026-10-24", "15912345678", "吴雨桐", "复诊", "老带新", "N", "二店"],
    ["2026-10-25", "13811112222", "周婷", "复诊", "抖音", "是", "二店"],
    ["2026-10-27", "13166667777", "林晓雯", "初诊", "美团", "未成交", "一店"],
    ["2026-10-27", "17711112222", "周婷", "初诊", "小红书", "是", "二店"],
    ["2026-10-29", "13512340987", "吴雨桐", "初诊", "抖音", "是", "二店"],
    ["2026-10-30", "18655556666", "周婷", "复诊", "小红书", "成交", "二店"],
    // line 43: an August consultation entered late (补录) — out of period; with it the visits
    // reach from before 2026-09-01, so September is a fully covered previous period (SPEC §4).
    ["2026-08-31", "13622223333", "周婷", "初诊", "美团", "否", "二店"],
];

// ---------------------------------------------------------------------------------------------
// 4. 投诉记录.xlsx — sheet Sheet1, header on row 1.
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const COMPLAINTS_HEADER: [&str; 6] = ["投诉日期", "被投诉人", "手机号", "投诉类型", "是否有效", "处理完成时间"];

#[rustfmt::skip]
const COMPLAINTS_ROWS: [[&str; 6]; 7] = [
    ["@2026-09-18 15:00", "林晓雯", "18912345678", "服务态度", "有效", "@2026-09-19 10:00"],
    ["@2026-10-08 10:30", "王思琪", "18800007890", "服务态度", "有效", "@2026-10-09 16:30"],
    ["@2026-10-12 14:00", "陈建国", "13600004567", "并发症", "有效", "@2026-10-15 14:00"],
    ["@2026-10-13 09:00", "何静", "13733334444", "服务态度", "有效", "@2026-10-13 18:00"],
    ["@2026-10-20 09:15", "周婷", "18877778888", "效果不满", "有效", ""],
    ["@2026-10-25 11:00", "郑凯", "13811112222", "不良反应", "无效", "@2026-10-25 17:30"],
    ["@2026-10-28 16:45", "黄丽娟", "15199990000", "服务态度", "有效", "@2026-10-29 10:45"],
];

// ---------------------------------------------------------------------------------------------
// 5. 人事考核资料.xlsx — sheets 员工花名册, 考核目标, 主管评分 (each header on row 1).
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const ROSTER_HEADER: [&str; 8] = ["姓名", "工号", "岗位", "门店", "科室", "月度业绩目标", "入职日期", "离职日期"];

#[rustfmt::skip]
const ROSTER_ROWS: [[&str; 8]; 12] = [
    ["林晓雯", "C001", "咨询师", "一店", "微整科", "#60000", "@2023-03-01", ""],
    ["王思琪", "C002", "咨询师", "一店", "皮肤科", "#50000", "@2024-05-20", ""],
    ["陈建国", "D001", "医生", "一店", "微整科", "#80000", "@2021-08-01", ""],
    ["刘芳", "N001", "护士", "一店", "微整科", "", "@2022-02-14", ""],
    ["赵敏", "S001", "客服主管", "一店", "客服部", "", "@2020-06-01", ""],
    ["孙悦", "R001", "前台", "一店", "客服部", "", "@2025-01-06", ""],
    ["周婷", "C003", "咨询师", "二店", "微整科", "#55000", "@2022-09-01", ""],
    ["吴雨桐", "C004", "咨询师", "二店", "皮肤科", "#40000", "@2026-10-10", ""],
    ["郑凯", "D002", "医生", "二店", "皮肤科", "#70000", "@2019-04-15", ""],
    ["黄丽娟", "N002", "护士", "二店", "皮肤科", "", "@2023-07-01", ""],
    ["何静", "N003", "护士", "二店", "微整科", "", "@2024-03-01", "@2026-10-15"],
    ["马晓燕", "S002", "客服主管", "二店", "客服部", "", "@2021-11-01", ""],
];

/// Sheet name of the targets sheet. Not `业绩目标`: that name holds both a sales keyword (业绩)
/// and a targets keyword (目标), which SPEC §2.1 makes an error.
const TARGETS_SHEET: &str = "考核目标";
#[rustfmt::skip]
const TARGETS_HEADER: [&str; 3] = ["姓名", "考核月份", "业绩目标"];
#[rustfmt::skip]
const TARGETS_ROWS: [[&str; 3]; 4] = [
    ["林晓雯", "2026-09", "#60000"],
    ["林晓雯", "2026-10", "#65000"],
    ["周婷", "@2026-09-01", "#52000"],
    ["周婷", "2026年10月", "#50000"],
];

#[rustfmt::skip]
const RATINGS_HEADER: [&str; 4] = ["姓名", "考核月份", "考核项", "得分"];
#[rustfmt::skip]
const RATINGS_ROWS: [[&str; 4]; 15] = [
    ["林晓雯", "2026-09", "专业知识", "#85"],
    ["刘芳", "2026年9月", "操作规范", "#90"],
    ["林晓雯", "2026-10", "专业知识", "#88"],
    ["林晓雯", "2026-10", "合规执业", "#95"],
    ["王思琪", "2026-10", "专业知识", "#82"],
    ["王思琪", "2026-10", "合规执业", "#78"],
    ["王思琪", "2026年10月", "合规执业", "#70"],
    ["周婷", "2026-10", "专业知识", "#90"],
    ["周婷", "2026-10", "合规执业", "良好"],
    ["吴雨桐", "2026年10月", "专业知识", "#75"],
    ["刘芳", "2026-10", "操作规范", "#92"],
    ["黄丽娟", "2026-10", "操作规范", "#86"],
    ["何静", "2026-10", "操作规范", "#80"],
    ["赵敏", "2026-10", "培训效果", "#85"],
    ["马晓燕", "2026年10月", "培训效果", "#78"],
];

// ---------------------------------------------------------------------------------------------
// 6. 回访满意度.csv — UTF-8 without BOM, header on line 1.
// ---------------------------------------------------------------------------------------------

#[rustfmt::skip]
const SURVEYS_HEADER: [&str; 4] = ["回访日期", "服务人员", "手机号", "满意度"];
#[rustfmt::skip]
const SURVEYS_ROWS: [[&str; 4]; 20] = [
    ["2026-09-08", "林晓雯", "13800001234", "4"],
    ["2026-09-14", "周婷", "13922223333", "5"],
    ["2026-09-16", "王思琪", "15000008901", "3"],
    ["2026-10-04", "陈建国", "13800001234", "5"],
    ["2026-10-06", "王思琪", "18800007890", "4"],
    ["2026-10-07", "林晓雯", "13900002345", "4"],
    ["2026-10-08", "陈建国", "13900002345", "5"],
    ["2026-10-09", "周婷", "13811112222", "5"],
    ["2026-10-10", "林晓雯", "13700003456", "５"],
    ["2026-10-11", "黄丽娟", "13811112222", "4"],
    ["2026-10-12", "郑凯", "13922223333", "5"],
    ["2026-10-13", "何静", "13733334444", "5"],
    ["2026-10-14", "周婷", "13733334444", "4"],
    ["2026-10-15", "林晓雯", "13500005678", "2"],
    ["2026-10-18", "王思琪", "15100009012", "5"],
    ["2026-10-19", "陈建国", "13600004567", "3"],
    ["2026-10-20", "刘芳", "15100009012", "4"],
    ["2026-10-22", "周婷", "18877778888", "4"],
    ["2026-10-24", "吴雨桐", "13645678901", "5"],
    ["2026-10-26", "郑凯", "18877778888", "4"],
];

// ---------------------------------------------------------------------------------------------

struct Formats {
    header: Format,
    title: Format,
    date: Format,
    datetime: Format,
    amount: Format,
    id_number: Format,
}

impl Formats {
    fn new() -> Self {
        Formats {
            header: Format::new().set_bold(),
            title: Format::new().set_bold().set_align(FormatAlign::Center),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            amount: Format::new().set_num_format("#,##0.00"),
            id_number: Format::new().set_num_format("0"),
        }
    }
}

fn parse_ymd(s: &str) -> Res<(u16, u8, u8)> {
    let mut it = s.split('-');
    let mut next = || -> Res<&str> {
        it.next()
            .ok_or_else(|| format!("bad date spec {s:?}").into())
    };
    Ok((next()?.parse()?, next()?.parse()?, next()?.parse()?))
}

/// Writes one cell from its spec (see the module docs).
fn write_cell(ws: &mut Worksheet, row: u32, col: u16, spec: &str, f: &Formats) -> Res<()> {
    if spec.is_empty() {
        return Ok(());
    }
    if let Some(num) = spec.strip_prefix('#') {
        let v: f64 = num.parse()?;
        let fmt = if v.abs() >= 1e9 {
            &f.id_number
        } else {
            &f.amount
        };
        ws.write_number_with_format(row, col, v, fmt)?;
    } else if let Some(dt) = spec.strip_prefix('@') {
        let (date, time) = match dt.split_once(' ') {
            Some((d, t)) => (d, Some(t)),
            None => (dt, None),
        };
        let (y, m, d) = parse_ymd(date)?;
        let day = ExcelDateTime::from_ymd(y, m, d)?;
        match time {
            Some(t) => {
                let (h, mi) = t
                    .split_once(':')
                    .ok_or_else(|| format!("bad time spec {spec:?}"))?;
                let stamp = day.and_hms(h.parse()?, mi.parse()?, 0)?;
                ws.write_datetime_with_format(row, col, &stamp, &f.datetime)?;
            }
            None => {
                ws.write_datetime_with_format(row, col, &day, &f.date)?;
            }
        }
    } else {
        ws.write_string(row, col, spec)?;
    }
    Ok(())
}

fn write_header(ws: &mut Worksheet, row: u32, header: &[&str], f: &Formats) -> Res<()> {
    for (c, h) in (0u16..).zip(header) {
        ws.write_string_with_format(row, c, *h, &f.header)?;
        ws.set_column_width(c, 14)?;
    }
    Ok(())
}

fn write_table<const N: usize>(
    ws: &mut Worksheet,
    first_row: u32,
    rows: &[[&str; N]],
    f: &Formats,
) -> Res<()> {
    for (r, row) in (first_row..).zip(rows) {
        for (c, spec) in (0u16..).zip(row.iter()) {
            write_cell(ws, r, c, spec, f)?;
        }
    }
    Ok(())
}

fn new_workbook() -> Res<Workbook> {
    let mut wb = Workbook::new();
    let props = DocProperties::new()
        .set_author("clinic-kpi fixtures")
        .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 11, 1)?);
    wb.set_properties(&props);
    Ok(wb)
}

/// The amount a cell spec stands for, if it is one (`#1980`, `¥3,200.00`, `880元`).
fn amount_of(spec: &str) -> Option<f64> {
    let cleaned: String = spec
        .chars()
        .filter(|c| !matches!(c, '#' | '¥' | ',' | '元'))
        .collect();
    cleaned.parse().ok()
}

fn write_sales_xlsx(path: &Path, f: &Formats) -> Res<()> {
    let mut wb = new_workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("消费明细")?;
    let last_col = (SALES_XLSX_HEADER.len() - 1) as u16;
    ws.merge_range(0, 0, 0, last_col, "XX医美 2026年10月消费明细", &f.title)?;
    ws.write_string(1, 0, "导出时间：2026-11-01 09:00")?;
    write_header(ws, 2, &SALES_XLSX_HEADER, f)?;
    write_table(ws, 3, &SALES_XLSX_ROWS, f)?;

    // Totals row, as the cashier system prints it: the sum of every amount it could add up.
    let total: f64 = SALES_XLSX_ROWS.iter().filter_map(|r| amount_of(r[5])).sum();
    let total_row = 3 + SALES_XLSX_ROWS.len() as u32;
    ws.write_string_with_format(total_row, 0, "合计", &f.header)?;
    ws.write_number_with_format(total_row, 5, total, &f.amount)?;
    wb.save(path)?;
    Ok(())
}

fn write_complaints_xlsx(path: &Path, f: &Formats) -> Res<()> {
    let mut wb = new_workbook()?;
    let ws = wb.add_worksheet();
    ws.set_name("Sheet1")?;
    write_header(ws, 0, &COMPLAINTS_HEADER, f)?;
    ws.set_column_width(0, 18)?;
    ws.set_column_width(5, 18)?;
    write_table(ws, 1, &COMPLAINTS_ROWS, f)?;
    wb.save(path)?;
    Ok(())
}

fn write_hr_xlsx(path: &Path, f: &Formats) -> Res<()> {
    let mut wb = new_workbook()?;

    let ws = wb.add_worksheet();
    ws.set_name("员工花名册")?;
    write_header(ws, 0, &ROSTER_HEADER, f)?;
    write_table(ws, 1, &ROSTER_ROWS, f)?;

    let ws = wb.add_worksheet();
    ws.set_name(TARGETS_SHEET)?;
    write_header(ws, 0, &TARGETS_HEADER, f)?;
    write_table(ws, 1, &TARGETS_ROWS, f)?;

    let ws = wb.add_worksheet();
    ws.set_name("主管评分")?;
    write_header(ws, 0, &RATINGS_HEADER, f)?;
    write_table(ws, 1, &RATINGS_ROWS, f)?;

    wb.save(path)?;
    Ok(())
}

/// One CSV record: fields quoted only when they need it.
fn csv_line(fields: &[&str], eol: &str) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|s| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                (*s).to_string()
            }
        })
        .collect();
    format!("{}{eol}", quoted.join(","))
}

fn csv_text<const N: usize>(
    title: Option<&str>,
    header: &[&str],
    rows: &[[&str; N]],
    eol: &str,
) -> String {
    let mut out = String::new();
    if let Some(t) = title {
        out.push_str(t);
        out.push_str(eol);
    }
    out.push_str(&csv_line(header, eol));
    for r in rows {
        out.push_str(&csv_line(r, eol));
    }
    out
}

fn write_sales_csv_gbk(path: &Path) -> Res<()> {
    let text = csv_text(None, &SALES_CSV_HEADER, &SALES_CSV_ROWS, "\r\n");
    let (bytes, _, had_errors) = encoding_rs::GBK.encode(&text);
    if had_errors {
        return Err("a character of the sales CSV has no GBK encoding".into());
    }
    fs::write(path, bytes)?;
    Ok(())
}

fn write_visits_csv(path: &Path) -> Res<()> {
    let text = csv_text(Some(VISITS_TITLE), &VISITS_HEADER, &VISITS_ROWS, "\r\n");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(text.as_bytes());
    fs::write(path, bytes)?;
    Ok(())
}

fn write_surveys_csv(path: &Path) -> Res<()> {
    let text = csv_text(None, &SURVEYS_HEADER, &SURVEYS_ROWS, "\n");
    fs::write(path, text)?;
    Ok(())
}

fn main() -> Res<()> {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("fixtures/clinic"));
    fs::create_dir_all(&out)?;
    let f = Formats::new();

    write_sales_xlsx(&out.join("2026年10月消费流水.xlsx"), &f)?;
    write_sales_csv_gbk(&out.join("消费流水_补充导出.csv"))?;
    write_visits_csv(&out.join("到院咨询登记.csv"))?;
    write_complaints_xlsx(&out.join("投诉记录.xlsx"), &f)?;
    write_hr_xlsx(&out.join("人事考核资料.xlsx"), &f)?;
    write_surveys_csv(&out.join("回访满意度.csv"))?;

    println!("fixtures written to {}", out.display());
    Ok(())
}
