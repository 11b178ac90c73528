//! Test helpers: write section workbooks and registers in the template's shape with
//! rust_xlsxwriter, run the real binary, read results back.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rust_xlsxwriter::{Workbook, Worksheet};

/// The adoption columns of the default rules, in template order.
pub const LEVELS: [&str; 4] = [
    "区政府办《政务信息》普刊",
    "区政府办《政务信息》专刊",
    "省政府办公厅",
    "国务院办公厅",
];

/// One item row. `date` is written as text unless `real_date` is set.
#[derive(Debug, Clone)]
pub struct Row {
    pub title: String,
    pub date: String,
    pub category: String,
    pub task: String,
    /// 是 per level (index into LEVELS).
    pub adopted: Vec<usize>,
    pub author: String,
    pub reviewer: String,
    pub officer: String,
    pub remark: String,
}

impl Row {
    pub fn new(title: &str, date: &str) -> Row {
        Row {
            title: title.into(),
            date: date.into(),
            category: "常规信息".into(),
            task: String::new(),
            adopted: vec![],
            author: "张三".into(),
            reviewer: "李局长".into(),
            officer: String::new(),
            remark: String::new(),
        }
    }
    pub fn adopted(mut self, levels: &[usize]) -> Row {
        self.adopted = levels.to_vec();
        self
    }
    pub fn category(mut self, c: &str) -> Row {
        self.category = c.into();
        self
    }
    pub fn task(mut self, t: &str) -> Row {
        self.task = t.into();
        self
    }
    pub fn reviewer(mut self, r: &str) -> Row {
        self.reviewer = r.into();
        self
    }
    pub fn officer(mut self, o: &str) -> Row {
        self.officer = o.into();
        self
    }
}

/// Column labels of the items table, in template order.
pub fn item_columns() -> Vec<&'static str> {
    let mut v = vec!["序号", "信息标题", "报送日期", "信息类别", "约稿任务编号"];
    v.extend(LEVELS);
    v.extend(["采用期号", "撰稿人", "审核人", "信息员审核", "备注"]);
    v
}

/// Write the items sheet of a section workbook: title, header block, table.
pub fn write_items_sheet(ws: &mut Worksheet, section: &str, year: &str, month: &str, rows: &[Row]) {
    ws.set_name("报送信息").unwrap();
    ws.write(0, 0, "政务信息报送表").unwrap();
    ws.write(1, 0, "股室:").unwrap();
    ws.write(1, 1, section).unwrap();
    ws.write(1, 2, "报送年份:").unwrap();
    ws.write(1, 3, year).unwrap();
    ws.write(1, 4, "报送月份:").unwrap();
    ws.write(1, 5, month).unwrap();
    ws.write(2, 0, "填报人:").unwrap();
    ws.write(2, 1, "王五").unwrap();
    ws.write(2, 2, "联系电话:").unwrap();
    for (c, label) in item_columns().iter().enumerate() {
        ws.write(4, c as u16, *label).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        let row = 5 + i as u32;
        ws.write(row, 0, (i + 1) as f64).unwrap();
        ws.write(row, 1, r.title.as_str()).unwrap();
        ws.write(row, 2, r.date.as_str()).unwrap();
        ws.write(row, 3, r.category.as_str()).unwrap();
        if !r.task.is_empty() {
            ws.write(row, 4, r.task.as_str()).unwrap();
        }
        for l in 0..LEVELS.len() {
            ws.write(
                row,
                5 + l as u16,
                if r.adopted.contains(&l) { "是" } else { "否" },
            )
            .unwrap();
        }
        ws.write(row, 10, r.author.as_str()).unwrap();
        ws.write(row, 11, r.reviewer.as_str()).unwrap();
        if !r.officer.is_empty() {
            ws.write(row, 12, r.officer.as_str()).unwrap();
        }
        if !r.remark.is_empty() {
            ws.write(row, 13, r.remark.as_str()).unwrap();
        }
    }
}

