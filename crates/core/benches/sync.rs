//! Sync figures: a full sync of the emulator's `--scale` data with added latency on every request, with
//! page size 1000 beside page size 100 (target: page size 100 within 1.5× of page size 1000), each
//! compared with its critical path — the longest chain of round trips that must happen one after
//! another when every page waits for the one before (listing the organizations page by page, then the
//! longest paged list of one organization), times the latency.
//!
//! Each page size gets its own fresh cache dir and client (so nothing one learned, cached or pooled
//! helps the other), warmed the same way: a login and one sync without latency; then `BENCH_RUNS` timed
//! syncs with latency, of which the median counts.
//!
//! Run with `cargo bench -p zenml-pro-core --bench sync` (`BENCH_SCALE`, `BENCH_LATENCY_MS` and
//! `BENCH_RUNS` change the set-up). It prints figures; it does not judge them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{ClientSettings, Core, CoreOptions, MemberQuery, MemoryKeyring, SyncOptions};
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{start, EmulatorConfig, RunningEmulator};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Pages needed to learn a list of `items` has ended: the full ones and a short (or empty) last one.
fn pages(items: usize, page_size: usize) -> usize {
    items / page_size + 1
}

/// What one page size measured.
struct Figures {
    page_size: usize,
    organizations: usize,
    biggest: (String, usize),
    /// Round trips on the critical path.
    chain: usize,
    critical: Duration,
    /// Sorted.
    times: Vec<Duration>,
    /// Requests of each timed sync, in run order.
    requests: Vec<u64>,
}

impl Figures {
    fn median(&self) -> Duration {
        self.times[self.times.len() / 2]
    }
}

async fn measure(emu: &RunningEmulator, page_size: u32, latency_ms: u64, runs: usize) -> Figures {
    // No latency while the cache is filled.
    Control::new(emu).clear_faults().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = ClientSettings { page_size, ..ClientSettings::default() };
    let (core, _) = Core::open(CoreOptions {
        data_dir: dir.path().into(),
        secrets: Arc::new(MemoryKeyring::new()),
        client: settings,
    })
    .expect("core");
    let account = core
        .login_with_key(&emu.base_url(), ApiKey::new(&emu.credentials().multi_org.key))
        .await
        .expect("login");

    // A first sync without latency fills the cache, so the critical path can be counted from it.
    let options = SyncOptions::default();
    let cancel = CancellationToken::new();
    core.sync(&account.id, &options, &|_| {}, &cancel).await.expect("first sync");
    let orgs = core.organizations(&account.id).expect("orgs");
    let page = page_size as usize;
    let mut longest_org_chain = 0;
    let mut biggest = (String::new(), 0);
    for entry in &orgs {
        let id = entry.organization.id;
        let members = core.members(&account.id, id, &MemberQuery::default()).expect("members").value.total;
        let lists = [
            members,
            core.invitations(&account.id, id, false).expect("invitations").value.len(),
            core.workspaces(&account.id, id).expect("workspaces").value.len(),
            core.roles(&account.id, id).expect("roles").value.len(),
            core.teams(&account.id, id).expect("teams").value.len(),
        ];
        let chain = lists.iter().map(|n| pages(*n, page)).max().unwrap_or(1);
        longest_org_chain = longest_org_chain.max(chain);
        if members > biggest.1 {
            biggest = (entry.organization.name.clone(), members);
        }
    }
    let chain = pages(orgs.len(), page) + longest_org_chain;
    let critical = Duration::from_millis(chain as u64 * latency_ms);

    Control::new(emu).add_fault(serde_json::json!({"kind": "latency", "ms": latency_ms})).await;
    let mut times = Vec::new();
    let mut requests = Vec::new();
    for _ in 0..runs {
        Control::new(emu).reset_stats().await;
        let started = Instant::now();
        let report = core.sync(&account.id, &options, &|_| {}, &cancel).await.expect("sync");
        times.push(started.elapsed());
        assert!(report.failed.is_empty(), "{:?}", report.failed);
        requests.push(Control::new(emu).request_count().await);
    }
    Control::new(emu).clear_faults().await;
    times.sort();
    Figures { page_size: page, organizations: orgs.len(), biggest, chain, critical, times, requests }
}

fn print(f: &Figures, runs: usize, latency_ms: u64) {
    let requests = if f.requests.iter().all(|r| *r == f.requests[0]) {
        f.requests[0].to_string()
    } else {
        format!("{:?} (by run)", f.requests)
    };
    let best = f.times[0];
    let median = f.median();
    println!("  page size {}:", f.page_size);
    println!("    requests per sync:        {requests}");
    println!(
        "    critical path:            {} round trips × {latency_ms} ms = {} ms",
        f.chain,
        f.critical.as_millis()
    );
    println!(
        "    full sync, best of {runs}:     {} ms  ({:.2}× the critical path)",
        best.as_millis(),
        best.as_secs_f64() / f.critical.as_secs_f64()
    );
    println!(
        "    full sync, median:        {} ms  ({:.2}×)",
        median.as_millis(),
        median.as_secs_f64() / f.critical.as_secs_f64()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let scale = env_or("BENCH_SCALE", 200) as u32;
    let latency_ms = env_or("BENCH_LATENCY_MS", 20);
    let runs = env_or("BENCH_RUNS", 3).max(1) as usize;

    let emu =
        start(EmulatorConfig { port: 0, scale: Some(scale), ..Default::default() }).await.expect("emulator");
    let large = measure(&emu, 1000, latency_ms, runs).await;
    let small = measure(&emu, 100, latency_ms, runs).await;

    println!(
        "sync benchmark: scale {scale}, {} organizations (largest {} with {} member rows), \
         {} organizations at once, {} pages of a list at once after a full page (more as it proves long), \
         {latency_ms} ms added latency per request; \
         each page size on its own fresh cache dir and client, warmed by one sync without latency",
        large.organizations,
        large.biggest.0,
        large.biggest.1,
        SyncOptions::default().concurrency,
        ClientSettings::default().page_concurrency
    );
    print(&large, runs, latency_ms);
    print(&small, runs, latency_ms);
    println!(
        "  page size 100 / page size 1000 (medians): {:.2}×  (target ≤ 1.50×)",
        small.median().as_secs_f64() / large.median().as_secs_f64()
    );
}
