//! A deterministic year of section workbooks in the template's shape, for benchmarks and
//! tests at any size: N units (sections) × 12 months × K items, each workbook the real
//! template (`zwxx::report::template::section_template`) filled in — real dates, Chinese
//! titles of 20–40 characters, adoption flags — plus a register listing the N units.
//!
//! Usage: cargo run --release --example gen_year -- --units N --items K --out DIR [--seed S]

use std::path::PathBuf;

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use zwxx::labels as l;
use zwxx::report::template::{ITEMS_HEADER_ROW, register_template, section_template};
use zwxx::rules::Rules;

const SUBJECTS: [&str; 12] = [
    "全区规上工业企业",
    "园区重点项目",
    "中小企业融资对接",
    "工业用电保障",
    "煤矿安全生产",
    "科技项目申报",
    "行政审批事项",
    "专精特新企业培育",
    "招商引资项目",
    "数字经济发展",
    "民营企业座谈",
    "高新技术企业",
];
const ACTIONS: [&str; 10] = [
    "工作推进情况",
    "取得阶段性成效",
    "专题调研报告",
    "现场督导检查",
    "座谈会顺利召开",
    "运行情况分析",
    "问题及对策建议",
    "服务企业走访",
    "政策宣传解读",
    "月度工作动态",
];
const DETAILS: [&str; 8] = [
    "助力经济稳中向好",
    "持续优化营商环境",
    "推动高质量发展",
    "切实解决企业难题",
    "全力保障生产要素",
    "加快项目建设进度",
    "筑牢安全发展底线",
    "",
];

/// A small deterministic generator (LCG).
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn unit_name(i: usize) -> String {
    format!("第{:04}单位", i + 1)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut units = 11usize;
    let mut items = 20usize;
    let mut out = PathBuf::from("gen-year");
    let mut seed = 2019u64;
    let args: Vec<String> = std::env::args().skip(1).collect();
    for pair in args.chunks(2) {
        let v = pair.get(1).ok_or("each option needs a value")?;
        match pair[0].as_str() {
            "--units" => units = v.parse()?,
            "--items" => items = v.parse()?,
            "--out" => out = PathBuf::from(v),
            "--seed" => seed = v.parse()?,
            other => return Err(format!("unknown option {other}").into()),
        }
    }
    std::fs::create_dir_all(&out)?;
    let rules = Rules::default_rules();
    let names: Vec<String> = (0..units).map(unit_name).collect();
    let roster: Vec<&str> = names.iter().map(String::as_str).collect();
    let year = 2019;

    let mut reg = register_template(&rules, &roster, year)?;
    reg.save(out.join(l::REGISTER_TEMPLATE_FILE))?;

    let date = Format::new().set_num_format("yyyy-mm-dd").set_unlocked();
    let text = Format::new().set_unlocked();
    let mut rng = Rng(seed);
    let mut wanted: Vec<&str> = l::ITEM_FIXED_COLUMNS[..5].to_vec();
    wanted.extend(rules.adoption_labels());
    wanted.extend(&l::ITEM_FIXED_COLUMNS[5..]);
    let col = |label: &str| wanted.iter().position(|x| *x == label).unwrap() as u16;
    for (u, name) in names.iter().enumerate() {
        for month in 1..=12u32 {
            let mut wb: Workbook = section_template(&rules, &roster, year)?;
            let ws = wb.worksheet_from_name(l::SHEET_ITEMS)?;
            ws.write_with_format(1, 1, name.as_str(), &text)?;
            ws.write_with_format(1, 5, month, &text)?;
            ws.write_with_format(1, 7, "信息员", &text)?;
            for k in 0..items {
                let r = ITEMS_HEADER_ROW + 1 + k as u32;
                let title = format!(
                    "{}{}{}(第{}期)",
                    SUBJECTS[rng.below(12) as usize],
                    ACTIONS[rng.below(10) as usize],
                    DETAILS[rng.below(8) as usize],
                    u * 1000 + month as usize * 50 + k
                );
                let day = 1 + rng.below(28) as u8;
                ws.write_with_format(r, col(l::C_SEQ), (k + 1) as u32, &text)?;
                ws.write_with_format(r, col(l::C_TITLE), title.as_str(), &text)?;
                ws.write_datetime_with_format(
                    r,
                    col(l::C_DATE),
                    ExcelDateTime::from_ymd(year as u16, month as u8, day)?,
                    &date,
                )?;
                ws.write_with_format(
                    r,
                    col(l::C_CATEGORY),
                    if rng.below(10) == 0 {
                        "重要信息"
                    } else {
                        "常规信息"
                    },
                    &text,
                )?;
                for (i, label) in rules.adoption_labels().enumerate() {
                    let p = [5, 20, 60, 100][i.min(3)];
                    let yes = rng.below(p) == 0;
                    ws.write_with_format(r, col(label), if yes { l::YES } else { l::NO }, &text)?;
                }
                ws.write_with_format(r, col(l::C_AUTHOR), "撰稿人", &text)?;
                ws.write_with_format(r, col(l::C_REVIEWER), "分管领导", &text)?;
            }
            wb.save(out.join(format!("{name}-{year}-{month:02}.xlsx")))?;
        }
    }
    println!("wrote {} workbooks to {}", units * 12 + 1, out.display());
    Ok(())
}
