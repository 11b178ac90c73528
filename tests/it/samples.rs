//! The committed sample year `samples/2019/` (written by `examples/make_samples.rs`, a few files
//! re-saved by LibreOffice with `samples/convert.sh`): it must not drift from its generator, and
//! it must keep scoring exactly as pinned in `tests/fixtures/samples-golden.tsv` — through the
//! library pipeline and through the real binary.

use crate::common;

#[path = "../../examples/make_samples.rs"]
#[allow(dead_code)]
pub(crate) mod make_samples;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use zwxx::model::{FileStatus, Severity};
use zwxx::read::workbook::{Limits, read_workbook};
use zwxx::rules::Rules;
use zwxx::score::TaskOutcome;
use zwxx::validate::parse_section;

const REGENERATE: &str =
    "regenerate with `cargo run --example make_samples && samples/convert.sh` and commit";

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(make_samples::YEAR.to_string())
}

/// Every file under `dir`, relative, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.push(p.strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The year-end assessment of the samples through the library pipeline, computed once.
fn year_end() -> &'static zwxx::assess::Assessment {
    static YEAR_END: OnceLock<zwxx::assess::Assessment> = OnceLock::new();
    YEAR_END.get_or_init(|| common::assess(&samples(), None))
}

/// What zwxx reads from a section workbook: header, items and phase-1 findings.
type Reading = (String, i32, u32, Vec<String>, Vec<String>);

fn reading(path: &Path) -> Reading {
    let bytes = std::fs::read(path).unwrap();
    let wb = read_workbook(&bytes, &Limits::default()).unwrap();
    let parsed = parse_section(0, "f", &wb, &Rules::default_rules());
    let [s] = parsed.sheets.as_slice() else {
        panic!("{} is not read as one section sheet", path.display());
    };
    assert!(parsed.failed.is_empty(), "{}", path.display());
    let items = s
        .items
        .iter()
        .map(|i| {
            format!(
                "{} {} {} {:?} {} {} {} {} {} {} row {}",
                i.title,
                i.date,
                i.category,
                i.task_id,
                i.adopted,
                i.issue_no,
                i.author,
                i.reviewer,
                i.rejected,
                i.remark,
                i.source.row
            )
        })
        .collect();
    let findings = s
        .findings
        .iter()
        .map(|f| format!("{} {}", f.code, f.cell))
        .collect();
    (s.section.0.clone(), s.year.0, s.month, items, findings)
}

/// The generator's output is committed as is: byte for byte, except the files
/// `samples/convert.sh` re-saves with LibreOffice, which must read to the same items.
#[test]
fn committed_samples_are_what_the_generator_writes() {
    let dir = tempfile::tempdir().unwrap();
    let written = make_samples::generate(dir.path()).unwrap();
    let mut expected = Vec::new();
    for rel in &written {
        let fresh = dir.path().join(rel);
        let converted = make_samples::CONVERTED
            .iter()
            .find(|(c, _)| Path::new(c) == rel.as_path());
        match converted {
            None => {
                let kept = std::fs::read(samples().join(rel)).unwrap_or_else(|e| {
                    panic!("samples/2019/{}: {e}; {REGENERATE}", rel.display())
                });
                assert!(
                    kept == std::fs::read(&fresh).unwrap(),
                    "samples/2019/{} differs from the generator's output; {REGENERATE}",
                    rel.display()
                );
                expected.push(rel.clone());
            }
            Some((_, ext)) => {
                let rel_conv = rel.with_extension(ext);
                let kept = samples().join(&rel_conv);
                assert!(
                    kept.exists(),
                    "samples/2019/{} missing; run samples/convert.sh",
                    rel_conv.display()
                );
                assert_eq!(
                    reading(&kept),
                    reading(&fresh),
                    "{} (LibreOffice) reads differently from the generator's {}; {REGENERATE}",
                    rel_conv.display(),
                    rel.display()
                );
                expected.push(rel_conv);
            }
        }
    }
    expected.sort();
    assert_eq!(
        files_under(&samples()),
        expected,
        "samples/2019 holds other files than the generator (and convert.sh) write; {REGENERATE}"
    );
}

