//! 采用信息目录: every counted item that was adopted, with the 采用记录 check when there is one.

use rust_xlsxwriter::Worksheet;

use crate::assess::Assessment;
use crate::report::adoption;
use crate::rules::Rules;
use crate::score::ItemState;

use super::cell::{Look, V};
use super::kit::Sheet;
use super::{R, SHEET_CATALOG, new_sheet};
use crate::report::adopted_levels;

pub(super) fn catalog_sheet(a: &Assessment, rules: &Rules) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(SHEET_CATALOG)?;
    let mut sh = Sheet::new(&mut ws);
    let mut cols = vec![
        "序号",
        "股室",
        "信息标题",
        "报送日期",
        "信息类别",
        "采用级别",
        "采用期号",
        "加分",
    ];
    let checked = adoption::has_record(a);
    if checked {
        cols.extend(adoption::CATALOG_COLUMNS);
        sh.limit(8, 12.0, 30.0, true);
        sh.limit(9, 7.0, 8.0, false);
    }
    let last = cols.len() as u16 - 1;
    sh.limit(0, 6.0, 6.0, false);
    sh.limit(1, 10.0, 24.0, true);
    sh.limit(2, 30.0, 50.0, true);
    sh.limit(5, 14.0, 40.0, true);
    sh.limit(6, 10.0, 20.0, true);
    sh.title(
        0,
        &format!(
            "{}年度被采用的政务信息目录（统计截至{}{}）",
            a.year,
            a.as_of.format("%Y-%m-%d"),
            if checked {
                "；已按采用记录核对"
            } else {
                ""
            }
        ),
        last,
    )?;
    sh.header(1, 0, &cols)?;
    let mut row = 2;
    for s in &a.scores {
        for (i, si) in s.items.iter().enumerate() {
            if si.state != ItemState::Counted || !si.item.is_adopted() {
                continue;
            }
            let it = &si.item;
            let mut vals = vec![
                V::Int(row as i64 - 1),
                V::text(&s.name),
                V::text(&it.title),
                V::Date(it.date),
                V::text(&it.category),
                V::Text(adopted_levels(it, rules)),
                V::text(&it.issue_no),
                V::Int(si.adoption_points(rules)),
            ];
            if checked {
                let c = adoption::catalog_check(a, s, i, rules);
                vals[6] = V::Text(c.issue);
                vals.push(V::Text(c.check));
                vals.push(c.similarity.map_or(V::Blank, V::Num));
            }
            sh.row(row, 0, &vals, Look::default())?;
            row += 1;
        }
    }
    if row == 2 {
        sh.note(row, "（尚无被采用的信息）", last)?;
    }
    sh.ws.autofilter(1, 0, (row - 1).max(1), last)?;
    sh.finish(1, (2, 0))?;
    Ok(ws)
}
