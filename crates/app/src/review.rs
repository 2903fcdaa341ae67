//! The access review, the activity log with undo, and exports written from the window, all through
//! core (`access_review`, `activity`, `undo`, `export`). An export is written whole or not at all (a
//! temporary file beside it, then renamed over it), and an existing file is replaced only when the
//! caller says the user confirmed it.

use std::path::{Path, PathBuf};

use chrono::Utc;
use zenml_pro_core::{
    ActivityKind, ActivityQuery, ExportFormat, ExportKind, ExportRequest, ExportScope, ReviewQuery,
    DEFAULT_STALE_DAYS,
};

use crate::app::App;
use crate::error::{ErrorCode, IpcError, IpcResult};
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

pub(crate) async fn undo(app: &App, entry_id: u32) -> IpcResult<UndoOutcomeView> {
    let outcome = app.core().undo(i64::from(entry_id)).await?;
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
    Ok((ExportRequest { kind, format, scope, review }, label))
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

pub(crate) fn export_default_path(app: &App, c: ExportChoiceView) -> IpcResult<ExportPathView> {
    let (r, label) = request(app, &c)?;
    let ext = match r.format {
        ExportFormat::Csv => "csv",
        ExportFormat::Json => "json",
    };
    let day = Utc::now().format("%Y-%m-%d").to_string();
    let file_name = export_file_name(&label, r.kind.as_str(), ext, &day);
    let path = export_folder(home_dir().as_deref()).join(&file_name);
    Ok(ExportPathView { exists: path.exists(), path: path.display().to_string(), file_name })
}

/// Runs the export and writes it to `path`; `replace`: the user confirmed replacing a file there.
pub(crate) fn save_export(
    app: &App,
    c: ExportChoiceView,
    path: String,
    replace: bool,
) -> IpcResult<ExportSavedView> {
    let (r, _) = request(app, &c)?;
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() {
        return Err(IpcError::invalid("give a file to save the export to"));
    }
    if path.is_dir() {
        return Err(IpcError::invalid(format!("{} is a folder: give a file name", path.display())));
    }
    let existed = path.exists();
    if existed && !replace {
        return Err(IpcError::new(
            ErrorCode::Conflict,
            format!("{} exists already: confirm to replace it", path.display()),
        ));
    }
    let exported = app.core().export_counted(&r)?;
    // The window says a missing folder as a mistake in the path, before writing.
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(IpcError::invalid(format!("the folder {} does not exist", dir.display())));
    }
    zenml_pro_core::export::write_file(&path, &exported.text)?;
    Ok(ExportSavedView {
        path: path.display().to_string(),
        rows: to_u32(exported.rows),
        bytes: to_u32(exported.text.len()),
        replaced: existed,
    })
}
