//! Sync figures: a full sync of the emulator's `--scale` data with added latency on every request,
//! compared with its critical path — the longest chain of round trips that must happen one after
//! another (listing the organizations page by page, then the longest paged list of one organization),
//! times the latency. Target: within 1.5× of it.
//!
//! Run with `cargo bench -p zenml-pro-core --bench sync` (`BENCH_SCALE`, `BENCH_LATENCY_MS` and
//! `BENCH_RUNS` change the set-up). It prints figures; it does not judge them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::{ClientSettings, Core, CoreOptions, MemberQuery, MemoryKeyring, SyncOptions};
use zenml_pro_emulator::{start, EmulatorConfig};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn pages(items: usize, page_size: usize) -> usize {
    items / page_size + 1
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let scale = env_or("BENCH_SCALE", 200) as u32;
    let latency_ms = env_or("BENCH_LATENCY_MS", 20);
    let runs = env_or("BENCH_RUNS", 3) as usize;

    let emu =
        start(EmulatorConfig { port: 0, scale: Some(scale), ..Default::default() }).await.expect("emulator");
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = ClientSettings::default();
    let page_size = settings.page_size as usize;
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
        let chain = lists.iter().map(|n| pages(*n, page_size)).max().unwrap_or(1);
        longest_org_chain = longest_org_chain.max(chain);
        if members > biggest.1 {
            biggest = (entry.organization.name.clone(), members);
        }
    }
    let chain = pages(orgs.len(), page_size) + longest_org_chain;
    let critical = Duration::from_millis(chain as u64 * latency_ms);

    let http = reqwest::Client::new();
    http.post(format!("{}/_emulator/faults", emu.base_url()))
        .json(&serde_json::json!({"kind": "latency", "ms": latency_ms}))
        .send()
        .await
        .expect("latency fault");
    let mut times = Vec::new();
    for _ in 0..runs {
        http.post(format!("{}/_emulator/stats/reset", emu.base_url())).send().await.expect("reset");
        let started = Instant::now();
        let report = core.sync(&account.id, &options, &|_| {}, &cancel).await.expect("sync");
        times.push(started.elapsed());
        assert!(report.failed.is_empty(), "{:?}", report.failed);
    }
    let stats: serde_json::Value = http
        .get(format!("{}/_emulator/stats", emu.base_url()))
        .send()
        .await
        .expect("stats")
        .json()
        .await
        .expect("stats json");
    times.sort();
    let best = times[0];
    let median = times[times.len() / 2];
    println!(
        "sync benchmark: {} organizations (largest {} with {} member rows), page size {page_size}, \
              {} organizations at once, {latency_ms} ms added latency per request",
        orgs.len(),
        biggest.0,
        biggest.1,
        options.concurrency
    );
    println!("  requests per sync:        {}", stats["requests"]);
    println!(
        "  critical path:            {chain} round trips × {latency_ms} ms = {} ms",
        critical.as_millis()
    );
    println!(
        "  full sync, best of {runs}:     {} ms  ({:.2}× the critical path; target ≤ 1.50×)",
        best.as_millis(),
        best.as_secs_f64() / critical.as_secs_f64()
    );
    println!(
        "  full sync, median:        {} ms  ({:.2}×)",
        median.as_millis(),
        median.as_secs_f64() / critical.as_secs_f64()
    );
}
