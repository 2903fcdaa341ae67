//! How a member record becomes a row of the `members` table: the columns it is found, filtered and
//! sorted by, all derived from its wire record (kept whole in `json`), and writing a list of them.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use uuid::Uuid;
use zenml_cloud_api::{MemberRole, MemberRow};

use super::{MemberKind, Result};

/// The columns of a member row besides its record.
pub(super) struct MemberFields {
    pub(super) row_key: String,
    pub(super) kind: MemberKind,
    pub(super) name_lc: String,
    search: String,
    roles_lc: String,
    /// A user's email, username and own name, trimmed and lower-cased (`None` for other rows).
    email_lc: Option<String>,
    username_lc: Option<String>,
    user_name_lc: Option<String>,
    /// Who the row is as a person across organizations (schema 4): a user's or service account's
    /// email, else `id:<their id>`; an invitation's email; trimmed and lower-cased. `None` for a team.
    person_lc: Option<String>,
}

pub(super) fn user_key(user_id: Uuid) -> String {
    format!("user:{user_id}")
}

pub(super) fn invitation_key(invitation_id: Uuid) -> String {
    format!("invitation:{invitation_id}")
}

/// A field as a single-row lookup compares it: trimmed and lower-cased.
pub(super) fn lookup_lc(value: &str) -> String {
    value.trim().to_lowercase()
}

/// What a row stands for: a user (or service account), else a team, else an invitation. `None` for a row
/// with none of them, which the cache skips.
pub(super) fn member_fields(row: &MemberRow) -> Option<MemberFields> {
    let (row_key, kind, name, email, username) = if let Some(user) = &row.user {
        let kind =
            if user.is_service_account == Some(true) { MemberKind::ServiceAccount } else { MemberKind::User };
        let name = user.name.as_deref().filter(|n| !n.is_empty()).or(user.username.as_deref());
        (user_key(user.id), kind, name, user.email.as_deref(), user.username.as_deref())
    } else if let Some(team) = &row.team {
        (format!("team:{}", team.id), MemberKind::Team, Some(team.name.as_str()), None, None)
    } else if let Some(inv) = &row.invitation {
        (
            invitation_key(inv.id),
            MemberKind::Invitation,
            Some(inv.email.as_str()),
            Some(inv.email.as_str()),
            None,
        )
    } else {
        return None;
    };
    // A user with neither name nor username is shown by email, else by id.
    let name_lc = match name.or(email) {
        Some(n) => n.to_lowercase(),
        None => row_key["user:".len()..].to_owned(),
    };
    let mut search = name_lc.clone();
    for part in [email, username].into_iter().flatten() {
        search.push('\n');
        search.push_str(&part.to_lowercase());
    }
    let user = row.user.as_ref();
    let person_lc = match (kind, email.map(lookup_lc).filter(|e| !e.is_empty()), user) {
        (MemberKind::Team, _, _) => None,
        (_, Some(email), _) => Some(email),
        (_, None, Some(u)) => Some(format!("id:{}", u.id)),
        (_, None, None) => None,
    };
    Some(MemberFields {
        row_key,
        kind,
        name_lc,
        search,
        roles_lc: roles_lc(&row.roles),
        email_lc: user.and_then(|u| u.email.as_deref()).map(lookup_lc),
        username_lc: user.and_then(|u| u.username.as_deref()).map(lookup_lc),
        user_name_lc: user.and_then(|u| u.name.as_deref()).map(lookup_lc),
        person_lc,
    })
}

/// The member's role names, lower-cased, each between newlines: `"\norganization admin\n"`.
pub(super) fn roles_lc(roles: &[MemberRole]) -> String {
    let mut out = String::from("\n");
    for role in roles {
        out.push_str(&role.label().to_lowercase());
        out.push('\n');
    }
    out
}

const INSERT: &str = "INSERT INTO members (org_key, row_key, kind, name_lc, search, roles_lc, email_lc,
                                          username_lc, user_name_lc, person_lc, json)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

fn insert(conn: &Connection, org_key: i64, f: &MemberFields, json: &str) -> Result<()> {
    conn.prepare_cached(INSERT)?.execute(params![
        org_key,
        f.row_key,
        f.kind.as_str(),
        f.name_lc,
        f.search,
        f.roles_lc,
        f.email_lc,
        f.username_lc,
        f.user_name_lc,
        f.person_lc,
        json
    ])?;
    Ok(())
}

/// Inserts one member row (with its roles, in `json` and `roles_lc`). Returns false for a row that
/// stands for nothing.
pub(super) fn insert_member(conn: &Connection, org_key: i64, row: &MemberRow) -> Result<bool> {
    let Some(f) = member_fields(row) else {
        return Ok(false);
    };
    insert(conn, org_key, &f, &serde_json::to_string(row)?)?;
    Ok(true)
}

