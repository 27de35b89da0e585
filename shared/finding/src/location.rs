use serde::{Deserialize, Serialize};

/// Where one occurrence sits, in the shape Macie uses for the object's format (macie.md §6).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    /// Plain text, logs, XML/HTML, email, Word, PowerPoint.
    Line(LineRange),
    /// CSV, TSV, Excel.
    Cell(Cell),
    /// JSON, JSON Lines, Parquet, Avro.
    Record(Record),
    /// PDF.
    Page(Page),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineRange {
    /// 1-based line of the first character of the value.
    pub start: u64,
    /// 1-based line of the last character of the value (inclusive).
    pub end: u64,
    /// 1-based column, in characters, of the value's first character.
    pub start_column: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cell {
    /// 1-based row; the header row is row 1.
    pub row: u64,
    /// 1-based column (A = 1).
    pub column: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_name: Option<String>,
    /// `Sheet2!C5` for spreadsheets; absent for CSV/TSV, as in Macie.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell_reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// 0-based record (JSON Lines line, Parquet/Avro row); always 0 for a JSON document.
    pub record_index: u64,
    /// Path of the field, e.g. `$.customer.ssn` or `$.cards[2]`.
    pub json_path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// 1-based page number.
    pub page_number: u64,
}

/// Macie's `occurrences` object: one list per location shape, empty lists left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Occurrences {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub line_ranges: Vec<LineRange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<Cell>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<Record>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<Page>,
}

impl Occurrences {
    pub fn push(&mut self, location: Location) {
        match location {
            Location::Line(l) => self.line_ranges.push(l),
            Location::Cell(c) => self.cells.push(c),
            Location::Record(r) => self.records.push(r),
            Location::Page(p) => self.pages.push(p),
        }
    }

    pub fn len(&self) -> usize {
        self.line_ranges.len() + self.cells.len() + self.records.len() + self.pages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keeps the first `max` locations (in the order they were found), for a finding's cap of 15.
    pub fn truncated(&self, max: usize) -> Occurrences {
        let mut left = max;
        let mut take = |n: usize| {
            let k = n.min(left);
            left -= k;
            k
        };
        Occurrences {
            line_ranges: self.line_ranges[..take(self.line_ranges.len())].to_vec(),
            cells: self.cells[..take(self.cells.len())].to_vec(),
            records: self.records[..take(self.records.len())].to_vec(),
            pages: self.pages[..take(self.pages.len())].to_vec(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_in_macie_shape() {
        let mut occ = Occurrences::default();
        occ.push(Location::Line(LineRange { start: 3, end: 3, start_column: 7 }));
        occ.push(Location::Cell(Cell {
            row: 2,
            column: 4,
            column_name: Some("ssn".into()),
            cell_reference: None,
        }));
        let json = serde_json::to_string(&occ).unwrap();
        assert_eq!(
            json,
            r#"{"lineRanges":[{"start":3,"end":3,"startColumn":7}],"cells":[{"row":2,"column":4,"columnName":"ssn"}]}"#
        );
    }

    #[test]
    fn truncation_keeps_the_first_locations() {
        let mut occ = Occurrences::default();
        for i in 0..20 {
            occ.push(Location::Line(LineRange { start: i, end: i, start_column: 1 }));
        }
        let t = occ.truncated(15);
        assert_eq!(t.len(), 15);
        assert_eq!(t.line_ranges[14].start, 14);
    }
}
