//! Who holds which role where: the JSON shape of role assignments (the routes are in
//! `handlers/roles.rs`), and the rule for workspace names.
//!
//! - `GET /workspaces/{name_or_id}/assignments`: every role held on the workspace (workspace- and
//!   project-level), by users, teams and pending invitations.
//! - `GET /roles/{role_id}/assignments[?workspace_id=]`: who holds one role, and where (the
//!   organization, or which workspace).
//!
//! Both are lists (offset/limit, a bare array) of `Assignment` rows [P, this project's shape]:
//! `{role_id, role: {id, name}, level, workspace_id, project_id, user, team, invitation}` with exactly
//! one of `user`, `team`, `invitation` set. The variant dialect leaves out `role` and `level` (clients
//! resolve names from the organization's roles by `role_id`). Reading needs read access to the whole
//! organization (Organization Members get 403).

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::dialect::Dialect;
use crate::model::{Db, Grant, Role, Subject};

/// One assignment row; `None` when its holder no longer exists (or is an invitation no longer pending).
pub fn assignment_json(
    db: &Db,
    d: Dialect,
    role: &Role,
    subject: Subject,
    grant: &Grant,
    now: DateTime<Utc>,
) -> Option<Value> {
    let (user, team, invitation) = match subject {
        Subject::User(u) => (Some(Db::user_json(d, db.users.get(&u)?)), None, None),
        Subject::Team(t) => (None, Some(Db::team_json(d, db.teams.get(&t)?)), None),
        Subject::Invitation(i) => {
            let inv = db.invitations.get(&i).filter(|i| i.effective_status(now) == "pending")?;
            (None, None, Some(db.invitation_json(d, inv, now)))
        }
    };
    let mut v = json!({
        "role_id": role.id,
        "role": Db::role_ref_json(d, role),
        "level": role.level.as_str(),
        "workspace_id": grant.workspace_id,
        "project_id": grant.project_id,
        "user": user,
        "team": team,
        "invitation": invitation,
    });
    if d.is_variant() {
        if let Some(m) = v.as_object_mut() {
            m.remove("role");
            m.remove("level");
        }
    }
    Some(d.finish(v))
}

/// Workspace names: 1 to 50 characters, lowercase ASCII letters, digits and `-`, starting with a letter
/// or digit.
pub fn valid_workspace_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 50
        && !name.starts_with('-')
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}
