//! The access review, the activity log with undo, and exports written from the window, all through
//! core (`access_review`, `activity`, `undo`, `export`). An export's file is chosen in the shell's
//! native save dialog (asked through [`crate::SaveDialog`]; the window never sends a path) and written
//! whole or not at all through core's `export::write_file`; Show in folder opens only the folder of a
//! file saved so in this run.

use std::path::{Path, PathBuf};

use chrono::Utc;
use zenml_pro_core::{
    ActivityKind, ActivityQuery, ExportFormat, ExportKind, ExportRequest, ExportScope, ReviewQuery,
    DEFAULT_STALE_DAYS,
};

use crate::app::{lock, App};
use crate::error::{IpcError, IpcResult};
use crate::events::SaveDialogRequest;
use crate::views::*;
use crate::Entity;

/// Log entries per page when the query gives no limit, and the most one page may hold.
pub const DEFAULT_ACTIVITY_PAGE: u32 = 50;
pub const MAX_ACTIVITY_PAGE: u32 = 500;

fn review_query(stale_days: Option<u32>, group: Option<Vec<String>>) -> ReviewQuery {
    ReviewQuery { stale_days: stale_days.unwrap_or(DEFAULT_STALE_DAYS), group: group.unwrap_or_default() }
}

fn blank_none(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

pub(crate) fn access_review(app: &App, q: ReviewQueryView) -> IpcResult<AccessReviewView> {
    Ok(AccessReviewView::from(&app.core().access_review(&review_query(q.stale_days, q.group))?))
}

pub(crate) fn activity(app: &App, q: ActivityQueryView) -> IpcResult<ActivityPageView> {
    let kind = match blank_none(q.kind) {
        None => None,
        Some(k) => Some(ActivityKind::parse(&k).ok_or_else(|| {
            IpcError::invalid(format!("{k:?} is not a kind of change in the activity log"))
        })?),
    };
    let offset = q.offset.unwrap_or(0) as usize;
    let query = ActivityQuery {
        account_id: None,
        org: blank_none(q.org),
        kind,
        failed: q.failed_only.filter(|f| *f),
        search: blank_none(q.search),
        offset,
        limit: Some(q.limit.unwrap_or(DEFAULT_ACTIVITY_PAGE).clamp(1, MAX_ACTIVITY_PAGE) as usize),
    };
    Ok(ActivityPageView::new(&app.core().activity(&query)?, offset))
}

pub(crate) async fn undo_preview(app: &App, entry_id: u32) -> IpcResult<UndoPreviewView> {
    let preview = app.core().undo_preview(i64::from(entry_id)).await?;
    let org = uuid::Uuid::parse_str(&preview.entry.org_id).ok();
    // The organization was refreshed from the server to check the undo: screens showing it reload.
    let touched =
        [Entity::Organization, Entity::Members, Entity::Invitations, Entity::Teams, Entity::Workspaces];
    app.changed(&preview.entry.account_id, org, &touched);
    Ok(UndoPreviewView::from(&preview))
}

pub(crate) async fn undo(app: &App, entry_id: u32, force: bool) -> IpcResult<UndoOutcomeView> {
    let outcome = app.core().undo(i64::from(entry_id), force).await?;
    let org = uuid::Uuid::parse_str(&outcome.undone.org_id).ok();
    let touched =
        [Entity::Organization, Entity::Members, Entity::Invitations, Entity::Teams, Entity::Workspaces];
    app.changed(&outcome.undone.account_id, org, &touched);
    Ok(UndoOutcomeView::from(&outcome))
}

/// The request core answers, from the window's choice.
fn request(app: &App, c: &ExportChoiceView) -> IpcResult<(ExportRequest, String)> {
    let kind = ExportKind::parse(&c.kind)?;
    let format = ExportFormat::parse(&c.format)?;
    let (scope, label) = if c.all_orgs {
        (ExportScope::AllOrgs, "all-organizations".to_owned())
    } else {
        let (account, org_id) = app.account_and_org(c.org.as_deref())?;
        let name = app.core().organization(&account.id, &org_id.to_string())?.value.name;
        (ExportScope::Org { account_id: account.id, org_id }, name)
    };
    let review = review_query(c.stale_days, c.group.clone());
    // The window's files are opened in spreadsheets: formula-like cells are always neutralised.
    Ok((ExportRequest { kind, format, scope, review, raw: false }, label))
}

/// `acme-ml-members-2026-12-03.csv`: the organization (or `all-organizations`), what, the day, the
/// format; anything but letters, digits, `-`, `_` and `.` in the organization's name becomes `-`.
pub fn export_file_name(label: &str, kind: &str, format: &str, day: &str) -> String {
    let safe: String =
        label.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '-' }).collect();
    let safe = safe.trim_matches('.');
    let safe = if safe.is_empty() { "organization" } else { safe };
    format!("{safe}-{kind}-{day}.{format}")
}

