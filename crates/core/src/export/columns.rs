//! CSV columns from a read record: one column per field, in the order the record declares them, so a
//! field added to a record is a column of every CSV export of it with no other edit.
//!
//! A cell is the field's JSON value in words: text as it is, a number or `true`/`false` as written,
//! null empty, a list its items joined by `; `, and an object (a role, a team) its `label`, else its
//! `name`, else its `id`.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{CoreError, Result};

/// A record's fields in declared order (its JSON read back as an ordered list of fields).
struct Fields(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct InOrder;
        impl<'de> Visitor<'de> for InOrder {
            type Value = Fields;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a record")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<Fields, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = m.next_entry::<String, Value>()? {
                    out.push(entry);
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(InOrder)
    }
}

fn fields<T: Serialize>(record: &T) -> Result<Vec<(String, Value)>> {
    let text = serde_json::to_string(record)
        .map_err(|e| CoreError::internal(format!("could not write a row: {e}")))?;
    serde_json::from_str::<Fields>(&text)
        .map(|f| f.0)
        .map_err(|e| CoreError::internal(format!("could not write a row: {e}")))
}

/// A value in words (see the module's docs).
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => {
            items.iter().map(cell).filter(|c| !c.is_empty()).collect::<Vec<_>>().join("; ")
        }
        Value::Object(o) => {
            o.get("label").or_else(|| o.get("name")).or_else(|| o.get("id")).map(cell).unwrap_or_default()
        }
    }
}

/// The column names of a record type: its fields, in order.
pub fn header<T: Serialize + Default>() -> Result<Vec<String>> {
    Ok(fields(&T::default())?.into_iter().map(|(k, _)| k).collect())
}

/// A record's cells, in the order of [`header`].
pub fn cells<T: Serialize>(record: &T) -> Result<Vec<String>> {
    Ok(fields(record)?.iter().map(|(_, v)| cell(v)).collect())
}
