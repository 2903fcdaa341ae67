//! `zpro sync` against each hostile fault kind of the emulator ends within the client's bounds with a
//! plain error and its exit code — never a panic, a hang, or a body held whole in memory.

mod common;

use std::time::{Duration, Instant};

use common::Harness;
use serde_json::json;
use zenml_pro_emulator::EmulatorConfig;

/// The peak resident memory of this process, in MiB (Linux).
fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_against_every_hostile_fault_ends_plainly() {
    let h = Harness::with(EmulatorConfig { port: 0, scale: Some(2), ..Default::default() }).await;
    let elsewhere =
        zenml_pro_emulator::start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    h.login_and_sync("admin").await;
    let cases = [
        (
            json!({"kind": "redirect", "location": elsewhere.base_url(), "path_prefix": "/organizations"}),
            "redirected to",
        ),
        (json!({"kind": "huge_body", "mb": 400, "path_prefix": "/organizations"}), "larger than 64 MiB"),
        (json!({"kind": "slow_body", "bytes_per_sec": 16, "path_prefix": "/organizations"}), "not answering"),
        (json!({"kind": "ignore_offset", "path_prefix": "/organizations/"}), "same page twice"),
        (json!({"kind": "huge_numbers"}), ""),
    ];
    for (rule, says) in cases {
        h.clear_faults().await;
        h.fault(rule.clone()).await;
        let started = Instant::now();
        let r = h.run(&["sync"]).await;
        let took = started.elapsed();
        eprintln!("{}: exit {} in {took:?}", rule["kind"], r.code);
        assert_ne!(r.code, 101, "{rule}: no panic: {r:?}");
        assert!(took < Duration::from_secs(30), "{rule}: ended in {took:?}");
        let text = format!("{}{}", r.out, r.err);
        assert!(text.contains(says), "{rule}: {r:?}");
        assert!(!text.contains("panicked") && !text.contains("{\"detail\""), "{rule}: plain words: {r:?}");
        if rule["kind"] != "huge_numbers" && rule["kind"] != "ignore_offset" {
            assert_ne!(r.code, 0, "{rule}: {r:?}");
            assert_eq!(
                r.err.lines().filter(|l| l.starts_with("error: ")).count(),
                1,
                "{rule}: one line: {r:?}"
            );
        }
    }
    h.clear_faults().await;
    h.run(&["sync"]).await.ok();
    let peak = peak_rss_mib();
    eprintln!("peak resident memory of the test process (zpro, core and two emulators): {peak} MiB");
    assert!(peak < 200, "peak resident memory {peak} MiB");
}