/// The folder an export goes to by default: `Downloads` under `home` when it exists, else `home`,
/// else the working folder.
pub fn export_folder(home: Option<&Path>) -> PathBuf {
    match home {
        Some(h) if h.join("Downloads").is_dir() => h.join("Downloads"),
        Some(h) if h.is_dir() => h.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// What the save dialog of an export suggests: the Downloads folder (else home), a file name like
/// `acme-ml-members-2026-12-03.csv`, and the format's one kind of file.
pub fn export_dialog_request(
    r: &ExportRequest,
    label: &str,
    day: &str,
    home: Option<&Path>,
) -> SaveDialogRequest {
    let (filter_name, extension) = match r.format {
        ExportFormat::Csv => ("CSV", "csv"),
        ExportFormat::Json => ("JSON", "json"),
    };
    let kind = r.kind.as_str();
    SaveDialogRequest {
        title: format!("Save the {} export", kind.replace('-', " ")),
        folder: export_folder(home),
        file_name: export_file_name(label, kind, extension, day),
        filter_name: filter_name.to_owned(),
        extension: extension.to_owned(),
    }
}

/// Asks the shell's save dialog where to save the export, then writes it there whole. The path comes
/// from the dialog only (the window never sends one); a cancelled dialog writes nothing and is an
/// outcome, not an error. The file saved is remembered for Show in folder.
pub(crate) async fn save_export(app: &App, c: ExportChoiceView) -> IpcResult<ExportOutcomeView> {
    let (r, label) = request(app, &c)?;
    let dialog = app
        .save_dialog
        .clone()
        .ok_or_else(|| IpcError::internal("this app has no save dialog to ask where to save the export"))?;
    let day = Utc::now().format("%Y-%m-%d").to_string();
    let ask = export_dialog_request(&r, &label, &day, home_dir().as_deref());
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog.ask_save_path(
        ask,
        Box::new(move |path| {
            let _ = tx.send(path);
        }),
    );
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(ExportOutcomeView { saved: None });
    };
    let saved = write_export(app, &r, &path)?;
    let mut remembered = lock(&app.saved_exports);
    if !remembered.contains(&path) {
        remembered.push(path);
    }
    Ok(ExportOutcomeView { saved: Some(saved) })
}

/// Runs the export and writes it to `path` (chosen in the save dialog, which asked before replacing a
/// file there).
fn write_export(app: &App, r: &ExportRequest, path: &Path) -> IpcResult<ExportSavedView> {
    if path.as_os_str().is_empty() {
        return Err(IpcError::invalid("give a file to save the export to"));
    }
    if path.is_dir() {
        return Err(IpcError::invalid(format!("{} is a folder: give a file name", path.display())));
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(IpcError::invalid(format!("the folder {} does not exist", dir.display())));
    }
    let existed = path.exists();
    let exported = app.core().export_counted(r)?;
    zenml_pro_core::export::write_file(path, &exported.text)?;
    Ok(ExportSavedView {
        path: path.display().to_string(),
        rows: to_u32(exported.rows),
        bytes: to_u32(exported.text.len()),
        replaced: existed,
    })
}

/// Opens the folder of `path` in the file manager, only when `path` is a file an export was saved to
/// in this run of the app; resolves to the folder.
pub(crate) fn open_export_folder(app: &App, path: &str) -> IpcResult<String> {
    let file = PathBuf::from(path.trim());
    if !lock(&app.saved_exports).contains(&file) {
        return Err(IpcError::invalid(format!(
            "{path} is not a file this app saved an export to: only the folder of an export saved since the app started is opened"
        )));
    }
    let dir = file
        .parent()
        .filter(|d| d.is_dir())
        .ok_or_else(|| IpcError::invalid(format!("the folder of {path} is no longer there")))?;
    app.opener.open_path(dir).map_err(|e| IpcError::internal(format!("could not open the folder: {e}")))?;
    Ok(dir.display().to_string())
}