/// Write a section workbook.
pub fn section_file(path: &Path, section: &str, year: i32, month: u32, rows: &[Row]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write_items_sheet(ws, section, &year.to_string(), &month.to_string(), rows);
    wb.save(path).unwrap();
}

/// A commissioned task row of the register.
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub id: String,
    pub section: String,
    pub deadline: String,
    pub status: String,
}

/// A deduction row of the register.
#[derive(Debug, Clone)]
pub struct DeductionRow {
    pub section: String,
    pub date: String,
    pub label: String,
    pub count: String,
}

/// A register definition.
#[derive(Debug, Clone, Default)]
pub struct Reg {
    /// (name, 参与考核, 条数任务, 分值任务)
    pub roster: Vec<(String, String, String, String)>,
    /// (name, role)
    pub leaders: Vec<(String, String)>,
    pub tasks: Vec<TaskRow>,
    pub deductions: Vec<DeductionRow>,
}

impl Reg {
    pub fn with_sections(names: &[&str]) -> Reg {
        Reg {
            roster: names
                .iter()
                .map(|n| (n.to_string(), String::new(), String::new(), String::new()))
                .collect(),
            ..Reg::default()
        }
    }
    pub fn task(mut self, id: &str, section: &str, deadline: &str, status: &str) -> Reg {
        self.tasks.push(TaskRow {
            id: id.into(),
            section: section.into(),
            deadline: deadline.into(),
            status: status.into(),
        });
        self
    }
    pub fn deduction(mut self, section: &str, date: &str, label: &str, count: &str) -> Reg {
        self.deductions.push(DeductionRow {
            section: section.into(),
            date: date.into(),
            label: label.into(),
            count: count.into(),
        });
        self
    }
}

/// Write a register workbook.
pub fn register_file(path: &Path, reg: &Reg) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("股室名单").unwrap();
    ws.write(0, 0, "考核登记表").unwrap();
    for (c, l) in [
        "股室",
        "负责人",
        "信息员",
        "联系电话",
        "电子邮箱",
        "年度信息条数任务",
        "年度分值任务",
        "参与考核",
    ]
    .iter()
    .enumerate()
    {
        ws.write(1, c as u16, *l).unwrap();
    }
    for (i, (n, p, it, st)) in reg.roster.iter().enumerate() {
        let r = 2 + i as u32;
        ws.write(r, 0, n.as_str()).unwrap();
        ws.write(r, 3, "0875-1234567").unwrap();
        ws.write(r, 4, "secret@example.cn").unwrap();
        ws.write(r, 5, it.as_str()).unwrap();
        ws.write(r, 6, st.as_str()).unwrap();
        ws.write(r, 7, p.as_str()).unwrap();
    }
    let ws = wb.add_worksheet().set_name("领导名单").unwrap();
    for (c, l) in ["姓名", "职务", "角色"].iter().enumerate() {
        ws.write(0, c as u16, *l).unwrap();
    }
    for (i, (n, role)) in reg.leaders.iter().enumerate() {
        ws.write(1 + i as u32, 0, n.as_str()).unwrap();
        ws.write(1 + i as u32, 2, role.as_str()).unwrap();
    }
    let ws = wb.add_worksheet().set_name("约稿任务").unwrap();
    for (c, l) in [
        "任务编号",
        "股室",
        "任务类型",
        "主题",
        "下达日期",
        "截止日期",
        "完成情况",
    ]
    .iter()
    .enumerate()
    {
        ws.write(0, c as u16, *l).unwrap();
    }
    for (i, t) in reg.tasks.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write(r, 0, t.id.as_str()).unwrap();
        ws.write(r, 1, t.section.as_str()).unwrap();
        ws.write(r, 2, "约稿").unwrap();
        ws.write(r, 5, t.deadline.as_str()).unwrap();
        ws.write(r, 6, t.status.as_str()).unwrap();
    }
    let ws = wb.add_worksheet().set_name("扣分记录").unwrap();
    for (c, l) in ["股室", "日期", "扣分类别", "次数", "说明"]
        .iter()
        .enumerate()
    {
        ws.write(0, c as u16, *l).unwrap();
    }
    for (i, d) in reg.deductions.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write(r, 0, d.section.as_str()).unwrap();
        ws.write(r, 1, d.date.as_str()).unwrap();
        ws.write(r, 2, d.label.as_str()).unwrap();
        ws.write(r, 3, d.count.as_str()).unwrap();
    }
    wb.save(path).unwrap();
}

