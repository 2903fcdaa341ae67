//! Tolerant reading of what the server sends.
//!
//! The real server's schemas for most records are unpublished (section 6 of the contract), so every
//! record is read field by field instead of through a strict decoder:
//! - a field of the wrong type or shape is read as absent and its name noted in [`ReadNotes::mistyped`];
//! - a field the app does not read is noted in [`ReadNotes::unknown`] and otherwise ignored;
//! - a record without what it cannot do without (an id, say) is not an error of the whole response:
//!   in a list the row is skipped and counted ([`ReadNotes::skipped`]), the rest of the list is kept.
//!
//! Notes hold field *names* (`organization.trial_expiry`), never values, so they may be logged and
//! shown in a diagnostics report. Each model declares the fields it reads in a [`ModelSpec`], which
//! also lets a diagnostics check compare them with a server's published schema.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

/// What reading one response (or one list) taught about the server's shapes. Names only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReadNotes {
    /// Rows of a list that could not be read and were left out.
    pub skipped: usize,
    /// Why rows were left out, in plain words, without values.
    pub skip_reasons: BTreeSet<String>,
    /// Fields read as absent because of their type or shape: `model.field`.
    pub mistyped: BTreeSet<String>,
    /// Fields the server sent that this app does not read: `model.field`.
    pub unknown: BTreeSet<String>,
}

impl ReadNotes {
    /// Adds another response's notes to these.
    pub fn merge(&mut self, other: ReadNotes) {
        self.skipped += other.skipped;
        self.skip_reasons.extend(other.skip_reasons);
        self.mistyped.extend(other.mistyped);
        self.unknown.extend(other.unknown);
    }

    /// Whether everything was read as the app expects (unknown extra fields do not count: they are
    /// harmless).
    pub fn is_clean(&self) -> bool {
        self.skipped == 0 && self.mistyped.is_empty()
    }

    /// Whether there is nothing at all to note.
    pub fn is_empty(&self) -> bool {
        self.is_clean() && self.unknown.is_empty() && self.skip_reasons.is_empty()
    }
}

/// A list read row by row: the rows that could be read, and what was noticed on the way.
#[derive(Clone, Debug, PartialEq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub notes: ReadNotes,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Self { items: Vec::new(), notes: ReadNotes::default() }
    }
}

impl<T> Listing<T> {
    /// Reads every row of a list; rows that cannot be read are skipped and counted.
    pub fn read(rows: &[Value]) -> Self
    where
        T: Wire,
    {
        let mut notes = ReadNotes::default();
        let items = read_rows(rows, &mut notes);
        Self { items, notes }
    }

    /// The same list with each item mapped.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Listing<U> {
        Listing { items: self.items.into_iter().map(f).collect(), notes: self.notes }
    }
}

/// A listing reads as its rows; the notes are there for whoever asks.
impl<T> std::ops::Deref for Listing<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<T> IntoIterator for Listing<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// The fields a model reads, by name, with the model of nested records.
#[derive(Debug)]
pub struct ModelSpec {
    /// The model's name in notes (`organization`, `member_row`, …).
    pub name: &'static str,
    pub fields: &'static [FieldSpec],
}

/// One field a model reads.
#[derive(Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    /// The model of the nested record (or of each item of a nested list), if it is one.
    pub nested: Option<&'static ModelSpec>,
    /// Another shape a server may send instead of a main field (read when present, not expected).
    pub alternate: bool,
}

impl ModelSpec {
    fn reads(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.name == key)
    }
}

/// Declares a [`ModelSpec`]: `spec!(NAME, "name", ["id", "name", "owner" => USER] alt ["owner_id"])`;
/// the fields after `alt` are other shapes a server may send instead, read when present.
macro_rules! spec {
    (
        $vis:vis $ident:ident, $name:literal, [$($field:literal $(=> $nested:ident)?),* $(,)?]
        $(alt [$($alt:literal $(=> $anested:ident)?),* $(,)?])?
    ) => {
        $vis static $ident: $crate::wire::ModelSpec = $crate::wire::ModelSpec {
            name: $name,
            fields: &[
                $($crate::wire::FieldSpec { name: $field, nested: spec!(@nested $($nested)?), alternate: false },)*
                $($($crate::wire::FieldSpec {
                    name: $alt, nested: spec!(@nested $($anested)?), alternate: true,
                },)*)?
            ],
        };
    };
    (@nested) => { None };
    (@nested $nested:ident) => { Some(&$nested) };
}
pub(crate) use spec;

