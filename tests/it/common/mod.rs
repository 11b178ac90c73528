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
    write_form(ws, "报送信息", section, year, month, rows);
}

/// Write one copy of the form (title, header block, table) on a sheet called `name`.
pub fn write_form(
    ws: &mut Worksheet,
    name: &str,
    section: &str,
    year: &str,
    month: &str,
    rows: &[Row],
) {
    ws.set_name(name).unwrap();
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

/// One copy of the form in a workbook: (sheet name, 报送月份, rows).
pub type FormSheet = (String, u32, Vec<Row>);

/// A section workbook holding several copies of the form, one per sheet (a sheet per month,
/// as many staff keep a year).
pub fn sheets_file(path: &Path, section: &str, year: i32, sheets: &[FormSheet]) {
    let mut wb = Workbook::new();
    for (name, month, rows) in sheets {
        let ws = wb.add_worksheet();
        write_form(
            ws,
            name,
            section,
            &year.to_string(),
            &month.to_string(),
            rows,
        );
    }
    wb.save(path).unwrap();
}

/// A section workbook whose document properties say it was saved at `saved` (creation and
/// modification time, `YYYY-MM-DD HH:MM:SS`): what decides between two files of one month.
pub fn section_file_saved(path: &Path, section: &str, month: u32, rows: &[Row], saved: &str) {
    let mut wb = Workbook::new();
    let when = rust_xlsxwriter::ExcelDateTime::parse_from_str(saved).unwrap();
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&when));
    let ws = wb.add_worksheet();
    write_items_sheet(ws, section, "2019", &month.to_string(), rows);
    wb.save(path).unwrap();
}

/// Every sheet of a workbook as rows of text (numbers as written by `{}`), trailing empty
/// cells kept to the sheet's width.
pub fn sheet_text(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, open_workbook_auto};
    let mut wb = open_workbook_auto(path).unwrap();
    let r = wb.worksheet_range(sheet).unwrap();
    r.rows()
        .map(|row| row.iter().map(Data::to_string).collect())
        .collect()
}

/// What a results workbook says of the year: 考核排名, 得分明细 and 月度报送, every cell.
pub fn standing_sheets(path: &Path) -> Vec<Vec<Vec<String>>> {
    ["考核排名", "得分明细", "月度报送"]
        .iter()
        .map(|s| sheet_text(path, s))
        .collect()
}

/// A commissioned task row of the register.
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub id: String,
    pub section: String,
    /// 下达日期 (blank when empty).
    pub issued: String,
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
    /// The 采用记录 sheet: `None` leaves the sheet out; `Some` writes its header and rows.
    pub record: Option<Vec<RecordRow>>,
}

/// A row of the register's 采用记录: 采用级别 · 期号 · 标题 · 股室 · 采用日期.
#[derive(Debug, Clone, Default)]
pub struct RecordRow {
    pub level: String,
    pub issue: String,
    pub title: String,
    pub section: String,
    pub date: String,
}

