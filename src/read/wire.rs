//! The wire between the reading process and a worker: serde codecs for the calamine types a
//! [`WorkbookData`](super::workbook::WorkbookData) holds (cell values and merged ranges),
//! which calamine does not make serialisable.

use calamine::{CellErrorType, Data, Dimensions, ExcelDateTime, ExcelDateTimeType};
use serde::{Deserialize, Serialize};

/// A cell value on the wire: the variants of `calamine::Data`, in one fixed order.
#[derive(Serialize, Deserialize)]
enum Value {
    Int(i64),
    Float(f64),
    String(String),
    Bool(bool),
    DateTime {
        value: f64,
        duration: bool,
        is_1904: bool,
    },
    DateTimeIso(String),
    DurationIso(String),
    Error(u8),
    Empty,
}

const ERRORS: [CellErrorType; 8] = [
    CellErrorType::Div0,
    CellErrorType::NA,
    CellErrorType::Name,
    CellErrorType::Null,
    CellErrorType::Num,
    CellErrorType::Ref,
    CellErrorType::Value,
    CellErrorType::GettingData,
];

fn kind(duration: bool) -> ExcelDateTimeType {
    if duration {
        ExcelDateTimeType::TimeDelta
    } else {
        ExcelDateTimeType::DateTime
    }
}

impl From<&Data> for Value {
    fn from(d: &Data) -> Value {
        match d {
            Data::Int(i) => Value::Int(*i),
            Data::Float(f) => Value::Float(*f),
            Data::String(s) => Value::String(s.clone()),
            Data::Bool(b) => Value::Bool(*b),
            Data::DateTime(dt) => Value::DateTime {
                value: dt.as_f64(),
                duration: dt.is_duration(),
                // calamine has no getter for the epoch: a 1900-based twin differs iff it is 1904
                is_1904: *dt != ExcelDateTime::new(dt.as_f64(), kind(dt.is_duration()), false),
            },
            Data::DateTimeIso(s) => Value::DateTimeIso(s.clone()),
            Data::DurationIso(s) => Value::DurationIso(s.clone()),
            Data::Error(e) => Value::Error(ERRORS.iter().position(|x| x == e).unwrap_or(0) as u8),
            Data::Empty => Value::Empty,
        }
    }
}

impl From<Value> for Data {
    fn from(v: Value) -> Data {
        match v {
            Value::Int(i) => Data::Int(i),
            Value::Float(f) => Data::Float(f),
            Value::String(s) => Data::String(s),
            Value::Bool(b) => Data::Bool(b),
            Value::DateTime {
                value,
                duration,
                is_1904,
            } => Data::DateTime(ExcelDateTime::new(value, kind(duration), is_1904)),
            Value::DateTimeIso(s) => Data::DateTimeIso(s),
            Value::DurationIso(s) => Data::DurationIso(s),
            Value::Error(e) => Data::Error(
                ERRORS
                    .get(usize::from(e))
                    .cloned()
                    .unwrap_or(CellErrorType::Value),
            ),
            Value::Empty => Data::Empty,
        }
    }
}

/// `#[serde(with)]` codec of a sheet's `(row, col, Data)` cells.
pub(crate) mod cells {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(
        cells: &[(u32, u32, Data)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(cells.iter().map(|(r, c, v)| (r, c, Value::from(v))))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(u32, u32, Data)>, D::Error> {
        let cells: Vec<(u32, u32, Value)> = Vec::deserialize(d)?;
        Ok(cells
            .into_iter()
            .map(|(r, c, v)| (r, c, v.into()))
            .collect())
    }
}

/// `#[serde(with)]` codec of merged ranges.
pub(crate) mod ranges {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(ranges: &[Dimensions], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(ranges.iter().map(|d| (d.start, d.end)))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<Dimensions>, D::Error> {
        let corners: Vec<((u32, u32), (u32, u32))> = Vec::deserialize(d)?;
        Ok(corners
            .into_iter()
            .map(|(a, b)| Dimensions::new(a, b))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::workbook::{Format, SheetData, WorkbookData};

    /// Every kind of value, a 1904-based date, a duration and a merged range cross the wire
    /// unchanged.
    #[test]
    fn a_workbook_crosses_the_wire_unchanged() {
        let date = |v, t, e| Data::DateTime(ExcelDateTime::new(v, t, e));
        let cells = vec![
            (0, 0, Data::Int(-3)),
            (0, 1, Data::Float(0.1)),
            (0, 2, Data::String("中文".into())),
            (0, 3, Data::Bool(true)),
            (1, 0, date(43525.5, ExcelDateTimeType::DateTime, false)),
            (1, 1, date(42063.0, ExcelDateTimeType::DateTime, true)),
            (1, 2, date(0.25, ExcelDateTimeType::TimeDelta, false)),
            (2, 0, Data::DateTimeIso("2019-03-05".into())),
            (2, 1, Data::DurationIso("PT1H".into())),
            (2, 2, Data::Error(CellErrorType::NA)),
        ];
        let wb = WorkbookData {
            format: Format::Ods,
            sheets: vec![SheetData {
                name: "表".into(),
                visible: false,
                cells,
                merged: vec![Dimensions::new((3, 0), (5, 2))],
                formula_no_value: vec![(9, 9)],
            }],
            modified: Some("2019-03-05T02:00:00Z".into()),
            template_version: None,
        };
        let bytes = postcard::to_stdvec(&wb).unwrap();
        let back: WorkbookData = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, wb);
    }
}
