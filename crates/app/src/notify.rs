//! Native notifications: what a sync saw change that a person wants to hear about, even with the
//! window hidden in the tray, and a session about to expire.
//!
//! The app decides here what to notify (tested against the emulator); it hands each one to the shell
//! as [`AppEvent::Notification`], and the shell shows it natively. Each kind can be turned off in
//! [`DesktopSettings`].
//!
//! - Before a sync, [`Watch::read`] notes from the cache what may change: the pending invitations and
//!   the status of every workspace, per organization. After it, [`Watch::notices`] compares with the
//!   cache: an invitation that is now `accepted` (or gone, its email now a member) was accepted; a
//!   workspace that moved to `failed` or `available` is reported. Nothing known before (the first
//!   sync of an account) gives nothing: notifications are about changes.
//! - [`session_notice`]: a session that cannot renew itself (browser or password sign-in; a key is
//!   exchanged again on its own) and expires within a day.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
#[cfg(feature = "ts")]
use ts_rs::TS;
use uuid::Uuid;
use zenml_pro_core::api::{InvitationStatus, WorkspaceStatus};
use zenml_pro_core::{AccountRecord, AuthMethod, Core, MemberKind, MemberQuery};

use crate::events::AppEvent;
use crate::settings::DesktopSettings;

/// How long before a session's expiry the user is told.
pub const SESSION_WARNING: Duration = Duration::hours(24);

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(TS))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    InvitationAccepted,
    WorkspaceFailed,
    WorkspaceAvailable,
    /// A workspace the user deactivated from the app is deactivated.
    WorkspaceDeactivated,
    SessionExpiring,
}

impl NotificationKind {
    /// Whether the settings let this kind through.
    pub fn enabled(self, s: &DesktopSettings) -> bool {
        match self {
            Self::InvitationAccepted => s.notify_invitation_accepted,
            Self::WorkspaceFailed | Self::WorkspaceAvailable | Self::WorkspaceDeactivated => {
                s.notify_workspace_status
            }
            Self::SessionExpiring => s.notify_session_expiring,
        }
    }
}

/// What is known of one organization before a sync.
#[derive(Debug, Default)]
struct OrgWatch {
    name: String,
    /// Pending invitations: id → email.
    pending: HashMap<Uuid, String>,
    /// Workspaces: id → status.
    workspaces: HashMap<Uuid, WorkspaceStatus>,
}

/// What is known of an account's organizations before a sync (see the module's docs).
#[derive(Debug, Default)]
pub struct Watch {
    orgs: HashMap<Uuid, OrgWatch>,
}

/// How an organization is named to people: its display name, else its name.
pub(crate) fn org_name(o: &zenml_pro_core::api::Organization) -> String {
    o.display_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| o.name.clone())
}

/// How a workspace is named to people: its display name, else its name.
pub(crate) fn workspace_name(w: &zenml_pro_core::api::Workspace) -> String {
    w.display_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| w.name.clone())
}

impl Watch {
    /// Reads the account's cached organizations (an unreadable cache watches nothing).
    pub fn read(core: &Core, account_id: &str) -> Self {
        let mut orgs = HashMap::new();
        for entry in core.organizations(account_id).unwrap_or_default() {
            let id = entry.organization.id;
            let mut w = OrgWatch { name: org_name(&entry.organization), ..Default::default() };
            if let Ok(c) = core.invitations(account_id, id, true) {
                w.pending = c.value.into_iter().map(|i| (i.id, i.email)).collect();
            }
            if let Ok(c) = core.workspaces(account_id, id) {
                w.workspaces = c.value.into_iter().map(|ws| (ws.id, ws.status)).collect();
            }
            orgs.insert(id, w);
        }
        Self { orgs }
    }

