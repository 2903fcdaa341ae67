//! The value parsers of `zpro`'s numeric arguments: every number a user types is checked against its
//! range while the arguments are parsed, so a huge, negative or malformed one is a usage error (exit 2,
//! the message stating the range) and never reaches arithmetic that could overflow.
//!
//! The ranges fit every platform's `usize` and SQLite's `i64`, and leave room to add a page's length
//! to an offset.

/// `--limit`: at least one row, at most this many.
pub const MAX_LIMIT: u64 = 1_000_000;
/// `--offset`: at most this many rows skipped.
pub const MAX_OFFSET: u64 = 1_000_000_000;
/// `--stale-days`: from 0 (every pending invitation) to this many days (some 2,700 years).
pub const MAX_STALE_DAYS: u64 = 1_000_000;

/// `--expires-in` and `--retain` of a key: at most this many minutes (some ten years), the bound the
/// core checks a key's minutes against.
pub const MAX_KEY_MINUTES: u64 = zenml_pro_core::service_accounts::MINUTES_MAX;

/// A whole number from `min` to `max`, in plain decimal digits (surrounding blanks allowed); anything
/// else is an error that states the range.
fn whole(s: &str, min: u64, max: u64) -> Result<u64, String> {
    let t = s.trim();
    let out_of_range = || format!("expected a whole number from {min} to {max}");
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(out_of_range());
    }
    // Leading zeros do not overflow; more digits than a u64 holds is an error, not a wrap.
    t.parse::<u64>().ok().filter(|n| (min..=max).contains(n)).ok_or_else(out_of_range)
}

/// `--limit N`: 1 to [`MAX_LIMIT`].
pub fn limit(s: &str) -> Result<usize, String> {
    whole(s, 1, MAX_LIMIT).and_then(|n| usize::try_from(n).map_err(|e| e.to_string()))
}

/// `--offset N`: 0 to [`MAX_OFFSET`].
pub fn offset(s: &str) -> Result<usize, String> {
    whole(s, 0, MAX_OFFSET).and_then(|n| usize::try_from(n).map_err(|e| e.to_string()))
}

/// `--stale-days N`: 0 to [`MAX_STALE_DAYS`].
pub fn stale_days(s: &str) -> Result<u32, String> {
    whole(s, 0, MAX_STALE_DAYS).and_then(|n| u32::try_from(n).map_err(|e| e.to_string()))
}

/// `--expires-in MINUTES` of a new key: 1 to [`MAX_KEY_MINUTES`].
pub fn expiry_minutes(s: &str) -> Result<u64, String> {
    whole(s, 1, MAX_KEY_MINUTES)
}

/// `--retain MINUTES` of a key rotation: 0 (the old secret stops now) to [`MAX_KEY_MINUTES`].
pub fn retain_minutes(s: &str) -> Result<u64, String> {
    whole(s, 0, MAX_KEY_MINUTES)
}

/// An activity entry's id (`zpro undo ID`): 1 to `i64::MAX`, as the log numbers them.
pub fn entry_id(s: &str) -> Result<i64, String> {
    whole(s, 1, i64::MAX as u64).and_then(|n| i64::try_from(n).map_err(|e| e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_hold_at_their_edges() {
        assert_eq!(limit("1"), Ok(1));
        assert_eq!(limit(" 1000000 "), Ok(1_000_000));
        assert_eq!(offset("0"), Ok(0));
        assert_eq!(offset("0001000000000"), Ok(1_000_000_000));
        assert_eq!(stale_days("0"), Ok(0));
        assert_eq!(stale_days("1000000"), Ok(1_000_000));
        assert_eq!(entry_id("9223372036854775807"), Ok(i64::MAX));
        assert_eq!(expiry_minutes("1"), Ok(1));
        assert_eq!(retain_minutes("0"), Ok(0));
        assert_eq!(retain_minutes("5270400"), Ok(MAX_KEY_MINUTES));
        assert!(expiry_minutes("0").is_err() && retain_minutes("5270401").is_err());
        for (bad, range) in [
            (limit("0").unwrap_err(), "from 1 to 1000000"),
            (limit("1000001").unwrap_err(), "from 1 to 1000000"),
            (offset("18446744073709551615").unwrap_err(), "from 0 to 1000000000"),
            (offset("-1").unwrap_err(), "from 0 to 1000000000"),
            (stale_days("100000000").unwrap_err(), "from 0 to 1000000"),
            (stale_days("4294967296").unwrap_err(), "from 0 to 1000000"),
            (stale_days("1e3").unwrap_err(), "from 0 to 1000000"),
            (entry_id("0").unwrap_err(), "from 1 to 9223372036854775807"),
            (entry_id("9223372036854775808").unwrap_err(), "from 1 to 9223372036854775807"),
            (entry_id(&"9".repeat(10_000)).unwrap_err(), "from 1"),
            (limit("").unwrap_err(), "from 1"),
            (limit("+5").unwrap_err(), "from 1"),
            (limit("٣").unwrap_err(), "from 1"),
        ] {
            assert!(bad.contains(range), "{bad}");
        }
    }
}
