//! Secret strings: access tokens, API keys and passwords.
//!
//! Each is a newtype whose `Debug` and `Display` print `<redacted>` and that does not implement
//! `Serialize`, so a secret cannot reach a log line, a panic message, a cache row or the webview by
//! accident. The value is read only through `expose()`, which makes every use easy to audit.

use serde::{Deserialize, Deserializer};
use std::fmt;

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The secret itself. Call only where it is sent to the server or stored in the keyring.
            pub fn expose(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("<redacted>")
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(Self)
            }
        }
    };
}

secret_type!(
    /// A short-lived bearer token issued by `POST /auth/login`.
    AccessToken
);
secret_type!(
    /// A long-lived personal access token or service-account key (`ZENPROKEY_…`).
    ApiKey
);
secret_type!(
    /// A password for username/password login on self-hosted control planes.
    Password
);

impl ApiKey {
    /// Service-account keys carry this prefix; personal access tokens do not.
    pub const SERVICE_ACCOUNT_PREFIX: &'static str = "ZENPROKEY_";

    /// Whether this key is a service-account key rather than a personal access token.
    pub fn is_service_account_key(&self) -> bool {
        self.0.starts_with(Self::SERVICE_ACCOUNT_PREFIX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let t = AccessToken::new("eyJ.super.secret");
        assert_eq!(format!("{t:?}"), "AccessToken(<redacted>)");
        assert_eq!(format!("{t}"), "<redacted>");
        assert!(!format!("{:?}", Some(&t)).contains("secret"));
        assert_eq!(t.expose(), "eyJ.super.secret");
        let k = ApiKey::new("ZENPROKEY_abc");
        assert!(k.is_service_account_key());
        assert!(!ApiKey::new("pat_abc").is_service_account_key());
        assert!(!format!("{k:?}").contains("abc"));
    }

    #[test]
    fn deserializes_from_a_json_string() {
        let t: AccessToken = serde_json::from_str("\"tok\"").unwrap();
        assert_eq!(t.expose(), "tok");
    }
}
