//! Sync: fetch every organization an account can see, with its workspaces, members, invitations,
//! roles and teams, and replace each organization's cached snapshot in one transaction.
//!
//! Within an organization the five lists are fetched at once; organizations are fetched with bounded
//! concurrency. One organization's failure is recorded and does not stop the others; a 401 that a
//! renewed session does not cure ends the whole sync before anything is deleted.

mod fetch;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::stream::{self, StreamExt};
use serde::Serialize;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zenml_cloud_api::{Listing, Organization, ReadNotes};

use crate::cache::{Cache, Entity, ListRead, OrgSnapshot};
use crate::error::{CoreError, ErrorCode, Result};
use crate::service::Core;

/// The background refresh: waits `interval`, runs `tick` (a sync), and again, until `cancel` fires or a
/// tick ends `cancelled`; a failed tick is logged and the loop goes on. The one loop of both `Core` and
/// the desktop app.
pub async fn refresh_every<F, Fut>(
    interval: Duration,
    cancel: CancellationToken,
    account_id: &str,
    mut tick: F,
) where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = std::result::Result<(), (ErrorCode, String)>>,
{
    loop {
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            () = cancel.cancelled() => return,
        }
        match tick().await {
            Ok(()) => {}
            Err((ErrorCode::Cancelled, _)) => return,
            Err((_, message)) => {
                tracing::warn!(account = %account_id, error = %message, "background refresh failed")
            }
        }
    }
}

/// How a sync runs.
#[derive(Clone, Debug)]
pub struct SyncOptions {
    /// How many organizations are fetched at once.
    pub concurrency: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self { concurrency: 16 }
    }
}

/// Where a sync is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "stage")]
pub enum SyncProgress {
    /// Listing the organizations.
    Listing,
    /// One organization is done (or failed); `done` of `total`.
    Organization { name: String, done: usize, total: usize, ok: bool },
    /// Finished.
    Finished { total: usize, failed: usize },
}

/// One organization that could not be synced.
#[derive(Clone, Debug, Serialize)]
pub struct SyncFailure {
    pub organization_id: Uuid,
    pub organization: String,
    pub error: CoreError,
}

/// What a sync did.
#[derive(Clone, Debug, Serialize)]
pub struct SyncReport {
    pub organizations: usize,
    pub synced: usize,
    pub failed: Vec<SyncFailure>,
    /// Organizations dropped from the cache because the server no longer lists them.
    pub removed: usize,
    pub duration_ms: u64,
}

/// Why one organization's fetch failed.
enum OrgFailure {
    /// A 401 even after renewing: ends the whole sync.
    Unauthorized(CoreError),
    Other(CoreError),
}

impl Core {
    /// Syncs every organization of an account. `progress` is called from the sync's task.
    pub async fn sync(
        &self,
        account_id: &str,
        options: &SyncOptions,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
        cancel: &CancellationToken,
    ) -> Result<SyncReport> {
        let started = Instant::now();
        progress(SyncProgress::Listing);
        let list = self.authed(account_id, |c, t| async move { c.all_organizations(&t).await });
        let orgs = tokio::select! {
            r = list => r,
            () = cancel.cancelled() => return Err(CoreError::cancelled()),
        };
        let Listing { items: orgs, notes: list_notes } = match orgs {
            Ok(o) => o,
            Err(e) => {
                self.with_cache(|c| {
                    c.record_sync_error(
                        account_id,
                        None,
                        Entity::Organizations,
                        Utc::now(),
                        e.code,
                        &e.message,
                    )
                })?;
                return Err(e);
            }
        };
        let listing_read = ListRead { hidden: false, notes: list_notes.clone() };
        self.with_cache(|c| {
            c.record_list_read(account_id, None, Entity::Organizations, Utc::now(), &listing_read)
        })?;
        // What reading noticed across the whole sync, warned about once per field at the end.
        let mut noticed = list_notes;

        let total = orgs.len();
        let ids: Vec<Uuid> = orgs.iter().map(|o| o.id).collect();
        let mut done = 0usize;
        let mut failed = Vec::new();
        let mut unauthorized = None;

        // Snapshots are written on a blocking thread with a connection of its own, so fetching goes on
        // while SQLite writes (WAL lets the app's connection keep reading meanwhile).
        let writer = SnapshotWriter::start(crate::paths::cache_path(self.data_dir()), account_id.to_owned())?;
        let mut fetches = stream::iter(orgs.into_iter().map(|org| async move {
            let r = self.fetch_org(account_id, &org).await;
            (org, r)
        }))
        .buffer_unordered(options.concurrency.max(1));
        let (mut fetching, mut writing) = (true, 0usize);
        let SnapshotWriter { queue, results: mut written } = writer;
        while fetching || writing > 0 {
            tokio::select! {
                next = fetches.next(), if fetching => match next {
                    None => fetching = false,
                    Some((_, Ok(snapshot))) => {
                        for read in snapshot.reads.values() {
                            noticed.merge(read.notes.clone());
                        }
                        queue.send(snapshot).map_err(|_| CoreError::internal("the cache writer stopped"))?;
                        writing += 1;
                    }
                    Some((_, Err(OrgFailure::Unauthorized(e)))) => {
                        unauthorized = Some(e);
                        break;
                    }
                    Some((org, Err(OrgFailure::Other(error)))) => {
                        done += 1;
                        self.record_org_failure(account_id, org.id, &error);
                        tracing::warn!(org = %org.name, %error, "organization sync failed");
                        progress(SyncProgress::Organization { name: org.name.clone(), done, total, ok: false });
                        failed.push(SyncFailure { organization_id: org.id, organization: org.name, error });
                    }
                },
                Some((org, result)) = written.recv(), if writing > 0 => {
                    writing -= 1;
                    done += 1;
                    let ok = result.is_ok();
                    if let Err(error) = result {
                        tracing::error!(org = %org.name, %error, "could not store an organization");
                        failed.push(SyncFailure { organization_id: org.id, organization: org.name.clone(), error });
                    }
                    progress(SyncProgress::Organization { name: org.name, done, total, ok });
                }
                () = cancel.cancelled() => return Err(CoreError::cancelled()),
            }
        }
        drop(queue);
        if let Some(e) = unauthorized {
            self.with_cache(|c| {
                c.record_sync_error(account_id, None, Entity::Organizations, Utc::now(), e.code, &e.message)
            })?;
            return Err(e);
        }
        warn_once_per_field(&noticed);
        let removed = self.with_cache(|c| c.retain_organizations(account_id, &ids))?;
        self.ensure_active_org(account_id)?;
        progress(SyncProgress::Finished { total, failed: failed.len() });
        let report = SyncReport {
            organizations: total,
            synced: total - failed.len(),
            failed,
            removed,
            duration_ms: started.elapsed().as_millis() as u64,
        };
        tracing::info!(account = %account_id, total, failed = report.failed.len(), removed, ms = report.duration_ms, "sync finished");
        Ok(report)
    }

