//! Layout shared by every sheet of the templates: formats, column widths measured for Chinese
//! text, data-validation helpers within Excel's limits, the hidden list sheet, tables with open
//! data rows, titles, print setup and protection.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, ProtectionOptions, Worksheet, XlsxError,
    worksheet_range_absolute,
};

use crate::labels;
use crate::report::body_font;

/// Printed height of one line of 11-point text, in points (with room for fallback fonts).
const LINE_HEIGHT: f64 = 15.0;
/// Excel's limits on data-validation texts (UTF-16 units).
const LIST_LIMIT: usize = 255;
const TITLE_LIMIT: usize = 32;
const MESSAGE_LIMIT: usize = 255;
/// A4 in Excel's paper-size numbering.
const PAPER_A4: u8 = 9;

/// What a data column holds; decides its cell format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Text kept as typed (`@`), so an id like `2019-01` never turns into a date.
    Text,
    /// Long text, wrapped.
    Wrap,
    /// A date shown as yyyy-mm-dd.
    Date,
    /// A drop-down value, centred.
    Choice,
    /// A number, centred.
    Number,
}

/// Every format the templates use. Formats of cells people type into are unlocked.
pub(super) struct Styles {
    pub(super) title: Format,
    pub(super) label: Format,
    pub(super) value: Format,
    pub(super) value_number: Format,
    pub(super) head: Format,
    pub(super) prose: Format,
    pub(super) prose_number: Format,
    pub(super) heading: Format,
    pub(super) table_cell: Format,
    pub(super) table_category: Format,
    pub(super) unlocked_row: Format,
}

/// 黑体, the font of titles and headers, in place of bold.
fn heading(f: Format) -> Format {
    f.set_font_name(crate::report::HEADING_FONT)
}

impl Styles {
    pub(super) fn new() -> Styles {
        let base = body_font().set_align(FormatAlign::VerticalCenter);
        let grid = Color::RGB(0x80_80_80);
        let bordered = base
            .clone()
            .set_border(FormatBorder::Thin)
            .set_border_color(grid);
        Styles {
            title: heading(base.clone())
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            label: heading(bordered.clone())
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xF2_F2_F2)),
            value: bordered.clone().set_num_format("@").set_unlocked(),
            value_number: bordered
                .clone()
                .set_align(FormatAlign::Center)
                .set_unlocked(),
            head: heading(bordered.clone())
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color(Color::RGB(0xDD_EB_F7)),
            prose: base
                .clone()
                .set_text_wrap()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::Top),
            // A number beside a paragraph of several lines stands at its first line.
            prose_number: base
                .clone()
                .set_align(FormatAlign::Right)
                .set_align(FormatAlign::Top),
            heading: heading(base.clone()).set_font_size(12),
            table_cell: bordered.clone().set_text_wrap(),
            table_category: heading(bordered.clone())
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            unlocked_row: body_font().set_unlocked(),
        }
    }

    /// The (unlocked) format of a data cell of this kind.
    pub(super) fn cell(&self, kind: Kind) -> Format {
        let base = body_font()
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xA6_A6_A6))
            .set_unlocked();
        match kind {
            Kind::Text => base.set_num_format("@"),
            Kind::Wrap => base.set_num_format("@").set_text_wrap(),
            Kind::Date => base
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Center),
            Kind::Choice => base.set_num_format("@").set_align(FormatAlign::Center),
            Kind::Number => base.set_align(FormatAlign::Center),
        }
    }
}

/// Display width of text in Excel column units (digits of 宋体 11, 8 pixels), given the
/// width of one CJK or full-width character: 11 points are 14.7 pixels, so about 1.85
/// (rust_xlsxwriter's autofit counts one).
pub(super) fn text_width(s: &str, cjk: f64) -> f64 {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { cjk } else { cjk / 2.0 })
        .sum()
}

/// Width of a column that shows `s` on one line, with room to spare for wider fonts.
pub(super) fn fit_width(s: &str) -> f64 {
    (text_width(s, 2.0) + 1.0).ceil()
}