/// Why a record could not be read, in plain words without values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Skip(pub &'static str);

/// A record that can be read tolerantly from the wire.
pub trait Wire: Sized {
    /// The fields it reads.
    fn spec() -> &'static ModelSpec;
    /// Reads the record from its JSON object; `Err` when it cannot be read at all.
    fn read(obj: &mut Obj<'_>) -> Result<Self, Skip>;
}

/// Reads one record. Fields the model does not read are noted as unknown.
pub fn read_one<T: Wire>(value: &Value, notes: &mut ReadNotes) -> Result<T, Skip> {
    let Value::Object(map) = value else {
        return Err(Skip("it is not a JSON object"));
    };
    let spec = T::spec();
    for key in map.keys() {
        if !spec.reads(key) {
            notes.unknown.insert(format!("{}.{key}", spec.name));
        }
    }
    T::read(&mut Obj { map, spec, notes })
}

/// Reads the rows of a list; rows that cannot be read are skipped and counted.
pub fn read_rows<T: Wire>(rows: &[Value], notes: &mut ReadNotes) -> Vec<T> {
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        match read_one::<T>(row, notes) {
            Ok(item) => items.push(item),
            Err(Skip(reason)) => {
                notes.skipped += 1;
                notes.skip_reasons.insert(format!("{}: {reason}", T::spec().name));
            }
        }
    }
    items
}

/// One JSON object being read as a model.
pub struct Obj<'a> {
    map: &'a Map<String, Value>,
    spec: &'static ModelSpec,
    notes: &'a mut ReadNotes,
}