/// The filled workbooks use the template's own cell formats: filling adds no new style.
#[test]
fn samples_use_only_the_templates_cell_formats() {
    fn cell_formats(path: &Path) -> usize {
        let file = std::fs::File::open(path).unwrap();
        let mut zip = zip::ZipArchive::new(file).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut xml)
            .unwrap();
        let start = xml.find("<cellXfs").unwrap();
        let end = xml[start..].find("</cellXfs>").unwrap();
        xml[start..start + end].matches("<xf ").count()
    }
    let templates = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    assert_eq!(
        cell_formats(&samples().join("经济运行股-2019-03.xlsx")),
        cell_formats(&templates.join(zwxx::labels::SECTION_TEMPLATE_FILE))
    );
    assert_eq!(
        cell_formats(&samples().join(make_samples::REGISTER_FILE)),
        cell_formats(&templates.join(zwxx::labels::REGISTER_TEMPLATE_FILE))
    );
}

#[test]
fn convert_script_converts_exactly_the_listed_files() {
    let script =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/convert.sh"))
            .unwrap();
    let calls: Vec<&str> = script
        .lines()
        .filter(|l| l.starts_with("convert \""))
        .collect();
    let listed: Vec<String> = make_samples::CONVERTED
        .iter()
        .map(|(f, ext)| format!("convert \"{f}\" {ext}"))
        .collect();
    assert_eq!(calls, listed, "samples/convert.sh and CONVERTED disagree");
}

/// The golden lines (header and comments skipped), split into fields.
fn golden() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/samples-golden.tsv"),
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("名次"))
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

/// The ranking as the library computes it, in the golden file's shape.
fn ranking_lines(a: &zwxx::assess::Assessment) -> Vec<Vec<String>> {
    let rules = Rules::default_rules();
    a.standings
        .iter()
        .map(|st| {
            let s = &a.scores[st.section];
            vec![
                st.rank.map(|r| r.to_string()).unwrap_or_default(),
                s.name.clone(),
                s.qualifying().to_string(),
                s.base().to_string(),
                s.adoption().to_string(),
                s.task_points().to_string(),
                s.deductions_total().to_string(),
                s.final_score().to_string(),
                st.verdict(&rules).to_string(),
                st.remarks(),
            ]
        })
        .collect()
}

#[test]
fn the_sample_year_scores_as_pinned() {
    let a = year_end();
    assert_eq!(a.as_of.to_string(), "2019-12-31");
    assert_eq!(ranking_lines(a), golden());
}

/// The binary over the folder: exit 1 (the samples hold validation errors, results are still
/// produced) and the pinned ranking on the terminal.
#[test]
fn the_binary_prints_the_pinned_ranking() {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_zwxx"))
        .current_dir(out.path())
        .arg("score")
        .arg(samples())
        .arg("-o")
        .arg(out.path().join("结果.xlsx"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(stdout.contains("统计截至 2019-12-31"), "{stdout}");
    let golden = golden();
    for g in &golden {
        let line = stdout
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(g[1].as_str()))
            .unwrap_or_else(|| panic!("{} not in the ranking:\n{stdout}", g[1]));
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            (words[0], words[2]),
            (g[0].as_str(), g[7].as_str()),
            "{line}"
        );
        assert!(
            line.contains(&g[8]) && line.contains(&g[9]),
            "{line}\nexpected {g:?}"
        );
    }
    let order: Vec<&str> = golden.iter().map(|g| g[1].as_str()).collect();
    let ranked_lines: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|w| order.contains(w))
        .collect();
    assert_eq!(ranked_lines, order, "ranking printed in order");
}

