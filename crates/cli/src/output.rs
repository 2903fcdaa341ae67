//! What every command prints with: the `--json` envelopes ([`Listing`], [`Single`]) and how fresh the
//! data is ([`Freshness`], the "as of" line), plain-text tables, and server text made safe for a
//! terminal. Each listing's JSON item type lives with its command group under `cmd/`.
//!
//! The JSON field names are part of the command line's interface: scripts read them. Add fields
//! freely; never rename or remove one.

use chrono::{DateTime, Local, Utc};
use serde::{Deserialize, Serialize};
use zenml_pro_core::Cached;

/// Every `--json` listing: the items and how fresh they are.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Listing<T> {
    /// When the data was fetched from the server (RFC 3339, UTC); `null` when the cache holds none yet.
    pub fetched_at: Option<DateTime<Utc>>,
    /// True when the data is older than 15 minutes or its last refresh failed.
    pub stale: bool,
    /// Why the last refresh failed, if it did.
    pub last_error: Option<String>,
    /// `members` and `people` only: how many match in all (`items` may be cut by `--limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<usize>,
    /// `people` only: how many were skipped before `items` (`--offset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// True when the server refused the list to your role: not visible, which is not the same as empty.
    #[serde(default)]
    pub hidden: bool,
    /// Rows the last sync could not read and left out.
    #[serde(default)]
    pub skipped: usize,
    pub items: Vec<T>,
}

/// `org show --json`: one organization with how fresh it is.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Single<T> {
    pub fetched_at: Option<DateTime<Utc>>,
    pub stale: bool,
    pub last_error: Option<String>,
    pub item: T,
}

/// How fresh some cached data is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Freshness {
    pub fetched_at: Option<DateTime<Utc>>,
    pub stale: bool,
    pub last_error: Option<String>,
    /// Data of this computer, not of the server: no "as of" line.
    pub local: bool,
    /// The server refused the list to the user's role.
    pub hidden: bool,
    /// Rows the last sync could not read.
    pub skipped: usize,
}

impl<T> From<&Cached<T>> for Freshness {
    fn from(c: &Cached<T>) -> Self {
        Self {
            fetched_at: Some(c.fetched_at),
            stale: c.stale,
            last_error: c.last_error.clone(),
            local: false,
            hidden: c.hidden,
            skipped: c.skipped,
        }
    }
}

impl Freshness {
    /// Data that is not fetched from a server (the accounts on this computer): always current.
    pub fn local() -> Self {
        Self {
            fetched_at: Some(Utc::now()),
            stale: false,
            last_error: None,
            local: true,
            hidden: false,
            skipped: 0,
        }
    }

    pub fn listing<T>(&self, items: Vec<T>) -> Listing<T> {
        Listing {
            fetched_at: self.fetched_at,
            stale: self.stale,
            last_error: self.last_error.clone(),
            total: None,
            offset: None,
            hidden: self.hidden,
            skipped: self.skipped,
            items,
        }
    }

    /// The lines printed under a table: "as of 14:02 (3 min ago)" and, when stale, why.
    pub fn lines(&self, now: DateTime<Utc>) -> Vec<String> {
        let mut lines = Vec::new();
        if self.local {
            return lines;
        }
        if self.hidden {
            lines.push("not visible to your role: the server refused this list".to_owned());
        }
        match self.skipped {
            0 => {}
            1 => lines.push("1 row could not be read (`zpro doctor` says more)".to_owned()),
            n => lines.push(format!("{n} rows could not be read (`zpro doctor` says more)")),
        }
        match self.fetched_at {
            Some(at) => lines.push(format!("as of {} ({})", local_time(at, now), age(at, now))),
            None => lines.push("nothing fetched yet: run `zpro sync`".to_owned()),
        }
        if self.stale {
            match &self.last_error {
                Some(e) => lines.push(format!("(stale: last refresh failed: {})", clean(e))),
                None => lines.push("(stale: older than 15 minutes; run `zpro sync`)".to_owned()),
            }
        }
        lines
    }
}

/// Server text as it may be printed on a terminal: control characters (escape sequences, newlines)
/// removed, so a name cannot move the cursor or forge a line of output.
pub fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// An optional text cell: cleaned, or "-".
pub fn cell(s: Option<&str>) -> String {
    match s {
        Some(s) if !s.is_empty() => clean(s),
        _ => "-".to_owned(),
    }
}

/// Aligned plain-text columns: a header row, then the rows. Cells must already be [`clean`].
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, c) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, c) in cells.enumerate() {
            if i + 1 == widths.len() {
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        s.trim_end().to_owned()
    };
    let mut out = line(&mut header.iter().copied());
    out.push('\n');
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
        out.push('\n');
    }
    out
}

/// "14:02" today, else "2024-03-01 14:02", in local time.
pub fn local_time(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let (at, now) = (at.with_timezone(&Local), now.with_timezone(&Local));
    if at.date_naive() == now.date_naive() {
        at.format("%H:%M").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// A record's time (RFC 3339) as a date for a table cell, in local time.
pub fn record_date(at: Option<&str>) -> String {
    date(at.and_then(|t| DateTime::parse_from_rfc3339(t).ok()).map(|t| t.with_timezone(&Utc)))
}

/// A date for a table cell, in local time.
pub fn date(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "-".to_owned(), |t| t.with_timezone(&Local).format("%Y-%m-%d").to_string())
}

/// "just now", "3 min ago", "2 h ago", "5 days ago".
pub fn age(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (now - at).num_seconds();
    match secs {
        s if s < 60 => "just now".to_owned(),
        s if s < 3600 => format!("{} min ago", s / 60),
        s if s < 86_400 => format!("{} h ago", s / 3600),
        s if s < 2 * 86_400 => "1 day ago".to_owned(),
        s => format!("{} days ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Escape sequences and newlines from the server cannot reach the terminal.
    #[test]
    fn control_characters_are_stripped() {
        assert_eq!(clean("Acme\u{1b}[31m ML\nfake line\r\u{7}"), "Acme[31m MLfake line");
    }

    /// Columns line up on the widest cell, and lines carry no trailing spaces.
    #[test]
    fn tables_align() {
        let t =
            table(&["NAME", "ROLE"], &[vec!["a".into(), "x".into()], vec!["long name".into(), "-".into()]]);
        assert_eq!(t, "NAME       ROLE\na          x\nlong name  -\n");
    }

    #[test]
    fn ages_read_naturally() {
        let now = Utc::now();
        assert_eq!(age(now, now), "just now");
        assert_eq!(age(now - chrono::Duration::minutes(3), now), "3 min ago");
        assert_eq!(age(now - chrono::Duration::hours(5), now), "5 h ago");
        assert_eq!(age(now - chrono::Duration::days(3), now), "3 days ago");
    }
}
