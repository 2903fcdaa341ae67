//! No number a user types can make `zpro` panic or hang: every numeric argument, driven with extreme
//! and malformed values (0, 1, u64::MAX, i64::MAX, negatives, thousands of digits, words), either
//! works or is a usage error (exit 2) whose message states the range. Against a synced cache, so the
//! values that pass reach the core's arithmetic and SQL.

mod common;

use std::panic::AssertUnwindSafe;

use common::{Harness, Output};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use zenml_pro_cli::numbers::{MAX_KEY_MINUTES, MAX_LIMIT, MAX_OFFSET, MAX_STALE_DAYS};
use zenml_pro_cli::EXIT_INVALID_INPUT;

/// One numeric argument: how to give it a value, and its range.
struct Numeric {
    /// The command line before the value; the value is appended to the last word (`--limit=V`) or,
    /// for a positional argument, after `--`.
    args: &'static [&'static str],
    positional: bool,
    min: u64,
    max: u64,
    /// Exit codes a value in range may give (an unknown log entry is not an error of the number).
    ok: &'static [i32],
}

const NUMERIC: &[Numeric] = &[
    Numeric { args: &["members", "--json", "--limit"], positional: false, min: 1, max: MAX_LIMIT, ok: &[0] },
    Numeric { args: &["people", "--json", "--limit"], positional: false, min: 1, max: MAX_LIMIT, ok: &[0] },
    Numeric { args: &["people", "--json", "--offset"], positional: false, min: 0, max: MAX_OFFSET, ok: &[0] },
    Numeric {
        args: &["people", "--limit=3", "--offset"],
        positional: false,
        min: 0,
        max: MAX_OFFSET,
        ok: &[0],
    },
    Numeric { args: &["log", "--json", "--limit"], positional: false, min: 1, max: MAX_LIMIT, ok: &[0] },
    Numeric { args: &["log", "--offset"], positional: false, min: 0, max: MAX_OFFSET, ok: &[0] },
    Numeric { args: &["undo", "--json"], positional: true, min: 1, max: i64::MAX as u64, ok: &[1, 2] },
    Numeric {
        args: &["access-review", "--json", "--stale-days"],
        positional: false,
        min: 0,
        max: MAX_STALE_DAYS,
        ok: &[0],
    },
    Numeric {
        args: &["access-review", "--stale-days"],
        positional: false,
        min: 0,
        max: MAX_STALE_DAYS,
        ok: &[0],
    },
    Numeric {
        args: &["export", "access-review", "--format", "csv", "--stale-days"],
        positional: false,
        min: 0,
        max: MAX_STALE_DAYS,
        ok: &[0],
    },
    // A key of an account that does not exist: a number in range reaches the server, which answers
    // not found (exit 1); nothing is created.
    Numeric {
        args: &["service-account", "key-create", "no-such-account", "ci", "--expires-in"],
        positional: false,
        min: 1,
        max: MAX_KEY_MINUTES,
        ok: &[1],
    },
    Numeric {
        args: &["service-account", "key-rotate", "no-such-account", "ci", "--retain"],
        positional: false,
        min: 0,
        max: MAX_KEY_MINUTES,
        ok: &[1],
    },
];

/// The value as the parser reads it: `Some(n)` for plain decimal digits (blanks around allowed) that
/// fit a u64, `None` for anything else (which is out of every range).
fn as_number(v: &str) -> Option<u64> {
    let t = v.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = t.trim_start_matches('0');
    if digits.len() > 20 {
        return None;
    }
    digits.parse::<u128>().ok().or(Some(0)).and_then(|n| u64::try_from(n).ok())
}

fn values() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "0", "1", "2", "-1", "-0", "14", "1000000", "1000001", "1000000000", "1000000001",
            "100000000", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "18446744073709551615", "18446744073709551616",
            "340282366920938463463374607431768211456", "", " ", "abc", "1e3", "0x10", "+5", " 7 ",
            "1.5", "1_000", "١٢", "00000000000000000000000000000001", "NaN", "-", "--", "∞",
        ])
        .prop_map(str::to_owned),
        2 => any::<u64>().prop_map(|n| n.to_string()),
        2 => any::<i64>().prop_map(|n| n.to_string()),
        1 => (0u64..2_000_000).prop_map(|n| n.to_string()),
        1 => "[0-9]{20,3000}",
        1 => "-[0-9]{1,40}",
        1 => "\\PC{0,12}",
    ]
}

fn argv(n: &Numeric, value: &str) -> Vec<String> {
    let mut args: Vec<String> = n.args.iter().map(|a| (*a).to_owned()).collect();
    if n.positional {
        args.push("--".to_owned());
        args.push(value.to_owned());
    } else {
        let last = args.pop().expect("a flag");
        args.push(format!("{last}={value}"));
    }
    args
}

