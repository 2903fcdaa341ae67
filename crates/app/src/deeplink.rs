//! Deep links: `zenml-pro-desktop://org/<id-or-name>` opens the app on that organization.
//!
//! The system hands the link to the app on its command line (the `.desktop` entry registers the
//! scheme with `Exec=zenml-pro-desktop %u`); a second launch passes it on to the running app. The shell
//! finds it with [`find_in_args`] and gives it to [`crate::App::open_deep_link`], which resolves the
//! organization in the cache (by id, name or display name; the active account first, then the other
//! signed-in accounts) and switches to it through the tray's switch.

use crate::error::{ErrorCode, IpcError};

/// The URL scheme the app registers.
pub const SCHEME: &str = "zenml-pro-desktop";

/// What a deep link asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeepLink {
    /// An organization by id, name or display name.
    Org(String),
}

/// Whether a command-line argument is one of the app's links.
pub fn is_link(arg: &str) -> bool {
    arg.len() > SCHEME.len() + 1
        && arg.as_bytes()[..SCHEME.len()].eq_ignore_ascii_case(SCHEME.as_bytes())
        && arg[SCHEME.len()..].starts_with(':')
}

/// The first of the app's links in a command line (the program name skipped).
pub fn find_in_args(args: impl IntoIterator<Item = String>) -> Option<String> {
    args.into_iter().skip(1).find(|a| is_link(a))
}

/// Parses `zenml-pro-desktop://org/<id-or-name>` (a trailing slash, a query or a fragment are
/// ignored; the name is percent-decoded).
pub fn parse(url: &str) -> Result<DeepLink, IpcError> {
    let bad = |why: &str| {
        IpcError::new(
            ErrorCode::InvalidInput,
            format!("not a link this app opens ({why}): expected {SCHEME}://org/<organization id or name>"),
        )
    };
    let url = url.trim();
    if !is_link(url) {
        return Err(bad("wrong scheme"));
    }
    let rest = &url[SCHEME.len() + 1..];
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(kind), Some(org), None) if kind.eq_ignore_ascii_case("org") => {
            let org = percent_decode(org).ok_or_else(|| bad("bad escape"))?;
            if org.trim().is_empty() {
                return Err(bad("no organization"));
            }
            Ok(DeepLink::Org(org.trim().to_owned()))
        }
        (Some(kind), None, None) if kind.eq_ignore_ascii_case("org") => Err(bad("no organization")),
        _ => Err(bad("unknown path")),
    }
}

/// `%XX` escapes decoded as UTF-8; `None` for a broken escape or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_links_parse_and_everything_else_is_refused_in_plain_words() {
        let org = |s: &str| DeepLink::Org(s.into());
        assert_eq!(parse("zenml-pro-desktop://org/acme-ml").unwrap(), org("acme-ml"));
        assert_eq!(parse("ZENML-PRO-DESKTOP://org/acme-ml/").unwrap(), org("acme-ml"));
        assert_eq!(parse("zenml-pro-desktop://org/Orbit%20Labs?x=1").unwrap(), org("Orbit Labs"));
        assert_eq!(parse("zenml-pro-desktop:org/acme-ml").unwrap(), org("acme-ml"));
        for bad in [
            "https://org/acme-ml",
            "zenml-pro-desktop://org/",
            "zenml-pro-desktop://org",
            "zenml-pro-desktop://workspace/x",
            "zenml-pro-desktop://org/a/b",
            "zenml-pro-desktop://org/%zz",
            "zenml-pro-desktop://org/%ff",
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput, "{bad}");
            assert!(e.message.contains("zenml-pro-desktop://org/"), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn the_link_is_found_among_the_arguments() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            find_in_args(args(&["zenml-pro-desktop", "--hidden", "zenml-pro-desktop://org/x"])),
            Some("zenml-pro-desktop://org/x".into())
        );
        assert_eq!(find_in_args(args(&["zenml-pro-desktop://org/x"])), None);
        assert_eq!(find_in_args(args(&["zenml-pro-desktop", "--demo"])), None);
    }
}
