//! People figures: searching everyone across the emulator's `--scale` data (scale 200: over 20,000
//! people in 200-odd organizations) and one person's page, from the cache a full sync filled.
//! Run with `cargo bench -p zenml-pro-core --bench people` (`BENCH_SCALE` and `BENCH_RUNS` change the
//! set-up). It prints the median of each, with the target beside it (a people search under 20 ms); it
//! does not judge them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{ClientSettings, Core, CoreOptions, MemoryKeyring, PeopleQuery, SyncOptions};
use zenml_pro_emulator::{start, EmulatorConfig};

const TARGET_MS: f64 = 20.0;

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
    let runs = env_or("BENCH_RUNS", 21).max(1) as usize;
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
    // The demo user is in the demo organizations and an admin of every generated one; the admin's
    // account sees acme-ml again, as a second signed-in account.
    let creds = emu.credentials();
    let t = Instant::now();
    for key in [&creds.multi_org.key, &creds.admin.key] {
        let account = core.login_with_key(&emu.base_url(), ApiKey::new(key)).await.expect("login");
        let report = core.sync(&account.id, &SyncOptions::default(), &|_| {}, &cancel).await.expect("sync");
        assert!(report.failed.is_empty(), "{:?}", report.failed);
    }
    let synced = t.elapsed();
    let everyone = core.people(&PeopleQuery { limit: Some(1), ..Default::default() }).expect("people");
    println!(
        "people benchmark: scale {scale}: {} people in {} organizations of {} signed-in accounts \
         (synced in {:.1} s); median of {runs} runs each",
        everyone.total,
        everyone.organizations,
        everyone.accounts,
        synced.as_secs_f64()
    );

    let page = |search: Option<&str>, offset: usize| PeopleQuery {
        search: search.map(str::to_owned),
        offset,
        limit: Some(50),
    };
    let searches = [
        ("search \"scale user 0123\" (first page of 50)", page(Some("scale user 0123"), 0)),
        ("search \"@scale.example\" (first page of 50)", page(Some("@SCALE.example"), 0)),
        ("search \"demo\" (first page of 50)", page(Some("demo"), 0)),
        ("search with no match", page(Some("zzz-nobody"), 0)),
        ("everyone, first page of 50", page(None, 0)),
        ("everyone, page at offset 10,000", page(None, 10_000)),
    ];
    for (label, q) in searches {
        let mut total = 0;
        let d = median(runs, || total = core.people(&q).expect("people").total);
        line(label, d, &format!("{total} match"));
    }
    let people = [
        ("person in 1 organization", "scale-user-000123@scale.example"),
        ("person in every organization (the demo user)", "demo@zenml-pro.example"),
        ("pending invitation", "big-invitee-007@scale.example"),
    ];
    for (label, email) in people {
        let mut orgs = 0;
        let d = median(runs, || orgs = core.person(email).expect("person").organizations.len());
        line(label, d, &format!("{orgs} organizations"));
    }
    emu.shutdown().await;
}