/// Run the zwxx binary with arguments in a working directory.
pub fn zwxx(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zwxx"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A fresh temp dir with an `in/` folder.
pub fn workdir() -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in");
    std::fs::create_dir(&input).unwrap();
    (d, input)
}

/// Titles "标题N" for N in range, dated in the given month.
pub fn routine_rows(prefix: &str, n: usize, month: u32) -> Vec<Row> {
    (0..n)
        .map(|i| {
            Row::new(
                &format!("{prefix}工作动态第{i}条"),
                &format!("2019-{month:02}-{:02}", 1 + i % 28),
            )
        })
        .collect()
}

/// Run the library pipeline (the same the binary runs) over a folder.
pub fn assess_with(
    input: &Path,
    rules: &zwxx::rules::Rules,
    as_of: Option<&str>,
) -> zwxx::assess::Assessment {
    let loaded = zwxx::read::load(
        &[input.to_path_buf()],
        None,
        rules,
        &zwxx::read::workbook::Limits::default(),
    )
    .unwrap();
    let as_of = as_of.map(|d| zwxx::assess::parse_as_of(d).unwrap());
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    zwxx::assess::assess(loaded, rules, None, as_of, today).unwrap()
}

/// [`assess_with`] with the default rules.
pub fn assess(input: &Path, as_of: Option<&str>) -> zwxx::assess::Assessment {
    assess_with(input, &zwxx::rules::Rules::default_rules(), as_of)
}

/// The score of a section by name.
pub fn section<'a>(a: &'a zwxx::assess::Assessment, name: &str) -> &'a zwxx::score::SectionScore {
    a.scores.iter().find(|s| s.name == name).unwrap()
}

/// (base, adoption, tasks, deductions, final) of a section.
pub fn parts(a: &zwxx::assess::Assessment, name: &str) -> (i64, i64, i64, i64, i64) {
    let s = section(a, name);
    (
        s.base(),
        s.adoption(),
        s.task_points(),
        s.deductions_total(),
        s.final_score(),
    )
}

/// The standing of a section by name.
pub fn standing<'a>(a: &'a zwxx::assess::Assessment, name: &str) -> &'a zwxx::rank::Standing {
    let i = a.scores.iter().position(|s| s.name == name).unwrap();
    a.standings.iter().find(|s| s.section == i).unwrap()
}

/// Text cells of a sheet: (row, col, text).
pub type Cells<'a> = Vec<(u32, u16, &'a str)>;

/// Write a workbook from raw text cells: (sheet name, cells).
pub fn cells_file(path: &Path, sheets: &[(&str, Cells)]) {
    let mut wb = Workbook::new();
    for (name, cells) in sheets {
        let ws = wb.add_worksheet().set_name(*name).unwrap();
        for (r, c, t) in cells {
            ws.write(*r, *c, *t).unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// Findings of a validate run as (code, cell, severity) for one file name suffix.
pub fn findings_of(
    a: &zwxx::assess::Assessment,
    file_suffix: &str,
) -> Vec<(&'static str, String, zwxx::model::Severity)> {
    a.findings
        .iter()
        .filter(|f| f.file.ends_with(file_suffix))
        .map(|f| (f.code, f.cell.clone(), f.severity))
        .collect()
}