/// Lines `text` wraps to in a column (or merged range) `width` units wide.
pub(super) fn wrapped_lines(text: &str, width: f64) -> u32 {
    let usable = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|seg| ((text_width(seg, 1.85) / usable).ceil() as u32).max(1))
        .sum()
}

/// Row height in points for `lines` lines of text.
pub(super) fn row_height(lines: u32) -> f64 {
    LINE_HEIGHT * f64::from(lines.max(1)) + 3.0
}

/// Shorten text to one of Excel's data-validation limits (UTF-16 units), with an ellipsis.
pub(super) fn clip(text: &str, limit: usize) -> String {
    if text.encode_utf16().count() <= limit {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        if out.encode_utf16().count() + c.len_utf16() + 1 > limit {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

// ---- Data validation ----

/// Add an input hint (shown when the cell is selected) to a validation.
pub(super) fn hinted(
    v: DataValidation,
    title: &str,
    message: &str,
) -> Result<DataValidation, XlsxError> {
    v.set_input_title(clip(title, TITLE_LIMIT))?
        .set_input_message(clip(message, MESSAGE_LIMIT))
}

/// A hint alone: any value is accepted.
pub(super) fn hint(title: &str, message: &str) -> Result<DataValidation, XlsxError> {
    hinted(DataValidation::new().allow_any_value(), title, message)
}

/// A drop-down that refuses other values, naming the allowed ones.
pub(super) fn refuse_others(
    v: DataValidation,
    label: &str,
    allowed: &str,
) -> Result<DataValidation, XlsxError> {
    v.set_error_style(DataValidationErrorStyle::Stop)
        .set_error_title(clip(&format!("{label}填写有误"), TITLE_LIMIT))?
        .set_error_message(clip(
            &format!("请从下拉列表中选择：{allowed}"),
            MESSAGE_LIMIT,
        ))
}

/// A drop-down of `values` written into the validation itself.
pub(super) fn inline_choice(
    label: &str,
    values: &[&str],
    message: &str,
) -> Result<DataValidation, XlsxError> {
    let v = DataValidation::new().allow_list_strings(values)?;
    refuse_others(hinted(v, label, message)?, label, &values.join("、"))
}

/// A date inside `year`; other dates are flagged (Warning style) but can be kept.
pub(super) fn date_rule(
    label: &str,
    year: i32,
    message: &str,
) -> Result<DataValidation, XlsxError> {
    let y =
        u16::try_from(year).map_err(|_| XlsxError::ParameterError(format!("年份 {year} 无效")))?;
    let v = DataValidation::new().allow_date(DataValidationRule::Between(
        ExcelDateTime::from_ymd(y, 1, 1)?,
        ExcelDateTime::from_ymd(y, 12, 31)?,
    ));
    hinted(v, label, message)?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title(clip(&format!("{label}不在{year}年内"), TITLE_LIMIT))?
        .set_error_message(format!(
            "{label}应为{year}年内的日期，如 {year}-03-05。\n确需保留此值，请选择“是”。"
        ))
}

/// The hidden `下拉列表` sheet: the template version, then one column per list referenced by
/// range (the roster, and any list too long or too odd for an inline drop-down). Collected
/// while the other sheets are built, written last.
#[derive(Default)]
pub(super) struct Lists {
    columns: Vec<(String, Vec<String>)>,
}

/// Row of each list's header on `下拉列表`; its values follow.
pub(super) const LIST_HEADER_ROW: u32 = 2;

impl Lists {
    /// Add `values` as a column headed `header`; the absolute range of the values, or `None`
    /// for an empty list.
    pub(super) fn range(&mut self, header: &str, values: &[&str]) -> Option<String> {
        if values.is_empty() {
            return None;
        }
        let col = self.columns.len() as u16;
        self.columns.push((
            header.to_string(),
            values.iter().map(|v| v.to_string()).collect(),
        ));
        Some(worksheet_range_absolute(
            labels::SHEET_LISTS,
            LIST_HEADER_ROW + 1,
            col,
            LIST_HEADER_ROW + values.len() as u32,
            col,
        ))
    }

    /// A drop-down of `values` (no hint yet): inline when Excel allows it (joined length
    /// within 255, no comma or quote in a value), else pointing at a column of this sheet.
    /// `None` for an empty list.
    pub(super) fn choice(
        &mut self,
        label: &str,
        values: &[&str],
    ) -> Result<Option<DataValidation>, XlsxError> {
        let inline_ok = values.join(",").encode_utf16().count() <= LIST_LIMIT
            && !values.iter().any(|v| v.contains([',', '"']));
        let v = if values.is_empty() {
            return Ok(None);
        } else if inline_ok {
            DataValidation::new().allow_list_strings(values)?
        } else {
            let range = self.range(label, values).unwrap_or_default();
            DataValidation::new().allow_list_formula(Formula::new(range))
        };
        Ok(Some(refuse_others(v, label, &values.join("、"))?))
    }

    /// Write the sheet: hidden and protected.
    pub(super) fn write(&self, ws: &mut Worksheet, st: &Styles) -> Result<(), XlsxError> {
        ws.set_name(labels::SHEET_LISTS)?;
        ws.write_string_with_format(0, 0, labels::VERSION_LABEL, &st.label)?;
        ws.write_string(0, 1, labels::TEMPLATE_VERSION)?;
        ws.set_column_width(0, fit_width(labels::VERSION_LABEL).max(10.0))?;
        ws.set_column_width(1, fit_width(labels::TEMPLATE_VERSION))?;
        for (col, (header, values)) in self.columns.iter().enumerate() {
            let col = col as u16;
            ws.write_string_with_format(LIST_HEADER_ROW, col, header, &st.label)?;
            for (i, v) in values.iter().enumerate() {
                ws.write_string(LIST_HEADER_ROW + 1 + i as u32, col, v)?;
            }
            let width = values
                .iter()
                .chain(std::iter::once(header))
                .map(|v| fit_width(v))
                .fold(10.0, f64::max);
            ws.set_column_width(col, width)?;
        }
        ws.set_hidden(true);
        ws.protect();
        Ok(())
    }
}

// ---- Tables ----

/// One column of a data table: its label (exactly as the reader expects), width, kind and
/// validation over the data rows.
pub(super) struct Column {
    pub(super) label: String,
    pub(super) width: f64,
    pub(super) kind: Kind,
    pub(super) validation: Option<DataValidation>,
}

impl Column {
    pub(super) fn new(label: &str, width: f64, kind: Kind) -> Column {
        Column {
            label: label.to_string(),
            width,
            kind,
            validation: None,
        }
    }

    pub(super) fn with(mut self, validation: DataValidation) -> Column {
        self.validation = Some(validation);
        self
    }

    pub(super) fn with_opt(mut self, validation: Option<DataValidation>) -> Column {
        self.validation = validation;
        self
    }
}

/// Write a table's header row at `header_row` and `rows` open data rows under it, with
/// widths, validations, autofilter, frozen panes and repeated print titles.
pub(super) fn write_table(
    ws: &mut Worksheet,
    st: &Styles,
    header_row: u32,
    columns: &[Column],
    rows: u32,
) -> Result<(), XlsxError> {
    let first = header_row + 1;
    let last = header_row + rows;
    let last_col = columns.len().saturating_sub(1) as u16;
    let mut lines = 1;
    for (i, c) in columns.iter().enumerate() {
        let col = i as u16;
        ws.set_column_width(col, c.width)?;
        ws.write_string_with_format(header_row, col, &c.label, &st.head)?;
        lines = lines.max(wrapped_lines(&c.label, c.width));
        // A column format, not 300 formatted blank cells: empty cells take the column's
        // (unlocked) style, and the sheet XML stays small, which is most of what a reader
        // pays for every workbook sent in.
        ws.set_column_format(col, &st.cell(c.kind))?;
        if let Some(v) = &c.validation {
            ws.add_data_validation(first, col, last, col, v)?;
        }
    }
    ws.set_row_height(header_row, row_height(lines))?;
    // Every column to the right unlocked too, so whole rows can be deleted and sorted under
    // protection; the rows above the table keep a plain, locked style.
    ws.set_column_range_format(last_col + 1, 16_383, &st.unlocked_row)?;
    for row in 0..=header_row {
        ws.set_row_format(row, &body_font())?;
    }
    ws.autofilter(header_row, 0, last, last_col)?;
    ws.set_freeze_panes(first, 0)?;
    ws.set_repeat_rows(header_row, header_row)?;
    Ok(())
}

/// Merged, centred title over the columns in row 0, widening a column when the title would
/// not fit.
pub(super) fn write_title(
    ws: &mut Worksheet,
    st: &Styles,
    title: &str,
    widths: &mut [f64],
) -> Result<(), XlsxError> {
    // 16-point text is about 16/11 as wide as the 11-point text the widths are measured in.
    let needed = text_width(title, 2.0) * 16.0 / 11.0 + 2.0;
    let have: f64 = widths.iter().sum();
    // Widen the widest column, where the extra room looks least odd.
    let widest = (0..widths.len()).max_by(|&a, &b| widths[a].total_cmp(&widths[b]));
    if needed > have
        && let Some(i) = widest
    {
        widths[i] += (needed - have).ceil();
    }
    let last_col = widths.len().saturating_sub(1) as u16;
    if last_col == 0 {
        ws.write_string_with_format(0, 0, title, &st.title)?;
    } else {
        ws.merge_range(0, 0, 0, last_col, title, &st.title)?;
    }
    ws.set_row_height(0, 30)?;
    Ok(())
}

/// A4 landscape, one page wide, a print header naming the sheet, page numbers below.
pub(super) fn print_setup(ws: &mut Worksheet, header: &str) {
    ws.set_landscape();
    ws.set_paper_size(PAPER_A4);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    // Side margins of a quarter inch (6 mm, more than a printer's unprintable edge) leave the
    // items table room to print at 9.5 points or more.
    ws.set_margins(0.25, 0.25, 0.6, 0.6, 0.25, 0.25);
    ws.set_header(format!("&C{}", header.replace('&', "&&")));
    ws.set_footer("&C第 &P 页，共 &N 页");
}

/// Protection without a password that still lets people add, remove, sort and filter rows
/// and resize rows and columns.
pub(super) fn protect(ws: &mut Worksheet) {
    let options = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        insert_rows: true,
        delete_rows: true,
        sort: true,
        use_autofilter: true,
        ..ProtectionOptions::new()
    };
    ws.protect_with_options(&options);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_within_excel_limits() {
        assert_eq!(clip("短", TITLE_LIMIT), "短");
        let long = "很".repeat(40);
        let clipped = clip(&long, TITLE_LIMIT);
        assert_eq!(clipped.encode_utf16().count(), TITLE_LIMIT);
        assert!(clipped.ends_with('…'));
    }

    #[test]
    fn chinese_text_is_measured_about_two_digits_a_character() {
        assert_eq!(fit_width("股室"), 5.0);
        assert_eq!(fit_width("2019-03-05"), 11.0);
        assert_eq!(wrapped_lines("政务信息", 20.0), 1);
        assert_eq!(wrapped_lines(&"政".repeat(20), 11.0), 4);
        assert_eq!(wrapped_lines("一\n二", 20.0), 2);
    }

    /// Excel refuses an inline list over 255 characters, and a comma would split a value:
    /// such lists go to the hidden sheet and are referenced by range.
    #[test]
    fn lists_are_inline_when_excel_allows_else_by_range() {
        let mut lists = Lists::default();
        assert!(lists.choice("空", &[]).unwrap().is_none());
        lists.choice("是否", &["是", "否"]).unwrap().unwrap();
        assert!(lists.columns.is_empty(), "short lists stay inline");

        let long: Vec<String> = (0..40).map(|i| format!("很长的扣分类别{i}")).collect();
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        lists.choice("扣分类别", &long).unwrap().unwrap();
        lists.choice("信息类别", &["甲,乙", "丙"]).unwrap().unwrap();
        assert_eq!(lists.columns.len(), 2);
        assert_eq!(
            lists.range("股室", &["办公室", "信息化管理股"]).as_deref(),
            Some("下拉列表!$C$4:$C$5")
        );
    }
}