#[test]
fn every_numeric_argument_works_or_states_its_range_and_never_panics() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let h = rt.block_on(async {
        let h = Harness::start().await;
        h.login_and_sync("multi_org").await;
        h
    });
    let mut runner = TestRunner::new(Config { cases: 64, failure_persistence: None, ..Config::default() });
    let (ok, refused) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    let result = runner.run(&(0..NUMERIC.len(), values()), |(which, value)| {
        let n = &NUMERIC[which];
        let args = argv(n, &value);
        let strs: Vec<&str> = args.iter().map(String::as_str).collect();
        // In-process: a panic anywhere below the parser is caught here rather than ending the test.
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| rt.block_on(h.run(&strs))));
        let r: Output = run.map_err(|_| TestCaseError::fail(format!("zpro {args:?} panicked")))?;
        let range = format!("from {} to {}", n.min, n.max);
        match as_number(&value).filter(|v| (n.min..=n.max).contains(v)) {
            Some(_) => {
                prop_assert!(n.ok.contains(&r.code), "{args:?}: in range, yet {r:?}");
                prop_assert!(!r.err.contains("expected a whole number"), "{args:?}: {r:?}");
                ok.set(ok.get() + 1);
            }
            None => {
                prop_assert_eq!(r.code, EXIT_INVALID_INPUT, "{:?}: {:?}", args, r);
                prop_assert!(r.err.contains(&range), "{:?}: the message states {}: {:?}", args, range, r.err);
                prop_assert!(r.out.is_empty(), "{:?}: {:?}", args, r);
                refused.set(refused.get() + 1);
            }
        }
        Ok(())
    });
    rt.block_on(async {
        let mut h = h;
        h.shutdown().await;
    });
    result.unwrap();
    let (ok, refused) = (ok.get(), refused.get());
    assert!(ok > 0 && refused > 0, "both kinds of value were tried: {ok} ran, {refused} refused");
}

/// The values the issue named, and the space-separated form of a negative number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_values_that_used_to_panic_are_usage_errors() {
    let h = Harness::start().await;
    h.login_and_sync("multi_org").await;
    for (args, range) in [
        (&["access-review", "--stale-days", "100000000"][..], "from 0 to 1000000"),
        (&["people", "--offset", "18446744073709551615"], "from 0 to 1000000000"),
        (&["people", "--limit", "0"], "from 1 to 1000000"),
        (&["log", "--offset", "-1"], "from 0 to 1000000000"),
        (&["access-review", "--stale-days", "-3"], "from 0 to 1000000"),
        (&["undo", "0"], "from 1 to 9223372036854775807"),
        (&["undo", "-5"], "from 1 to 9223372036854775807"),
        (&["members", "--limit", "18446744073709551616"], "from 1 to 1000000"),
    ] {
        let r = h.run(args).await;
        assert_eq!(r.code, EXIT_INVALID_INPUT, "{args:?}: {r:?}");
        assert!(r.err.contains(range), "{args:?}: {r:?}");
    }
    // The ends of each range work, and reach the cache.
    let far = h.run(&["people", "--json", "--limit", "1000000", "--offset", "1000000000"]).await.ok().json();
    assert_eq!(far["items"].as_array().map(Vec::len), Some(0), "{far}");
    assert_eq!(far["offset"], 1_000_000_000u64);
    h.run(&["access-review", "--stale-days", "1000000"]).await.ok();
    h.run(&["log", "--limit", "1000000", "--offset", "1000000000"]).await.ok();
    let missing = h.run(&["undo", "9223372036854775807"]).await;
    assert!(missing.code == 1 || missing.code == 2, "{missing:?}");
    assert!(!missing.err.contains("expected a whole number"), "{missing:?}");
}

/// Every argument of `zpro` that takes a number is driven by the property above: a new one that is not
/// added to [`NUMERIC`] fails here.
#[test]
fn the_property_covers_every_numeric_argument() {
    use clap::CommandFactory;
    use std::any::TypeId;
    let numeric = [
        TypeId::of::<u8>(),
        TypeId::of::<u16>(),
        TypeId::of::<u32>(),
        TypeId::of::<u64>(),
        TypeId::of::<u128>(),
        TypeId::of::<usize>(),
        TypeId::of::<i8>(),
        TypeId::of::<i16>(),
        TypeId::of::<i32>(),
        TypeId::of::<i64>(),
        TypeId::of::<i128>(),
        TypeId::of::<isize>(),
        TypeId::of::<f32>(),
        TypeId::of::<f64>(),
    ];
    fn walk(
        cmd: &clap::Command,
        path: &[String],
        numeric: &[TypeId],
        found: &mut Vec<(Vec<String>, String)>,
    ) {
        for arg in cmd.get_arguments() {
            let t = arg.get_value_parser().type_id();
            if numeric.iter().any(|n| t == *n) {
                let name = arg.get_long().map_or_else(|| "<positional>".to_owned(), |l| format!("--{l}"));
                found.push((path.to_vec(), name));
            }
        }
        for sub in cmd.get_subcommands() {
            let mut p = path.to_vec();
            p.push(sub.get_name().to_owned());
            walk(sub, &p, numeric, found);
        }
    }
    let mut found = Vec::new();
    walk(&zenml_pro_cli::args::Cli::command(), &[], &numeric, &mut found);
    assert!(found.len() >= 7, "{found:?}");
    for (path, name) in &found {
        let covered = NUMERIC.iter().any(|n| {
            let flag =
                if n.positional { name == "<positional>" } else { n.args.last() == Some(&name.as_str()) };
            flag && n.args.len() > path.len() && n.args[..path.len()] == path[..]
        });
        assert!(covered, "zpro {} {name} takes a number but the property does not drive it", path.join(" "));
    }
}
