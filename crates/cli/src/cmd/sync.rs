//! `zpro sync`: fetch every organization of the account into the offline cache, with progress on
//! stderr.

use std::io::Write;

use zenml_pro_core::{SyncOptions, SyncProgress};

use super::{Ctx, Res};
use crate::output::clean;
use crate::{exit_code, EXIT_OK};

pub(crate) async fn sync(ctx: &mut Ctx<'_>) -> Res {
    let account = ctx.account()?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<SyncProgress>();
    let progress = move |p: SyncProgress| {
        let _ = tx.send(p);
    };
    let had_active = ctx.core.active_organization(&account.id)?.is_some();
    let cancel = zenml_pro_core::CancellationToken::new();
    let interrupt = {
        let cancel = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        })
    };
    let options = SyncOptions::default();
    let result = {
        let work = ctx.core.sync(&account.id, &options, &progress, &cancel);
        tokio::pin!(work);
        loop {
            tokio::select! {
                r = &mut work => break r,
                Some(p) = rx.recv() => print_progress(ctx.err, &p),
            }
        }
    };
    interrupt.abort();
    while let Ok(p) = rx.try_recv() {
        print_progress(ctx.err, &p);
    }
    let report = result?;
    let seconds = report.duration_ms as f64 / 1000.0;
    say!(ctx.out, "Synced {} of {} organizations in {seconds:.1} s.", report.synced, report.organizations);
    if report.removed > 0 {
        say!(ctx.out, "Removed {} organizations the server no longer lists.", report.removed);
    }
    if !report.failed.is_empty() {
        say!(ctx.out, "Failed ({}):", report.failed.len());
        for f in &report.failed {
            say!(ctx.out, "  {}: {}", clean(&f.organization), clean(&f.error.message));
        }
    }
    // The first sync picks an active organization (core chooses the first by name); say which.
    if !had_active {
        if let Some(id) = ctx.core.active_organization(&account.id)? {
            let org = ctx.core.organization(&account.id, &id.to_string())?.value;
            say!(ctx.out, "Active organization: {} (change it with `zpro switch ORG`).", clean(&org.name));
        }
    }
    if report.organizations > 0 && report.synced == 0 {
        let worst =
            report.failed.iter().map(|f| exit_code(f.error.code)).max().unwrap_or(crate::EXIT_FAILURE);
        return Ok(worst);
    }
    if !report.failed.is_empty() {
        let names: Vec<String> = report.failed.iter().map(|f| clean(&f.organization)).collect();
        say!(
            ctx.err,
            "partial: {} of {} organizations failed to sync: {}",
            report.failed.len(),
            report.organizations,
            names.join(", ")
        );
        return Ok(crate::EXIT_PARTIAL);
    }
    Ok(EXIT_OK)
}

fn print_progress(err: &mut dyn Write, p: &SyncProgress) {
    match p {
        SyncProgress::Listing => say!(err, "listing organizations..."),
        SyncProgress::Organization { name, done, total, ok } => {
            say!(err, "[{done}/{total}] {} {}", clean(name), if *ok { "ok" } else { "failed" })
        }
        SyncProgress::Finished { total, failed } => say!(err, "done: {total} organizations, {failed} failed"),
    }
}
