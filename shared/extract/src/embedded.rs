//! Tables printed inside text that a structured format carries as one value: a notebook's
//! cell output (a list of line strings), a JSON field holding a CSV export, a pandas frame
//! printed with aligned columns. Read as free text, a value three rows below its header is far
//! outside Macie's 30-character keyword window; read as a table, each value gets its column's
//! header as keyword context, as it would in a CSV file.

/// How a line splits into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    Delimiter(u8),
    /// Columns padded with spaces (two or more between fields), as pandas and `psql` print.
    Aligned,
}

const SEPARATORS: [Separator; 5] = [
    Separator::Delimiter(b','),
    Separator::Delimiter(b'\t'),
    Separator::Delimiter(b';'),
    Separator::Delimiter(b'|'),
    Separator::Aligned,
];

/// A header longer than this is prose, not a column name.
const MAX_HEADER_CHARS: usize = 64;

/// A table found in a run of lines: the header's fields, and for each line that is a row of
/// the table (by index into the lines given), its fields in header order.
#[derive(Debug, PartialEq, Eq)]
pub struct EmbeddedTable {
    pub header_line: usize,
    pub header: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

impl EmbeddedTable {
    /// Whether line `i` is one of the rows, whose values are reported field by field. The
    /// header line is read as it is, like every other line: a header that is in fact a first
    /// row of data loses nothing.
    pub fn covers(&self, i: usize) -> bool {
        self.rows.iter().any(|(r, _)| *r == i)
    }
}

fn split(line: &str, separator: Separator) -> Vec<String> {
    match separator {
        Separator::Delimiter(d) => {
            // A Markdown table's row starts and ends with its delimiter.
            let line = if d == b'|' {
                let t = line.trim();
                t.strip_prefix('|').map(|t| t.strip_suffix('|').unwrap_or(t)).unwrap_or(t)
            } else {
                line
            };
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .delimiter(d)
                .flexible(true)
                .from_reader(line.as_bytes());
            let mut record = csv::StringRecord::new();
            match reader.read_record(&mut record) {
                Ok(true) => record.iter().map(|f| f.trim().to_string()).collect(),
                _ => Vec::new(),
            }
        }
        Separator::Aligned => {
            line.split("  ").map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect()
        }
    }
}

/// A column name is short (`SSN`, `date of birth`, `customer_email`) and is not a sentence:
/// no more than four words, none ending in a full stop, question or exclamation mark.
fn is_column_name(field: &str) -> bool {
    !field.is_empty()
        && field.chars().count() <= MAX_HEADER_CHARS
        && field.split_whitespace().count() <= 4
        && !field.split_whitespace().any(|w| w.ends_with(['.', '!', '?']) && w.len() > 1)
        && field.chars().any(char::is_alphabetic)
        && !field.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
}

fn clean(line: &str) -> &str {
    line.trim_end_matches(['\n', '\r'])
}

/// Finds a table in `lines`: the first non-empty line is a header of at least two column
/// names, and most of the lines after it split into as many fields (an aligned table's rows
/// may start with one more: the frame's index, which is dropped). `None` for anything else.
pub fn detect(lines: &[&str]) -> Option<EmbeddedTable> {
    let header_line = lines.iter().position(|l| !clean(l).trim().is_empty())?;
    let body: Vec<(usize, &str)> = lines
        .iter()
        .enumerate()
        .skip(header_line + 1)
        .map(|(i, l)| (i, clean(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    if body.is_empty() {
        return None;
    }
    let mut best: Option<EmbeddedTable> = None;
    for separator in SEPARATORS {
        let header = split(clean(lines[header_line]), separator);
        if header.len() < 2 || !header.iter().all(|h| is_column_name(h)) {
            continue;
        }
        let rows: Vec<(usize, Vec<String>)> = body
            .iter()
            .filter_map(|&(i, line)| {
                let mut fields = split(line, separator);
                if separator == Separator::Aligned && fields.len() == header.len() + 1 {
                    fields.remove(0);
                }
                (fields.len() == header.len()).then_some((i, fields))
            })
            .collect();
        // Most lines must fit: a paragraph with a few commas is not a table.
        if rows.is_empty() || rows.len() * 5 < body.len() * 4 {
            continue;
        }
        if best.as_ref().is_none_or(|b| rows.len() > b.rows.len()) {
            best = Some(EmbeddedTable { header_line, header, rows });
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Option<EmbeddedTable> {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        detect(&lines)
    }

    #[test]
    fn csv_lines_with_quotes() {
        let t = table("record_id,name,dob,SSN\n100001,Travis Cole,\"Jun 5, 1993\",214 09 8644\n100013,Steven Davis,12/11/1963,624-41-1447\n").unwrap();
        assert_eq!(t.header, ["record_id", "name", "dob", "SSN"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].1[2], "Jun 5, 1993");
        assert_eq!(
            t.rows[1],
            (2, vec!["100013".into(), "Steven Davis".into(), "12/11/1963".into(), "624-41-1447".into()])
        );
    }

    #[test]
    fn an_aligned_frame_drops_its_index() {
        let text = "   record_id          name         dob          SSN\n\
                    0     100001   Travis Cole  1993-06-05  214-09-8644\n\
                    1     100013  Steven Davis  1963-12-11  624-41-1447\n";
        let t = table(text).unwrap();
        assert_eq!(t.header, ["record_id", "name", "dob", "SSN"]);
        assert_eq!(t.rows[1].1, ["100013", "Steven Davis", "1963-12-11", "624-41-1447"]);
        assert!(!t.covers(0) && t.covers(1) && t.covers(2) && !t.covers(3));
    }

    #[test]
    fn tab_and_pipe_tables() {
        assert_eq!(table("name\tssn\nJane\t536-22-8726\n").unwrap().header, ["name", "ssn"]);
        let t = table("| name | ssn |\n|---|---|\n| Jane | 536-22-8726 |\n").unwrap();
        assert_eq!(t.header, ["name", "ssn"]);
        assert_eq!(t.rows.last().unwrap().1, ["Jane", "536-22-8726"]);
    }

    #[test]
    fn prose_code_and_single_lines_are_not_tables() {
        assert_eq!(table("import pandas as pd\ndf = pd.read_csv('x.csv')\ndf.head()"), None);
        assert_eq!(
            table("Dear team, the report is ready.\nIt covers Q3, Q4 and the outlook.\nThanks, Ana"),
            None
        );
        assert_eq!(table("name,ssn\n"), None);
        assert_eq!(table("1,2,3\n4,5,6\n"), None, "no column names");
    }
}