/// The year exercises every flag and each planned mistake shows up where it was made.
#[test]
fn the_sample_year_exercises_every_flag_and_finding() {
    let a = year_end();
    let st = |name: &str| common::standing(a, name);
    let awarded: Vec<&str> = a
        .standings
        .iter()
        .filter(|s| s.awarded)
        .map(|s| a.scores[s.section].name.as_str())
        .collect();
    assert_eq!(awarded, ["经济运行股", "中小企业股", "科技管理股"]);
    let criticised: Vec<&str> = a
        .standings
        .iter()
        .filter(|s| s.criticised)
        .map(|s| a.scores[s.section].name.as_str())
        .collect();
    assert_eq!(criticised, ["轻工业股", "发展规划股", "企业改革股"]);
    // Third by score, but two failed tasks: not awarded, its place goes to the fourth.
    assert_eq!(st("要素保障和煤炭管理股").rank, Some(3));
    assert_eq!(
        st("要素保障和煤炭管理股").ineligible_for,
        ["2019-02", "2019-05"]
    );
    assert_eq!(st("发展规划股").interview_months, [2, 7, 8, 11]);
    assert_eq!(st("企业改革股").interview_months.len(), 10);
    assert!(st("办公室").tied && st("信息化管理股").tied);
    assert_eq!(
        common::parts(a, "办公室").4,
        common::parts(a, "信息化管理股").4
    );

    let mut codes: Vec<(String, &str, Severity)> = a
        .findings
        .iter()
        .map(|f| {
            let file = Path::new(&f.file).file_name().unwrap().to_string_lossy();
            (format!("{file} {}", f.cell), f.code.as_str(), f.severity)
        })
        .collect();
    codes.sort();
    let mut expected = vec![
        (
            "中小企业股-2019-10.xlsx E7",
            "W-TASK-MISSING",
            Severity::Warning,
        ),
        (
            "信息化管理股-2019-06.xlsx L7",
            "E-REQUIRED",
            Severity::Error,
        ),
        ("发展规划股-2018-12.xlsx D2", "E-FILE-YEAR", Severity::Error),
        (
            "发展规划股-2019-10.xlsx B6",
            "W-DUP-SECTION",
            Severity::Warning,
        ),
        ("园区管理办公室-2019-02.xlsx C6", "E-DATE", Severity::Error),
        ("经济运行股-2019-03.xlsx D7", "E-VALUE", Severity::Error),
        (
            "行政审批事项管理股-2019-05.xlsx L7",
            "W-REVIEWER",
            Severity::Warning,
        ),
        (
            "要素保障和煤炭管理股-2019-08.xlsx L5",
            "W-APPROVAL",
            Severity::Warning,
        ),
        // The 采用记录: the unprinted claim, the forgotten 是, the title no section sent.
        (
            "中小企业股-2019-09.xlsx B7",
            "W-ADOPT-UNRECORDED",
            Severity::Warning,
        ),
        (
            "科技管理股-累计-12月.xlsx B10",
            "W-ADOPT-UNCLAIMED",
            Severity::Warning,
        ),
        ("考核登记表.xlsx C43", "W-REG-ADOPT", Severity::Warning),
    ]
    .into_iter()
    .map(|(w, c, s)| (w.to_string(), c, s))
    .collect::<Vec<_>>();
    expected.sort();
    assert_eq!(codes, expected);

    // The lock file and the Word note are skipped; the LibreOffice files are read.
    let status = |suffix: &str| {
        &a.files
            .iter()
            .find(|f| f.display.ends_with(suffix))
            .unwrap_or_else(|| panic!("no input {suffix}"))
            .status
    };
    assert!(matches!(
        status("~$经济运行股-2019-05.xlsx"),
        FileStatus::Skipped(_)
    ));
    assert!(matches!(status(".docx"), FileStatus::Skipped(_)));
    assert!(matches!(
        status(make_samples::REGISTER_FILE),
        FileStatus::Register
    ));
    for (rel, ext) in make_samples::CONVERTED {
        let conv = Path::new(rel).with_extension(ext);
        assert!(
            matches!(status(&conv.to_string_lossy()), FileStatus::Section { .. }),
            "{}",
            conv.display()
        );
    }
}