impl RecordRow {
    /// A row at level `level` (index into LEVELS) of issue `issue`.
    pub fn new(level: usize, issue: &str, title: &str) -> RecordRow {
        RecordRow {
            level: LEVELS[level].into(),
            issue: issue.into(),
            title: title.into(),
            ..RecordRow::default()
        }
    }
    pub fn section(mut self, s: &str) -> RecordRow {
        self.section = s.into();
        self
    }
    pub fn date(mut self, d: &str) -> RecordRow {
        self.date = d.into();
        self
    }
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
    pub fn task(self, id: &str, section: &str, deadline: &str, status: &str) -> Reg {
        self.task_issued(id, section, "", deadline, status)
    }
    /// A task with its 下达日期.
    pub fn task_issued(
        mut self,
        id: &str,
        section: &str,
        issued: &str,
        deadline: &str,
        status: &str,
    ) -> Reg {
        self.tasks.push(TaskRow {
            id: id.into(),
            section: section.into(),
            issued: issued.into(),
            deadline: deadline.into(),
            status: status.into(),
        });
        self
    }
    /// Add a row to the 采用记录 (the sheet is written from the first row on).
    pub fn adopted(mut self, row: RecordRow) -> Reg {
        self.record.get_or_insert_with(Vec::new).push(row);
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
    register_file_renamed(path, reg, |name| Some(name.to_string()));
}

/// Write a register workbook whose sheets are named by `rename` (given the template's name);
/// a sheet it gives no name is left out.
pub fn register_file_renamed(path: &Path, reg: &Reg, rename: impl Fn(&str) -> Option<String>) {
    let sheet = |name: &str| {
        rename(name).map(|n| {
            let mut ws = Worksheet::new();
            ws.set_name(n).unwrap();
            ws
        })
    };
    let mut sheets = Vec::new();
    if let Some(mut ws) = sheet("股室名单") {
        roster_sheet(&mut ws, reg);
        sheets.push(ws);
    }
    if let Some(mut ws) = sheet("领导名单") {
        for (c, l) in ["姓名", "职务", "角色"].iter().enumerate() {
            ws.write(0, c as u16, *l).unwrap();
        }
        for (i, (n, role)) in reg.leaders.iter().enumerate() {
            ws.write(1 + i as u32, 0, n.as_str()).unwrap();
            ws.write(1 + i as u32, 2, role.as_str()).unwrap();
        }
        sheets.push(ws);
    }
    if let Some(mut ws) = sheet("约稿任务") {
        task_sheet(&mut ws, reg);
        sheets.push(ws);
    }
    if let Some(mut ws) = sheet("扣分记录") {
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
        sheets.push(ws);
    }
    if let Some(record) = &reg.record
        && let Some(mut ws) = sheet("采用记录")
    {
        for (c, l) in ["采用级别", "期号", "标题", "股室", "采用日期"]
            .iter()
            .enumerate()
        {
            ws.write(0, c as u16, *l).unwrap();
        }
        for (i, a) in record.iter().enumerate() {
            let r = 1 + i as u32;
            for (c, v) in [&a.level, &a.issue, &a.title, &a.section, &a.date]
                .iter()
                .enumerate()
            {
                if !v.is_empty() {
                    ws.write(r, c as u16, v.as_str()).unwrap();
                }
            }
        }
        sheets.push(ws);
    }
    let mut out = Workbook::new();
    for ws in sheets {
        out.push_worksheet(ws);
    }
    out.save(path).unwrap();
}

fn roster_sheet(ws: &mut Worksheet, reg: &Reg) {
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
}

fn task_sheet(ws: &mut Worksheet, reg: &Reg) {
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
        if !t.issued.is_empty() {
            ws.write(r, 4, t.issued.as_str()).unwrap();
        }
        ws.write(r, 5, t.deadline.as_str()).unwrap();
        ws.write(r, 6, t.status.as_str()).unwrap();
    }
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
    let loaded = zwxx::load::load(
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
        .map(|f| (f.code.as_str(), f.cell.clone(), f.severity))
        .collect()
}

// ---- Added for the results tests (tests/results.rs) ----

/// Copy every file of `from` into `to` (created), in the given name order.
pub fn copy_files(from: &Path, to: &Path, names: &[String]) {
    std::fs::create_dir_all(to).unwrap();
    for n in names {
        std::fs::copy(from.join(n), to.join(n)).unwrap();
    }
}

/// File names in a folder, sorted.
pub fn file_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Every XML part of an xlsx file, concatenated (for grepping what the file holds).
pub fn xlsx_text(path: &Path) -> String {
    let f = std::fs::File::open(path).unwrap();
    let mut z = zip::ZipArchive::new(f).unwrap();
    let mut out = String::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let mut s = String::new();
        use std::io::Read;
        let _ = e.read_to_string(&mut s);
        out.push_str(&s);
    }
    out
}

