//! CSV as RFC 4180 writes it: a header row, CRLF after every record, and a field quoted when it holds
//! a comma, a double quote, a CR or an LF, its quotes doubled. [`parse`] reads that back (it is what
//! the tests check the writer against, and lets a caller read an exported file).

/// Appends one field, quoted when it must be.
fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// Appends one record and its CRLF.
pub fn push_record<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, f.as_ref());
    }
    out.push_str("\r\n");
}

/// A whole file: the header, then each row.
pub fn write<S: AsRef<str>>(header: &[&str], rows: &[Vec<S>]) -> String {
    let mut out = String::new();
    push_record(&mut out, header);
    for row in rows {
        push_record(&mut out, row);
    }
    out
}

/// Reads CSV as RFC 4180 writes it (the last record's CRLF may be missing; a lone LF also ends a
/// record). A quote inside an unquoted field, text after a closing quote, or an unclosed quote is an
/// error saying where.
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut line = 1;
    // Whether the current record has begun (a field, or a separator, was read).
    let mut started = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if field.is_empty() => {
                started = true;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                        None => return Err(format!("line {line}: a quoted field is not closed")),
                    }
                }
                match chars.peek() {
                    None | Some(',') | Some('\r') | Some('\n') => {}
                    Some(c) => return Err(format!("line {line}: {c:?} after a closing quote")),
                }
            }
            '"' => return Err(format!("line {line}: a quote inside an unquoted field")),
            ',' => {
                started = true;
                record.push(take(&mut field));
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                if started || !field.is_empty() {
                    record.push(take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                started = false;
            }
            c => {
                started = true;
                field.push(c);
            }
        }
    }
    if started || !field.is_empty() {
        record.push(take(&mut field));
        records.push(record);
    }
    Ok(records)
}

fn take(field: &mut String) -> String {
    std::mem::take(field)
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

    proptest! {
        /// Whatever a name holds (commas, quotes, CR, LF, unicode), a file of such rows parses back to
        /// exactly those rows, and every record ends with CRLF.
        #[test]
        fn any_rows_round_trip(rows in prop::collection::vec(
            prop::collection::vec("[a-z ,\"\r\n\u{e9}\u{4e2d}]{0,12}", 3), 0..8)
        ) {
            let text = write(&["a", "b", "c"], &rows);
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
