//! Outputs: the templates, the results workbook, CSV, feedback workbooks, the terminal view.

pub mod csv;
pub mod template;
pub mod terminal;
