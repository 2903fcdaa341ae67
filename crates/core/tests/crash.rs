//! A sync process killed with SIGKILL in the middle leaves a cache that opens and shows, for every
//! organization, one complete snapshot: the previous one or the new one, never a mix.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;

use common::*;
use serde_json::json;
use tokio_util::sync::CancellationToken;
use zenml_pro_core::api::ApiKey;
use zenml_pro_core::*;
use zenml_pro_emulator::EmulatorConfig;

/// Set in the child process's environment: the data directory and base URL to sync.
const CHILD_ENV: &str = "ZENML_PRO_CRASH_TEST_CHILD";

/// The child: signs in with the key on standard input and syncs one organization at a time,
/// printing a line per finished organization, until the parent kills it. Ignored in normal runs;
/// the parent starts this test binary again with `--ignored --exact` to run it.
#[tokio::test]
#[ignore = "the child half of the crash test; the parent runs it"]
async fn sync_child() {
    let Ok(spec) = std::env::var(CHILD_ENV) else { return };
    let (dir, url) = spec.split_once('|').expect("dir|url");
    let mut key = String::new();
    std::io::stdin().lock().read_line(&mut key).unwrap();
    let core = open_core(std::path::Path::new(dir), Arc::new(MemoryKeyring::new()));
    let account = core.login_with_key(url, ApiKey::new(key.trim())).await.unwrap();
    let progress = |p: SyncProgress| {
        if let SyncProgress::Organization { done, .. } = p {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "synced {done}");
            let _ = out.flush();
        }
    };
    core.sync(&account.id, &SyncOptions { concurrency: 1 }, &progress, &CancellationToken::new())
        .await
        .unwrap();
    println!("done");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_sync_leaves_the_previous_complete_snapshot() {
    let e = env_with(EmulatorConfig { scale: Some(12), ..Default::default() }).await;
    let key = e.emu.credentials().admin.key.clone();
    let account = e.core.login_with_key(&e.emu.base_url(), ApiKey::new(&key)).await.unwrap();
    e.core
        .sync(&account.id, &SyncOptions::default(), &no_progress(), &CancellationToken::new())
        .await
        .unwrap();
    let orgs = e.core.organizations(&account.id).unwrap();
    assert!(orgs.len() >= 10);
    let before: Vec<(uuid::Uuid, usize)> = orgs
        .iter()
        .map(|o| {
            let id = o.organization.id;
            (id, e.core.members(&account.id, id, &MemberQuery::default()).unwrap().value.total)
        })
        .collect();

    // Change every organization on the server through another installation (its own cache), so this
    // cache still holds the snapshot before the change: one more pending invitation (a member row) each.
    let other_dir = tempfile::tempdir().unwrap();
    let other = open_core(other_dir.path(), Arc::new(MemoryKeyring::new()));
    let other_account = other.login_with_key(&e.emu.base_url(), ApiKey::new(&key)).await.unwrap();
    other
        .sync(&other_account.id, &SyncOptions::default(), &no_progress(), &CancellationToken::new())
        .await
        .unwrap();
    for (id, _) in &before {
        let email = format!("crash-{id}@example.com");
        other.invite(&other_account.id, *id, &[email], "Organization Viewer").await.unwrap();
    }
    drop(e.core);
    clear_faults(&e.emu).await;
    // Slow each request down so the kill lands in the middle, then sync in a child process.
    fault(&e.emu, json!({"kind": "latency", "ms": 40})).await;
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "sync_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, format!("{}|{}", e.dir.path().display(), e.emu.base_url()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{key}").unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::task::spawn_blocking(move || {
        lines.find(|l| l.as_ref().map_or(true, |l| l.contains("synced ")))
    })
    .await
    .unwrap();
    // libtest prints the test's name on the same line before the child's own output.
    let first = first.unwrap().unwrap();
    assert!(first.ends_with("synced 1"), "the child synced one organization: {first:?}");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let (after, notice) = Core::open(CoreOptions {
        data_dir: e.dir.path().into(),
        secrets: Arc::new(MemoryKeyring::new()),
        client: quick_retries(),
    })
    .unwrap();
    assert!(notice.is_none(), "the cache opens as it is: {notice:?}");
    after.verify_cache().expect("the cache passes a full integrity check");
    let mut updated = 0;
    for (id, old_total) in &before {
        let total = after.members(&account.id, *id, &MemberQuery::default()).unwrap().value.total;
        assert!(
            total == *old_total || total == old_total + 1,
            "org {id}: {total} is neither {old_total} nor {}",
            old_total + 1
        );
        updated += usize::from(total == old_total + 1);
    }
    assert!(updated >= 1, "the child got through at least one organization");
    assert!(updated < before.len(), "the kill landed before the sync finished");
}