/// A realistic small year (2019) under `dir`: the seed's eleven sections in a register with
/// leaders, targets, tasks and deductions (one section not taking part), and monthly files for
/// most sections with a few typical mistakes. Returns nothing; run `zwxx score dir`.
pub fn realistic_year(dir: &Path) {
    const SECTIONS: [&str; 11] = [
        "办公室",
        "信息化管理股",
        "经济运行股",
        "要素保障和煤炭管理股",
        "轻工业股",
        "中小企业股",
        "发展规划股",
        "行政审批事项管理股",
        "科技管理股",
        "园区管理办公室",
        "企业改革股",
    ];
    const TOPICS: [&str; 8] = [
        "召开工作推进会",
        "规模以上工业增加值同比增长",
        "开展安全生产大检查",
        "推进“放管服”改革取得新成效",
        "组织企业参加产销对接会",
        "深入园区开展入企服务",
        "完成重点项目调度",
        "举办政务信息业务培训",
    ];
    let mut reg = Reg::default();
    for (k, s) in SECTIONS.iter().enumerate() {
        let part = if k == 9 { "否" } else { "" };
        let items = if k % 3 == 0 { "30" } else { "" };
        let score = if k % 4 == 0 { "120" } else { "" };
        reg.roster
            .push((s.to_string(), part.into(), items.into(), score.into()));
    }
    reg.leaders = vec![
        ("李局长".into(), "主要负责人".into()),
        ("王副局长".into(), "分管负责人".into()),
    ];
    reg = reg
        .task("YG2019-01", "经济运行股", "2019-04-30", "")
        .task("YG2019-02", "办公室", "2019-06-30", "按时按质完成")
        .task("YG2019-03", "轻工业股", "2019-05-31", "")
        .task("YG2019-04", "轻工业股", "2019-09-30", "未完成")
        .task("YG2019-05", "科技管理股", "2019-11-30", "")
        .deduction("中小企业股", "2019-07-15", "重要信息迟报", "1")
        .deduction("企业改革股", "2019-10-08", "明显抄袭", "");
    register_file(&dir.join("考核登记表.xlsx"), &reg);

    for (k, s) in SECTIONS.iter().enumerate() {
        let months: Vec<u32> = match k {
            4 => vec![1, 2, 3, 6, 7, 8, 9, 12], // 轻工业股 misses four months
            10 => vec![],                       // 企业改革股 sends nothing
            7 => (1..=11).collect(),
            _ => (1..=12).collect(),
        };
        for m in months {
            let n = (k * 7 + m as usize * 3) % 4 + usize::from(k < 3) * 2;
            let mut rows = Vec::new();
            for i in 0..n {
                let t = TOPICS[(k + i + m as usize) % TOPICS.len()];
                let mut r = Row::new(
                    &format!("{s}{m}月{t}"),
                    &format!("2019-{m:02}-{:02}", 3 + i * 5),
                );
                let h = k * 31 + m as usize * 7 + i * 13;
                if h.is_multiple_of(5) {
                    r = r.adopted(&[0]);
                } else if h.is_multiple_of(17) {
                    r = r.adopted(&[0, 1]);
                } else if h.is_multiple_of(29) {
                    r = r.adopted(&[0, 2]);
                }
                rows.push(r);
            }
            match (k, m) {
                (2, 3) => rows.push(
                    Row::new("经济运行股关于一季度工业运行情况的约稿", "2019-03-28")
                        .category("约稿信息")
                        .task("YG2019-01")
                        .adopted(&[1]),
                ),
                (0, 5) => rows.push(
                    Row::new("办公室突发信息:某企业发生停电", "2019-05-12")
                        .category("突发信息")
                        .reviewer("王副局长"),
                ),
                (3, 4) => rows.push(Row::new("要素保障和煤炭管理股煤炭保供情况", "2019.13.5")),
                (5, 8) => {
                    let mut r = Row::new("中小企业股内部资料:融资对接名单", "2019-08-20");
                    r.author = String::new();
                    rows.push(r);
                }
                (6, 2) => rows
                    .push(Row::new("发展规划股春节假期值班情况", "2019-02-11").officer("不通过")),
                (8, 10) => rows.push(
                    Row::new("=HYPERLINK(\"http://x\")科技管理股约稿", "2019-10-20")
                        .category("约稿信息")
                        .task("YG2019-05")
                        .adopted(&[0]),
                ),
                _ => {}
            }
            section_file(&dir.join(format!("{s}-{m:02}月.xlsx")), s, 2019, m, &rows);
        }
    }
    std::fs::write(dir.join("说明.txt"), "各股室报送表").unwrap();
}

/// Run a tool, or `None` when it is not installed or fails to start; one that has not finished
/// in three minutes is killed and fails the test. (Its output is small: no pipe fills up.)
pub fn tool(cmd: &str, args: &[&std::ffi::OsStr]) -> Option<std::process::Output> {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Command::new(cmd)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let deadline = Instant::now() + Duration::from_secs(180);
    while child.try_wait().ok()?.is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd} did not finish in 180 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().ok()
}
