//! 月度报送: qualifying items per section and month, missing months marked.

use rust_xlsxwriter::Worksheet;

use crate::assess::Assessment;
use crate::rank::Standing;

use super::cell::{Look, V};
use super::kit::Sheet;
use super::{BAD, NEUTRAL, R, SHEET_MONTHLY, new_sheet};
use crate::report::{INVALID_FILE, NOT_SUBMITTED};

pub(super) fn monthly_sheet(a: &Assessment, by_section: &[&Standing]) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(SHEET_MONTHLY)?;
    let mut sh = Sheet::new(&mut ws);
    let mut cols: Vec<String> = vec!["股室".into()];
    cols.extend((1..=12).map(|m| format!("{m}月")));
    cols.extend(["合计".into(), "未报送月数".into(), "建议约谈".into()]);
    let labels: Vec<&str> = cols.iter().map(String::as_str).collect();
    let last = labels.len() as u16 - 1;
    sh.limit(0, 10.0, 24.0, true);
    for c in 1..=12 {
        sh.limit(c, 6.0, 7.0, false);
    }
    sh.limit(13, 6.0, 7.0, false);
    sh.limit(14, 8.0, 9.0, false);
    sh.limit(15, 8.0, 10.0, false);
    let up_to = a.up_to_month();
    sh.title(
        0,
        &format!(
            "{}年度各股室月度报送情况（合格信息条数，按报送日期计；统计截至{}）",
            a.year,
            a.as_of.format("%Y-%m-%d")
        ),
        last,
    )?;
    sh.header(1, 0, &labels)?;
    let mut row = 2;
    for (i, s) in a.scores.iter().enumerate() {
        let per_month = s.items_per_month();
        sh.put(row, 0, &V::text(&s.name), Look::default())?;
        for m in 1..=12u32 {
            let n = per_month[m as usize - 1] as i64;
            let missing = m <= up_to && !s.submitted[m as usize - 1];
            let (v, look) = if missing {
                // A month whose files were all refused shows so, in the colour of errors.
                let (word, fill) = if s.invalid_only(m) {
                    (INVALID_FILE, BAD)
                } else {
                    (NOT_SUBMITTED, NEUTRAL)
                };
                let v = if n == 0 { V::text(word) } else { V::Int(n) };
                (
                    v,
                    Look {
                        fill: Some(fill),
                        center: true,
                        ..Look::default()
                    },
                )
            } else if m <= up_to || n > 0 {
                (V::Int(n), Look::default())
            } else {
                (V::Blank, Look::default())
            };
            sh.put(row, m as u16, &v, look)?;
        }
        let missing = s.missing_months(up_to).len() as i64;
        let interview = if by_section[i].interview_months.is_empty() {
            ""
        } else {
            "建议约谈"
        };
        sh.put(row, 13, &V::Int(s.qualifying() as i64), Look::default())?;
        sh.put(row, 14, &V::Int(missing), Look::default())?;
        sh.put(row, 15, &V::text(interview), Look::default())?;
        row += 1;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.note(
        row + 1,
        &format!(
            "注：黄色底色表示该月没有收到该股室的报送表（报送月份为该月的有效报送表，零报告也算报送），粉色底色（“{INVALID_FILE}”）表示收到了该月的报送表，但文件有错误未能计分（详见“校验问题”），均计至统计截止月份（{up_to} 月）；数字为报送日期在该月的合格信息条数（累计报送的文件只计其报送月份）。"
        ),
        last,
    )?;
    sh.finish(1, (2, 1))?;
    Ok(ws)
}
