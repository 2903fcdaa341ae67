//! Access review figures: the whole review across the emulator's `--scale` data (scale 200: over
//! 20,000 people in 200-odd organizations, seen by two signed-in accounts), from the cache a full sync
//! filled, and its exports. Run with `cargo bench -p zenml-pro-core --bench review` (`BENCH_SCALE` and
//! `BENCH_RUNS` change the set-up). It prints the median of each, with the target beside it (the
//! review under 200 ms); it does not judge them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{
    ClientSettings, Core, CoreOptions, ExportFormat, ExportKind, ExportRequest, ExportScope, MemoryKeyring,
    ReviewQuery, SyncOptions,
};
use zenml_pro_emulator::{start, EmulatorConfig};

const TARGET_MS: f64 = 200.0;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn line(label: &str, d: Duration, what: &str) {
    let ms = d.as_secs_f64() * 1000.0;
    println!("  {label:<52} median {ms:>7.2} ms  (target < {TARGET_MS:.0} ms)  {what}");
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let scale = env_or("BENCH_SCALE", 200) as u32;
    let runs = env_or("BENCH_RUNS", 11).max(1) as usize;
    let emu =
        start(EmulatorConfig { port: 0, scale: Some(scale), ..Default::default() }).await.expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let (core, _) = Core::open(CoreOptions {
        data_dir: dir.path().into(),
        secrets: Arc::new(MemoryKeyring::new()),
        client: ClientSettings::default(),
    })
    .expect("core");
    let cancel = CancellationToken::new();
    // The same set-up as the people benchmark: the demo user (every organization) and the admin.
    let creds = emu.credentials();
    let t = Instant::now();
    for key in [&creds.multi_org.key, &creds.admin.key] {
        let account = core.login_with_key(&emu.base_url(), ApiKey::new(key)).await.expect("login");
        let report = core.sync(&account.id, &SyncOptions::default(), &|_| {}, &cancel).await.expect("sync");
        assert!(report.failed.is_empty(), "{:?}", report.failed);
    }
    let synced = t.elapsed();
    let everyone =
        core.people(&zenml_pro_core::PeopleQuery { limit: Some(1), ..Default::default() }).expect("people");
    println!(
        "access review benchmark: scale {scale}: {} people in {} organizations of {} signed-in accounts \
         (synced in {:.1} s); median of {runs} runs each",
        everyone.total,
        everyone.organizations,
        everyone.accounts,
        synced.as_secs_f64()
    );

    let plain = ReviewQuery::default();
    let group = |orgs: [&str; 2]| ReviewQuery {
        group: orgs.iter().map(|o| (*o).to_owned()).collect(),
        ..ReviewQuery::default()
    };
    let small = group(["acme-ml", "orbit-labs"]);
    let big = group(["scale-org-0001", "acme-ml"]);
    for (label, q) in [
        ("access review (default)", &plain),
        ("access review, group acme-ml + orbit-labs", &small),
        ("access review, group scale-org-0001 + acme-ml", &big),
    ] {
        let mut findings = 0;
        let d = median(runs, || findings = core.access_review(q).expect("review").findings.len());
        line(label, d, &format!("{findings} findings"));
    }
    for (label, kind, format) in [
        ("export access-review, CSV, every organization", ExportKind::AccessReview, ExportFormat::Csv),
        ("export members, CSV, every organization", ExportKind::Members, ExportFormat::Csv),
    ] {
        let request = ExportRequest {
            kind,
            format,
            scope: ExportScope::AllOrgs,
            review: ReviewQuery::default(),
            raw: false,
        };
        let mut bytes = 0;
        let d = median(runs.min(5), || bytes = core.export(&request).expect("export").len());
        line(label, d, &format!("{bytes} bytes"));
    }
    emu.shutdown().await;
}
