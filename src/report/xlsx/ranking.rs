//! 考核排名: one row per section in ranking order, and a bar chart of the final scores.

use rust_xlsxwriter::{
    Chart, ChartAxisCrossing, ChartAxisLabelPosition, ChartDataLabel, ChartFont, ChartFormat,
    ChartPoint, ChartSolidFill, ChartType, Color, Worksheet,
};

use crate::assess::Assessment;
use crate::rules::Rules;

use super::cell::Look;
use super::kit::Sheet;
use super::{BAD, GOOD, R, SHEET_RANKING, as_of_title, new_sheet};
use crate::report::table::RankingRow;
use crate::report::{BODY_FONT, BODY_SIZE, FONT_CHARSET, RANKING_COLUMNS};

pub(super) fn ranking_sheet(a: &Assessment, rules: &Rules, ranking: &[RankingRow]) -> R<Worksheet> {
    let mut ws = new_sheet()?;
    ws.set_name(SHEET_RANKING)?;
    let mut sh = Sheet::new(&mut ws);
    let last = RANKING_COLUMNS.len() as u16 - 1;
    // The counts and points narrow (their labels wrap), so that 评定 holds an award title on
    // one line and 备注 has room.
    sh.limit(0, 5.0, 5.0, false);
    // The longest name of the seed's roster (要素保障和煤炭管理股) on one line.
    sh.limit(1, 19.0, 20.0, true);
    sh.limit(2, 7.0, 7.0, false);
    for c in 3..=7 {
        sh.limit(c, 6.0, 6.0, false);
    }
    sh.limit(8, 8.0, 8.0, false);
    sh.limit(9, 8.0, 8.0, false);
    sh.limit(10, 18.0, 22.0, true);
    sh.limit(11, 16.0, 40.0, true);
    sh.centre(&[0]);
    sh.title(0, &as_of_title(a, "政务信息工作考核排名"), last)?;
    sh.header(1, 0, &RANKING_COLUMNS)?;
    let mut row = 2;
    let mut ranked = 0;
    for r in ranking {
        let st = r.standing;
        let fill = if st.awarded {
            Some(GOOD)
        } else if st.criticised {
            Some(BAD)
        } else {
            None
        };
        let look = Look {
            fill,
            ..Look::default()
        };
        sh.row(row, 0, &r.values, look)?;
        if st.rank.is_some() {
            ranked += 1;
        }
        row += 1;
    }
    let last_row = row - 1;
    sh.ws.autofilter(1, 0, last_row.max(1), last)?;
    row += 1;
    let t = &rules.tasks;
    sh.note(
        row,
        &format!(
            "注：绿色底色为“{}”，粉色底色为“{}”。加分 = 信息被采用的加分；约稿任务 = 按时按质完成 +{} 分、未完成 −{} 分的合计；扣分 = 扣分项合计；最终得分 = 基础分 + 加分 + 约稿任务 − 扣分。完成率空白表示登记表未下达该项任务。各股室得分的来历见同名工作表。",
            rules.awards.top_title, rules.awards.bottom_title, t.completed_points, t.failed_points
        ),
        last,
    )?;
    if ranked > 0 {
        let chart = score_chart(a, ranked)?;
        // On a page of its own (it would not fit under the table), a row below the break:
        // LibreOffice draws an edge on the break at both pages.
        sh.ws.set_page_breaks(&[row + 2])?;
        sh.ws.insert_chart(row + 3, 1, &chart)?;
    }
    sh.finish(1, (2, 2))?;
    Ok(ws)
}

/// A horizontal bar chart of the ranked sections' final scores, first place on top, awarded
/// bars green and criticised bars red like their rows; its text in the body font and size,
/// so that it prints as large as the table's.
fn score_chart(a: &Assessment, ranked: u32) -> R<Chart> {
    let font = ChartFont::new()
        .set_name(BODY_FONT)
        .set_character_set(FONT_CHARSET)
        .set_size(BODY_SIZE)
        .clone();
    let mut chart = Chart::new(ChartType::Bar);
    chart
        .title()
        .set_name(&format!("{}年度各股室最终得分", a.year));
    chart.legend().set_hidden();
    let colour = |c: u32| {
        ChartPoint::new().set_format(
            ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(c))),
        )
    };
    let pts: Vec<ChartPoint> = a
        .standings
        .iter()
        .filter(|st| st.rank.is_some())
        .map(|st| {
            colour(if st.awarded {
                0x70AD47
            } else if st.criticised {
                0xC0504D
            } else {
                0x4472C4
            })
        })
        .collect();
    chart
        .add_series()
        .set_categories((SHEET_RANKING, 2, 1, 1 + ranked, 1))
        .set_values((SHEET_RANKING, 2, 7, 1 + ranked, 7))
        .set_points(&pts)
        .set_gap(60)
        .set_data_label(ChartDataLabel::new().show_value().set_font(&font));
    // First place on top; the value axis stays at the bottom and the names at the left edge,
    // clear of negative bars.
    chart
        .y_axis()
        .set_reverse()
        .set_crossing(ChartAxisCrossing::Max)
        .set_label_position(ChartAxisLabelPosition::Low);
    chart.x_axis().set_name("最终得分");
    chart
        .title()
        .set_font(&font.clone().set_size(BODY_SIZE + 2.0).clone());
    chart.x_axis().set_font(&font).set_name_font(&font);
    chart.y_axis().set_font(&font);
    chart.set_width(760).set_height(90 + 26 * ranked);
    Ok(chart)
}
