//! Workbooks saved by LibreOffice Calc (.xlsx, .xls, .ods — see tests/fixtures/libreoffice/
//! make.sh) read to exactly the same items as the source workbook, with dates given as real
//! dates, text in several shapes, serial numbers and a formula, and flags as 是/√/Y/1/TRUE; and
//! a year kept in one workbook with a sheet per month (tests/fixtures/month-sheets/make.sh)
//! scores in each format like the same months sent as separate files.

use crate::common;
use common::*;
use std::path::Path;

type Key = (String, String, String, u32, Option<String>);

fn items_of(file: &str) -> Vec<Key> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/libreoffice")
        .join(file);
    let a = assess(&path, None);
    assert_eq!(a.error_count(), 0, "{file}: {:#?}", a.findings);
    let mut v: Vec<Key> = a
        .items()
        .map(|i| {
            (
                i.section.to_string(),
                i.title.to_string(),
                i.date.to_string(),
                i.adopted,
                i.task_id.as_deref().map(String::from),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn libreoffice_saved_formats_read_the_same_items() {
    let expected: Vec<Key> = {
        let mut v = vec![
            (
                "科技管理股",
                "全区科技项目申报工作启动",
                "2019-03-01",
                0b0001,
                None,
            ),
            (
                "科技管理股",
                "高新技术企业培育工作推进会召开",
                "2019-03-05",
                0b0011,
                None,
            ),
            (
                "科技管理股",
                "科技特派员服务基层工作成效明显",
                "2019-03-08",
                0,
                None,
            ),
            (
                "科技管理股",
                "企业研发投入统计调研情况",
                "2019-03-18",
                0b0101,
                Some("KJ-2019-01"),
            ),
            (
                "科技管理股",
                "科技成果转化 典型案例",
                "2019-03-20",
                0b0001,
                None,
            ),
            (
                "科技管理股",
                "知识产权保护宣传周活动开展",
                "2019-03-25",
                0,
                None,
            ),
            ("科技管理股", "科普示范基地建设情况", "2019-03-28", 0, None),
        ]
        .into_iter()
        .map(|(s, t, d, a, k)| {
            (
                s.to_string(),
                t.to_string(),
                d.to_string(),
                a,
                k.map(String::from),
            )
        })
        .collect::<Vec<_>>();
        v.sort();
        v
    };
    for file in [
        "source.xlsx",
        "libreoffice.xlsx",
        "libreoffice.xls",
        "libreoffice.ods",
    ] {
        assert_eq!(items_of(file), expected, "{file}");
    }
}

/// The generated template, filled in LibreOffice Calc through UNO (tests/fixtures/
/// template-filled/make.sh) and saved as .xlsx, .xls and .ods: the same four items from each.
#[test]
fn template_filled_in_libreoffice_reads_the_same_in_every_format() {
    for ext in ["xlsx", "xls", "ods"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/template-filled")
            .join(format!("filled.{ext}"));
        let a = assess(&path, None);
        assert_eq!(a.error_count(), 0, "{ext}: {:#?}", a.findings);
        let mut got: Vec<(String, String, u32, Option<String>)> = a
            .items()
            .map(|i| {
                (
                    i.title.to_string(),
                    i.date.to_string(),
                    i.adopted,
                    i.task_id.as_deref().map(String::from),
                )
            })
            .collect();
        got.sort();
        let want = vec![
            (
                "中小企业融资对接会成功举办".to_string(),
                "2019-06-04".to_string(),
                0b0001,
                None,
            ),
            (
                "小微企业 减税降费政策宣传".into(),
                "2019-06-25".into(),
                0,
                None,
            ),
            ("民营企业座谈会召开".into(), "2019-06-18".into(), 0, None),
            (
                "“专精特新”企业培育情况调研".into(),
                "2019-06-12".into(),
                0b0110,
                Some("ZX-01".to_string()),
            ),
        ];
        let mut want = want;
        want.sort();
        assert_eq!(got, want, "{ext}");
        assert!(section(&a, "中小企业股").submitted[5], "{ext}: 报送月份 6");
    }
}

/// The form filled in Calc with a sheet per month (1月, 2月, 3月 零报告, and 4月 copied from
/// 3月 with 报送月份 left at 3), saved as .xlsx, .xls and .ods: each scores, through the binary,
/// exactly like the same four forms sent as separate files — 4 items, 2 × 4 + 5 = 13 points,
/// months 1–3 sent, April not (its sheet says 3月), and W-MONTH-STALE on 4月!F2.
#[test]
fn a_sheet_per_month_saved_by_libreoffice_scores_like_separate_files() {
    let d = tempfile::tempdir().unwrap();
    let separate = d.path().join("separate");
    std::fs::create_dir(&separate).unwrap();
    let forms: [(&str, u32, Vec<Row>); 4] = [
        (
            "1",
            1,
            vec![
                Row::new("办公室召开一月工作例会", "2019-01-08"),
                Row::new("办公室开展节前安全检查", "2019-01-25"),
            ],
        ),
        (
            "2",
            2,
            vec![Row::new("办公室二月信息被普刊采用", "2019-02-14").adopted(&[0])],
        ),
        ("3", 3, vec![]),
        (
            "4",
            3,
            vec![Row::new("办公室四月召开春季工作会", "2019-04-09")],
        ),
    ];
    for (name, month, rows) in &forms {
        section_file(
            &separate.join(format!("{name}.xlsx")),
            "办公室",
            2019,
            *month,
            rows,
        );
    }
    let run = |input: &Path, out: &str| {
        let o = zwxx(
            d.path(),
            &[
                "score",
                &input.to_string_lossy(),
                "--as-of",
                "2019-12-31",
                "-o",
                out,
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        (stdout(&o), standing_sheets(&d.path().join(out)))
    };
    let (_, expected) = run(&separate, "separate.xlsx");
    let office = expected[0].iter().find(|r| r[1] == "办公室").unwrap();
    assert_eq!((office[2].as_str(), office[7].as_str()), ("4", "13"));
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/month-sheets");
    for ext in ["xlsx", "xls", "ods"] {
        let file = fixtures.join(format!("办公室2019年政务信息.{ext}"));
        let (out, got) = run(&file, &format!("{ext}.xlsx"));
        assert_eq!(got, expected, "{ext}");
        assert!(
            out.contains("读取报送表 1 个（共 4 个工作表）"),
            "{ext}: {out}"
        );
        let a = assess(&file, None);
        let stale: Vec<(&str, &str, &str)> = a
            .findings
            .iter()
            .map(|f| (f.code.as_str(), f.sheet.as_str(), f.cell.as_str()))
            .collect();
        assert_eq!(stale, [("W-MONTH-STALE", "4月", "F2")], "{ext}");
    }
}