    /// After a sync, makes sure the account has an active organization that still exists: keeps the
    /// chosen one, else picks the first by name.
    fn ensure_active_org(&self, account_id: &str) -> Result<()> {
        self.with_cache(|c| {
            let orgs = c.organizations(account_id)?;
            let active = c.active_org(account_id)?;
            if active.is_some_and(|id| orgs.iter().any(|o| o.value.id == id)) {
                return Ok(());
            }
            if let Some(first) = orgs.first() {
                c.set_active_org(account_id, first.value.id)?;
                tracing::info!(account = %account_id, org = %first.value.name, "active organization chosen");
            }
            Ok(())
        })
    }

    /// Refreshes one organization (by id or name) on its own.
    pub async fn refresh_organization(&self, account_id: &str, id_or_name: &str) -> Result<()> {
        let org =
            self.authed(account_id, |c, t| async move { c.get_organization(&t, id_or_name).await }).await?;
        match self.fetch_org(account_id, &org).await {
            Ok(snapshot) => self.with_cache(|c| c.replace_org_snapshot(account_id, &snapshot, Utc::now())),
            Err(OrgFailure::Unauthorized(e)) => Err(e),
            Err(OrgFailure::Other(e)) => {
                self.record_org_failure(account_id, org.id, &e);
                Err(e)
            }
        }
    }

    /// Syncs the account every `interval` until `cancel` fires; errors are logged and recorded. (The
    /// desktop app runs the same [`refresh_every`] loop with its own sync, which also tells the window.)
    pub async fn run_background_refresh(
        self: Arc<Self>,
        account_id: String,
        interval: Duration,
        cancel: CancellationToken,
    ) {
        let token = cancel.clone();
        refresh_every(interval, cancel, &account_id, || {
            let (core, account_id, token) = (self.clone(), account_id.clone(), token.clone());
            async move {
                core.sync(&account_id, &SyncOptions::default(), &|_| {}, &token)
                    .await
                    .map(|_| ())
                    .map_err(|e| (e.code, e.message))
            }
        })
        .await;
    }

    /// Records a failed fetch for each of the organization's entities; the cached snapshot stays.
    fn record_org_failure(&self, account_id: &str, org_id: Uuid, error: &CoreError) {
        let now = Utc::now();
        let recorded = self.with_cache(|c| {
            for entity in Entity::OF_ORG {
                c.record_sync_error(account_id, Some(org_id), entity, now, error.code, &error.message)?;
            }
            Ok(())
        });
        if let Err(e) = recorded {
            tracing::error!(error = %e, "could not record a sync failure");
        }
    }
}

/// Logs what reading noticed in one sync: each field read as absent once, by name (never a value), and
/// how many rows could not be read.
fn warn_once_per_field(noticed: &ReadNotes) {
    for field in &noticed.mistyped {
        tracing::warn!(field = %field, "a field of an unexpected shape was read as absent");
    }
    if noticed.skipped > 0 {
        tracing::warn!(rows = noticed.skipped, reasons = ?noticed.skip_reasons, "rows that could not be read were skipped");
    }
    if !noticed.unknown.is_empty() {
        tracing::debug!(fields = ?noticed.unknown, "the server sent fields this app does not read");
    }
}

/// A blocking thread that writes organization snapshots through a connection of its own and
/// reports each outcome back.
struct SnapshotWriter {
    queue: std::sync::mpsc::Sender<OrgSnapshot>,
    results: tokio::sync::mpsc::UnboundedReceiver<(Organization, Result<()>)>,
}

impl SnapshotWriter {
    fn start(path: std::path::PathBuf, account_id: String) -> Result<Self> {
        let (queue, incoming) = std::sync::mpsc::channel::<OrgSnapshot>();
        let (report, results) = tokio::sync::mpsc::unbounded_channel();
        // Opened here, so a cache that cannot be opened fails the sync before any fetch.
        let (cache, _) = Cache::open(&path)?;
        tokio::task::spawn_blocking(move || {
            for snapshot in incoming {
                let result =
                    cache.replace_org_snapshot(&account_id, &snapshot, Utc::now()).map_err(CoreError::from);
                if report.send((snapshot.organization, result)).is_err() {
                    return; // the sync was dropped (cancelled); what is written stays written
                }
            }
        });
        Ok(Self { queue, results })
    }
}