/// The register's 采用记录 exercises every case: exact matches, reworded titles (fuzzy, with
/// their similarity), a forgotten 是, an unprinted claim, a row no item matches, and the
/// 省政府办公厅 level it does not list (left as declared). Against the year scored with the
/// adoptions as declared (the record taken out of the register), it changes exactly the two
/// adoptions it should, and so the golden figures by exactly ±5.
#[test]
fn the_record_changes_exactly_what_it_says() {
    use zwxx::adoption::CheckKind;
    let a = year_end();
    let checks: Vec<(&str, &str, CheckKind, bool)> = a
        .scores
        .iter()
        .flat_map(|s| {
            s.adoption.iter().map(move |c| {
                let title = s.items[c.item].item.title.as_ref();
                (s.name.as_str(), title, c.kind, c.similarity.is_some())
            })
        })
        .collect();
    let count = |kind: CheckKind, fuzzy: bool| {
        checks
            .iter()
            .filter(|c| c.2 == kind && c.3 == fuzzy)
            .count()
    };
    assert!(count(CheckKind::Both, false) > 40, "{checks:?}");
    assert_eq!(count(CheckKind::Both, true), 3, "the reworded titles");
    let changed: Vec<(&str, CheckKind)> = checks
        .iter()
        .filter(|c| c.2 != CheckKind::Both)
        .map(|c| (c.0, c.2))
        .collect();
    assert_eq!(
        changed,
        [
            ("中小企业股", CheckKind::Declared),
            ("科技管理股", CheckKind::Recorded)
        ]
    );

    let rules = Rules::default_rules();
    let mut loaded = zwxx::load::load(&[samples()], None, &rules, &Limits::default()).unwrap();
    loaded.register.as_mut().unwrap().adoption_record.clear();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let declared = zwxx::assess::assess(loaded, &rules, None, None, today).unwrap();
    assert!(declared.scores.iter().all(|s| s.adoption.is_empty()));
    let p = rules.adoption[0].points;
    for (s, d) in a.scores.iter().zip(&declared.scores) {
        let change = match s.name.as_str() {
            "科技管理股" => p,
            "中小企业股" => -p,
            _ => 0,
        };
        assert_eq!(s.adoption() - d.adoption(), change, "{}", s.name);
        assert_eq!(s.final_score() - d.final_score(), change, "{}", s.name);
        assert_eq!(s.task_points(), d.task_points(), "{}", s.name);
    }
}

/// Mid-year: task 2019-04 (科技管理股, due 2019-07-31) is pending at 2019-06-30 — 0 points, no
/// failure — and done by year end, when its July item, adopted in 专刊 (flag filled in from the
/// August version of the cumulative file), is in.
#[test]
fn mid_year_standing_has_a_pending_task() {
    let outcome = |a: &zwxx::assess::Assessment, id: &str| {
        a.scores
            .iter()
            .flat_map(|s| &s.tasks)
            .find(|t| t.task.id == id)
            .map(|t| (t.outcome, t.points))
            .unwrap()
    };
    let mid = common::assess(&samples(), Some("2019-06-30"));
    assert_eq!(outcome(&mid, "2019-04"), (TaskOutcome::Pending, 0));
    assert_eq!(outcome(&mid, "2019-05"), (TaskOutcome::Pending, 0));
    // Issued 2019-08-01 and marked 按时按质完成: not issued yet at 2019-06-30, so 0 (it was
    // +15 for 行政审批事项管理股 before SPEC Scoring 4 said so); +15 at year end.
    assert_eq!(outcome(&mid, "2019-07"), (TaskOutcome::NotIssued, 0));
    assert_eq!(
        outcome(year_end(), "2019-07"),
        (TaskOutcome::Done { explicit: true }, 15)
    );
    assert!(matches!(
        outcome(&mid, "2019-02").0,
        TaskOutcome::Failed { .. }
    ));
    assert!(
        common::standing(&mid, "要素保障和煤炭管理股")
            .ineligible_for
            .is_empty()
    );
    let end = year_end();
    assert_eq!(
        outcome(end, "2019-04"),
        (TaskOutcome::Done { explicit: false }, 15)
    );

    let work = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_zwxx"))
        .current_dir(work.path())
        .arg("score")
        .arg(samples())
        .args(["--as-of", "2019-06-30"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("统计截至 2019-06-30"), "{stdout}");
}