impl<'a> Obj<'a> {
    /// The value of a field; `None` when it is missing or `null` (both mean absent).
    fn present(&self, key: &'static str) -> Option<&'a Value> {
        let map: &'a Map<String, Value> = self.map;
        debug_assert!(self.spec.reads(key), "{}.{key} is read but not in its spec", self.spec.name);
        map.get(key).filter(|v| !v.is_null())
    }

    fn mistyped(&mut self, key: &str) {
        self.notes.mistyped.insert(format!("{}.{key}", self.spec.name));
    }

    /// An optional field: absent when missing, `null`, or of a type it cannot be read as.
    pub fn opt<T: Scalar>(&mut self, key: &'static str) -> Option<T> {
        let value = self.present(key)?;
        let read = T::from_json(value);
        if read.is_none() {
            self.mistyped(key);
        }
        read
    }

    /// A field the record cannot be read without.
    pub fn req<T: Scalar>(&mut self, key: &'static str, missing: &'static str) -> Result<T, Skip> {
        match self.present(key) {
            None => Err(Skip(missing)),
            Some(v) => match T::from_json(v) {
                Some(x) => Ok(x),
                None => {
                    self.mistyped(key);
                    Err(Skip(missing))
                }
            },
        }
    }

    /// A nested record; absent (and noted) when it cannot be read.
    pub fn nested<T: Wire>(&mut self, key: &'static str) -> Option<T> {
        let value = self.present(key)?;
        match read_one::<T>(value, self.notes) {
            Ok(x) => Some(x),
            Err(_) => {
                self.mistyped(key);
                None
            }
        }
    }

    /// A nested list of records; items that cannot be read are left out (and noted), a value that is
    /// not a list reads as empty.
    pub fn list<T: Wire>(&mut self, key: &'static str) -> Vec<T> {
        let Some(value) = self.present(key) else {
            return Vec::new();
        };
        let Value::Array(items) = value else {
            self.mistyped(key);
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        let mut bad = false;
        for item in items {
            match read_one::<T>(item, self.notes) {
                Ok(x) => out.push(x),
                Err(_) => bad = true,
            }
        }
        if bad {
            self.notes.mistyped.insert(format!("{}.{key}[]", self.spec.name));
        }
        out
    }

    /// Reads a record found inside this one (an item of a list read by hand), noting what it shows.
    pub fn read_value<T: Wire>(&mut self, value: &Value) -> Result<T, Skip> {
        read_one(value, self.notes)
    }

    /// Whether the field is present (not missing, not `null`).
    pub fn has(&self, key: &'static str) -> bool {
        self.present(key).is_some()
    }

    /// The field's raw value, when present.
    pub fn raw(&mut self, key: &'static str) -> Option<Value> {
        self.present(key).cloned()
    }

    /// Notes the field as mistyped (for fields read by hand).
    pub fn note_mistyped(&mut self, key: &'static str) {
        debug_assert!(self.spec.reads(key));
        self.mistyped(key);
    }
}

/// A value read from one JSON field; `None` when the JSON value cannot be read as it.
pub trait Scalar: Sized {
    fn from_json(v: &Value) -> Option<Self>;
}

impl Scalar for String {
    fn from_json(v: &Value) -> Option<Self> {
        v.as_str().map(str::to_owned)
    }
}

impl Scalar for bool {
    /// `true`/`false`, and the strings `"true"`/`"false"` as query-style servers sometimes send.
    fn from_json(v: &Value) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }
}

impl Scalar for u64 {
    /// A non-negative integer (a float with no fraction counts; so does a numeric string).
    fn from_json(v: &Value) -> Option<Self> {
        match v {
            Value::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= u64::MAX as f64)
                    .map(|f| f as u64)
            }),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

impl Scalar for Uuid {
    fn from_json(v: &Value) -> Option<Self> {
        Uuid::parse_str(v.as_str()?.trim()).ok()
    }
}

impl Scalar for DateTime<Utc> {
    /// ISO-8601 text (with or without an offset) or epoch seconds (milliseconds when the number is
    /// too large to be seconds).
    fn from_json(v: &Value) -> Option<Self> {
        match v {
            Value::String(s) => crate::models::datetime::parse(s.trim()),
            Value::Number(n) => {
                let f = n.as_f64()?;
                if !f.is_finite() {
                    return None;
                }
                // 1e11 seconds is the year 5138: a larger number is milliseconds.
                let millis = if f.abs() >= 1e11 { f } else { f * 1000.0 };
                if millis.abs() > 8.0e15 {
                    return None;
                }
                DateTime::from_timestamp_millis(millis as i64)
            }
            _ => None,
        }
    }
}

impl Scalar for Value {
    fn from_json(v: &Value) -> Option<Self> {
        Some(v.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn datetimes_are_read_as_text_or_epoch_seconds_or_millis() {
        let iso = DateTime::<Utc>::from_json(&json!("2025-01-01T00:00:00Z")).unwrap();
        assert_eq!(DateTime::<Utc>::from_json(&json!(1735689600)), Some(iso));
        assert_eq!(DateTime::<Utc>::from_json(&json!(1735689600.0)), Some(iso));
        assert_eq!(DateTime::<Utc>::from_json(&json!(1735689600000u64)), Some(iso));
        assert_eq!(DateTime::<Utc>::from_json(&json!("2025-01-01T00:00:00")), Some(iso));
        for bad in [json!("soon"), json!(true), json!({}), json!(1e300), json!(-1e300)] {
            assert_eq!(DateTime::<Utc>::from_json(&bad), None, "{bad}");
        }
    }

    #[test]
    fn scalars_refuse_other_types() {
        assert_eq!(String::from_json(&json!(3)), None);
        assert_eq!(u64::from_json(&json!(-1)), None);
        assert_eq!(u64::from_json(&json!("12")), Some(12));
        assert_eq!(u64::from_json(&json!(2.5)), None);
        assert_eq!(bool::from_json(&json!("TRUE")), Some(true));
        assert_eq!(bool::from_json(&json!(1)), None);
        assert_eq!(Uuid::from_json(&json!("not-a-uuid")), None);
    }
}