/// Makes the organization's member rows exactly `members` (unique row keys). A sync mostly finds the
/// rows it found last time, so rather than deleting and rewriting every row, rows whose record is
/// unchanged are left alone, changed ones are updated in place, and only the rest are deleted or
/// inserted. Each row's other columns follow from its record, so an equal `json` means an equal row.
pub(super) fn replace_members(
    conn: &Connection,
    org_key: i64,
    members: &[(MemberFields, &MemberRow)],
) -> Result<()> {
    let mut old: HashMap<String, (i64, String)> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached("SELECT rowid, row_key, json FROM members WHERE org_key = ?1")?;
        let mut rows = stmt.query([org_key])?;
        while let Some(r) = rows.next()? {
            old.insert(r.get(1)?, (r.get(0)?, r.get(2)?));
        }
    }
    if old.is_empty() {
        for (f, row) in members {
            insert(conn, org_key, f, &serde_json::to_string(row)?)?;
        }
        return Ok(());
    }
    // Each new row with its record and, when a row with its key is cached, that row's rowid and
    // whether its record is unchanged.
    let mut rows = Vec::with_capacity(members.len());
    let mut unchanged = 0usize;
    for (f, row) in members {
        let json = serde_json::to_string(row)?;
        let found = old.remove(&f.row_key).map(|(rowid, old_json)| (rowid, old_json == json));
        unchanged += usize::from(matches!(found, Some((_, true))));
        rows.push((f, json, found));
    }
    if unchanged < members.len() / 2 {
        // Mostly new or changed rows: deleting every row at once and writing them all afresh is quicker.
        conn.prepare_cached("DELETE FROM members WHERE org_key = ?1")?.execute([org_key])?;
        for (f, json, _) in rows {
            insert(conn, org_key, f, &json)?;
        }
        return Ok(());
    }
    if !old.is_empty() {
        let mut stmt = conn.prepare_cached("DELETE FROM members WHERE rowid = ?1")?;
        let mut gone: Vec<i64> = old.into_values().map(|(rowid, _)| rowid).collect();
        gone.sort_unstable();
        for rowid in gone {
            stmt.execute([rowid])?;
        }
    }
    let mut update = conn.prepare_cached(
        "UPDATE members SET kind = ?2, name_lc = ?3, search = ?4, roles_lc = ?5, email_lc = ?6,
            username_lc = ?7, user_name_lc = ?8, person_lc = ?9, json = ?10 WHERE rowid = ?1",
    )?;
    for (f, json, found) in rows {
        match found {
            Some((_, true)) => {}
            Some((rowid, false)) => {
                update.execute(params![
                    rowid,
                    f.kind.as_str(),
                    f.name_lc,
                    f.search,
                    f.roles_lc,
                    f.email_lc,
                    f.username_lc,
                    f.user_name_lc,
                    f.person_lc,
                    json
                ])?;
            }
            None => insert(conn, org_key, f, &json)?,
        }
    }
    Ok(())
}

/// Fills the lookup columns of every cached user and service account from its record (schema 3). A
/// record that does not parse keeps them empty: that member is found again after the next sync.
pub(super) fn fill_lookup_columns(conn: &Connection) -> Result<()> {
    let mut filled = Vec::new();
    {
        let mut stmt =
            conn.prepare("SELECT rowid, json FROM members WHERE kind IN ('user', 'service_account')")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let rowid: i64 = r.get(0)?;
            let json: String = r.get(1)?;
            if let Some(f) = serde_json::from_str::<MemberRow>(&json).ok().as_ref().and_then(member_fields) {
                filled.push((rowid, f));
            }
        }
    }
    let mut update = conn
        .prepare("UPDATE members SET email_lc = ?2, username_lc = ?3, user_name_lc = ?4 WHERE rowid = ?1")?;
    for (rowid, f) in filled {
        update.execute(params![rowid, f.email_lc, f.username_lc, f.user_name_lc])?;
    }
    Ok(())
}

/// Fills `person_lc` of every cached user, service account and invitation from its record (schema 4).
/// A record that does not parse keeps it empty: that row is found again after the next sync.
pub(super) fn fill_person_column(conn: &Connection) -> Result<()> {
    let mut filled = Vec::new();
    {
        let mut stmt = conn.prepare("SELECT rowid, json FROM members WHERE kind <> 'team'")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let rowid: i64 = r.get(0)?;
            let json: String = r.get(1)?;
            if let Some(f) = serde_json::from_str::<MemberRow>(&json).ok().as_ref().and_then(member_fields) {
                filled.push((rowid, f.person_lc));
            }
        }
    }
    let mut update = conn.prepare("UPDATE members SET person_lc = ?2 WHERE rowid = ?1")?;
    for (rowid, person) in filled {
        update.execute(params![rowid, person])?;
    }
    Ok(())
}
