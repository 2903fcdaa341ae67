//! Dialects: which of the plausible shapes of the real API the emulator serves (contract, section 6).
//!
//! The default dialect serves the shapes written in the contract. The variant dialect serves the
//! variants the client must survive, so client tests can run against both. Every JSON shape goes through
//! the helpers here, so a handler and the OpenAPI document can never disagree about a dialect.

use std::fmt;
use std::str::FromStr;

use serde_json::{json, Map, Value};

/// Which shapes the emulator serves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// The shapes of the contract (sections 4 and 5), exactly.
    #[default]
    Default,
    /// The variants of section 6: member roles without `name`; organizations without `plan` and
    /// `display_name`, with `trial_expiry` in epoch seconds and `owner` as an id; workspaces without
    /// `display_name` (ZenML's without `workspace_type`; `zenml_service: null` where there is no
    /// ZenML server); invitations with `roles: [...]` instead of `role` (workspace roles as `{role_id,
    /// workspace_id}`) and `teams` as bare ids; 422 above `limit=100`; 403 on
    /// roles and teams for Organization Members; roles without `level`; unknown extra fields on every
    /// object; one member row of an unknown kind per organization; `grant_type=zenml_api_key` required
    /// for the key exchange; every invitation status listed unless `only_pending=true`; 404 on every
    /// service-account and API-key route (a server that does not offer them).
    Variant,
}

impl Dialect {
    /// Every dialect, in the order they are documented.
    pub const ALL: [Dialect; 2] = [Dialect::Default, Dialect::Variant];

    /// The name used on the command line and in the startup line.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Default => "default",
            Dialect::Variant => "variant",
        }
    }

    /// Largest `limit` a list accepts in this dialect; larger values answer 422.
    pub fn limit_max(self) -> usize {
        match self {
            Dialect::Default => crate::error::LIMIT_MAX,
            Dialect::Variant => VARIANT_LIMIT_MAX,
        }
    }

    pub(crate) fn is_variant(self) -> bool {
        self == Dialect::Variant
    }

    /// Adds the fields a client does not know to `value` and to every object nested in it (variant
    /// only). Idempotent, so shapes built from other shapes can call it again; the extra `metadata`
    /// object itself is left alone.
    pub(crate) fn finish(self, mut value: Value) -> Value {
        if self.is_variant() {
            add_unknown_fields(&mut value);
        }
        value
    }

    /// [`Dialect::finish`] for an object being built.
    pub(crate) fn object(self, map: Map<String, Value>) -> Value {
        self.finish(Value::Object(map))
    }
}

/// Largest `limit` in the variant dialect.
pub const VARIANT_LIMIT_MAX: usize = 100;

/// The key of the unknown nested object added to every object in the variant dialect.
const UNKNOWN_OBJECT_KEY: &str = "metadata";

fn add_unknown_fields(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key != UNKNOWN_OBJECT_KEY {
                    add_unknown_fields(child);
                }
            }
            map.entry(UNKNOWN_OBJECT_KEY).or_insert_with(|| json!({"source": "emulator", "tags": ["a"]}));
            map.entry("x_revision").or_insert(json!(3));
        }
        Value::Array(items) => items.iter_mut().for_each(add_unknown_fields),
        _ => {}
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An unknown dialect name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown dialect '{0}'; expected one of: default, variant")]
pub struct UnknownDialect(pub String);

impl FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Dialect::ALL
            .into_iter()
            .find(|d| d.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownDialect(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_list_the_known_ones() {
        for d in Dialect::ALL {
            assert_eq!(d.as_str().parse::<Dialect>(), Ok(d));
        }
        assert_eq!(Dialect::default(), Dialect::Default);
        let err = "fancy".parse::<Dialect>().unwrap_err().to_string();
        assert!(err.contains("default") && err.contains("variant"), "{err}");
    }

    #[test]
    fn unknown_fields_reach_nested_objects_once() {
        let v = Dialect::Variant.finish(json!({"a": {"b": [{"c": 1}]}}));
        let again = Dialect::Variant.finish(v.clone());
        assert_eq!(v, again);
        assert_eq!(v["a"]["b"][0]["x_revision"], 3);
        assert!(v["metadata"].get("metadata").is_none());
        assert_eq!(Dialect::Default.finish(json!({"a": 1})), json!({"a": 1}));
    }
}