    /// What changed since [`Watch::read`], as notifications (all kinds; the caller filters).
    pub fn notices(&self, core: &Core, account_id: &str) -> Vec<AppEvent> {
        let mut out = Vec::new();
        let note = |kind, title: String, body: String, org: Uuid| AppEvent::Notification {
            about: kind,
            title,
            body,
            account_id: account_id.to_owned(),
            org_id: Some(org.to_string()),
        };
        for (&org_id, before) in &self.orgs {
            if !before.pending.is_empty() {
                let now: HashMap<Uuid, Option<InvitationStatus>> = core
                    .invitations(account_id, org_id, false)
                    .map(|c| c.value.into_iter().map(|i| (i.id, i.status)).collect())
                    .unwrap_or_default();
                let mut accepted: Vec<&String> = before
                    .pending
                    .iter()
                    .filter(|(id, email)| match now.get(id) {
                        Some(status) => *status == Some(InvitationStatus::Accepted),
                        None => is_member(core, account_id, org_id, email),
                    })
                    .map(|(_, email)| email)
                    .collect();
                accepted.sort();
                for email in accepted {
                    out.push(note(
                        NotificationKind::InvitationAccepted,
                        "Invitation accepted".into(),
                        format!("{email} joined {}.", before.name),
                        org_id,
                    ));
                }
            }
            let Ok(now) = core.workspaces(account_id, org_id) else { continue };
            let mut workspaces = now.value;
            workspaces.sort_by(|a, b| a.name.cmp(&b.name));
            for ws in workspaces {
                let Some(&was) = before.workspaces.get(&ws.id) else { continue };
                if was == ws.status {
                    continue;
                }
                let name = workspace_name(&ws);
                match ws.status {
                    WorkspaceStatus::Failed => {
                        let reason = ws.state_reason.clone().filter(|r| !r.trim().is_empty());
                        out.push(note(
                            NotificationKind::WorkspaceFailed,
                            "Workspace failed".into(),
                            match reason {
                                Some(r) => format!("{name} in {} failed: {r}", before.name),
                                None => format!("{name} in {} failed.", before.name),
                            },
                            org_id,
                        ))
                    }
                    WorkspaceStatus::Available => out.push(note(
                        NotificationKind::WorkspaceAvailable,
                        "Workspace available".into(),
                        format!("{name} in {} is available.", before.name),
                        org_id,
                    )),
                    _ => {}
                }
            }
        }
        out
    }
}

/// Whether a user with exactly this email is a member of the organization (in the cache).
fn is_member(core: &Core, account_id: &str, org_id: Uuid, email: &str) -> bool {
    let q = MemberQuery {
        search: Some(email.to_owned()),
        kind: Some(MemberKind::User),
        limit: Some(20),
        ..Default::default()
    };
    core.members(account_id, org_id, &q).is_ok_and(|page| {
        page.value.rows.iter().any(|r| {
            r.user.as_ref().and_then(|u| u.email.as_deref()).is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
    })
}

/// A notification when the account's session cannot renew itself and expires within
/// [`SESSION_WARNING`] of `now` (and has not expired yet).
pub fn session_notice(account: &AccountRecord, now: DateTime<Utc>) -> Option<AppEvent> {
    if !account.signed_in || account.auth_method == AuthMethod::Key {
        return None;
    }
    let at = account.token_expires_at?;
    if at <= now || at - now > SESSION_WARNING {
        return None;
    }
    let left = at - now;
    let when = if left.num_hours() >= 1 {
        format!("in about {} h", left.num_hours())
    } else {
        format!("in {} min", left.num_minutes().max(1))
    };
    let who = zenml_pro_core::account_label(account);
    Some(AppEvent::Notification {
        about: NotificationKind::SessionExpiring,
        title: "Session expiring".into(),
        body: format!("The session of {who} expires {when}: sign in again to keep syncing."),
        account_id: account.id.clone(),
        org_id: None,
    })
}

/// A notification's text as the desktop's notification service should get it. On Linux the body is
/// read as markup (`<b>`, `<a href>`, `&amp;`), so a name from the server such as `<a href=…>` would be
/// shown as a link; it is escaped to plain text there. Elsewhere the text is plain already.
pub fn desktop_text(text: &str) -> String {
    if cfg!(target_os = "linux") {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c if c.is_control() && c != '\n' => {}
                c => out.push(c),
            }
        }
        out
    } else {
        text.to_owned()
    }
}

#[cfg(all(test, target_os = "linux"))]
mod markup_tests {
    use super::desktop_text;

    #[test]
    fn markup_in_server_names_is_shown_as_text() {
        assert_eq!(
            desktop_text("<a href=\"https://evil.example\">Acme</a> & <b>co</b>\u{7}"),
            "&lt;a href=&quot;https://evil.example&quot;&gt;Acme&lt;/a&gt; &amp; &lt;b&gt;co&lt;/b&gt;"
        );
        assert_eq!(desktop_text("Plain name\nsecond line"), "Plain name\nsecond line");
    }
}
