//! Organization data in the cache: snapshots written by sync, the reads the app shows, and the
//! write-through helpers that keep the cache in step after a successful server write.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;
use zenml_cloud_api::{
    Invitation, InvitationStatus, MemberRole, MemberRow, Organization, Role, RoleLevel, Team, Workspace,
};

use super::{
    entity, parse_ts, record_sync_in, require_account, ts, Cache, CacheError, Fetched, MemberKind,
    MemberPage, MemberQuery, OrgSnapshot, Result,
};

/// The columns a member row is found and sorted by, derived from its wire record.
struct MemberFields {
    row_key: String,
    kind: MemberKind,
    name_lc: String,
    search: String,
}

fn user_key(user_id: Uuid) -> String {
    format!("user:{user_id}")
}

fn invitation_key(invitation_id: Uuid) -> String {
    format!("invitation:{invitation_id}")
}

/// What a row stands for: a user (or service account), else a team, else an invitation. `None` for a row
/// with none of them, which the cache skips.
fn member_fields(row: &MemberRow) -> Option<MemberFields> {
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
    Some(MemberFields { row_key, kind, name_lc, search })
}

/// Inserts one member row (with its roles, in `json` and `roles_lc`). Returns false for a row that
/// stands for nothing.
fn insert_member(conn: &Connection, org_key: i64, row: &MemberRow) -> Result<bool> {
    let Some(f) = member_fields(row) else {
        return Ok(false);
    };
    insert_member_with(conn, org_key, &f, row)?;
    Ok(true)
}

fn insert_member_with(conn: &Connection, org_key: i64, f: &MemberFields, row: &MemberRow) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO members (org_key, row_key, kind, name_lc, search, roles_lc, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        org_key,
        f.row_key,
        f.kind.as_str(),
        f.name_lc,
        f.search,
        roles_lc(&row.roles),
        serde_json::to_string(row)?,
    ])?;
    Ok(())
}

/// Makes the organization's member rows exactly `members` (unique row keys). A sync mostly finds the
/// rows it found last time, so rather than deleting and rewriting every row, rows whose record is
/// unchanged are left alone, changed ones are updated in place, and only the rest are deleted or
/// inserted. Each row's other columns follow from its record, so an equal `json` means an equal row.
fn replace_members(conn: &Connection, org_key: i64, members: &[(MemberFields, &MemberRow)]) -> Result<()> {
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
            insert_member_with(conn, org_key, f, row)?;
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
        rows.push((f, row, json, found));
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO members (org_key, row_key, kind, name_lc, search, roles_lc, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    if unchanged < members.len() / 2 {
        // Mostly new or changed rows: deleting every row at once and writing them all afresh is quicker.
        conn.prepare_cached("DELETE FROM members WHERE org_key = ?1")?.execute([org_key])?;
        for (f, row, json, _) in rows {
            insert.execute(params![
                org_key,
                f.row_key,
                f.kind.as_str(),
                f.name_lc,
                f.search,
                roles_lc(&row.roles),
                json
            ])?;
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
        "UPDATE members SET kind = ?2, name_lc = ?3, search = ?4, roles_lc = ?5, json = ?6 WHERE rowid = ?1",
    )?;
    for (f, row, json, found) in rows {
        match found {
            Some((_, true)) => {}
            Some((rowid, false)) => {
                update.execute(params![
                    rowid,
                    f.kind.as_str(),
                    f.name_lc,
                    f.search,
                    roles_lc(&row.roles),
                    json
                ])?;
            }
            None => {
                insert.execute(params![
                    org_key,
                    f.row_key,
                    f.kind.as_str(),
                    f.name_lc,
                    f.search,
                    roles_lc(&row.roles),
                    json
                ])?;
            }
        }
    }
    Ok(())
}

/// The member's role names, lower-cased, each between newlines: `"\norganization admin\n"`.
fn roles_lc(roles: &[MemberRole]) -> String {
    let mut out = String::from("\n");
    for role in roles {
        out.push_str(&role.label().to_lowercase());
        out.push('\n');
    }
    out
}

/// Whether an invitation still waits for an answer. A record without a status counts as pending, as
/// the server lists only pending invitations among an organization's members.
fn is_pending(inv: &Invitation) -> bool {
    matches!(inv.status, None | Some(InvitationStatus::Pending))
}

fn insert_invitation(conn: &Connection, org_key: i64, inv: &Invitation) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO invitations (org_key, id, email, status, role_id, role_name, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        org_key,
        inv.id.to_string(),
        inv.email,
        inv.status.map(InvitationStatus::as_str),
        inv.role.as_ref().map(|r| r.id.to_string()),
        inv.role.as_ref().and_then(|r| r.name.clone()),
        serde_json::to_string(inv)?,
    ])?;
    Ok(())
}

/// The organization's key (see the schema), or `None` when it is not cached.
fn org_key(conn: &Connection, account_id: &str, org_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT key FROM organizations WHERE account_id = ?1 AND id = ?2")?
        .query_row([account_id, org_id], |r| r.get(0))
        .optional()?)
}

/// The organization's key and `fetched_at`, or `NotFound` when it is not cached.
fn org_fetched_at(conn: &Connection, account_id: &str, org_id: &str) -> Result<(i64, DateTime<Utc>)> {
    let found: Option<(i64, String)> = conn
        .prepare_cached("SELECT key, fetched_at FROM organizations WHERE account_id = ?1 AND id = ?2")?
        .query_row([account_id, org_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match found {
        Some((key, at)) => Ok((key, parse_ts(&at)?)),
        None => Err(CacheError::NotFound(format!("organization {org_id}"))),
    }
}

/// The organization's key, and when its list was fetched: its sync state, else the organization's own
/// time.
fn list_fetched_at(
    conn: &Connection,
    account_id: &str,
    org_id: &str,
    entity: &str,
) -> Result<(i64, DateTime<Utc>)> {
    let (key, org_at) = org_fetched_at(conn, account_id, org_id)?;
    let at: Option<String> = conn
        .prepare_cached(
            "SELECT fetched_at FROM sync_state
             WHERE account_id = ?1 AND org_id = ?2 AND entity = ?3 AND fetched_at IS NOT NULL",
        )?
        .query_row([account_id, org_id, entity], |r| r.get(0))
        .optional()?;
    let at = at.as_deref().map(parse_ts).transpose()?;
    Ok((key, at.unwrap_or(org_at)))
}

/// Runs a query whose single column is a JSON record and parses each.
fn json_rows<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(serde_json::from_str(row.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?)?);
    }
    Ok(out)
}

/// Inserts or updates the organization's record (keeping its key) and returns its key.
fn upsert_org(conn: &Connection, account_id: &str, org: &Organization, fetched_at: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO organizations (account_id, id, name, json, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account_id, id) DO UPDATE SET name = excluded.name, json = excluded.json,
                fetched_at = excluded.fetched_at
             RETURNING key",
        )?
        .query_row(
            params![account_id, org.id.to_string(), org.name, serde_json::to_string(org)?, fetched_at],
            |r| r.get(0),
        )?)
}

/// The key of organization `?2` of account `?1`, as a subquery (NULL, matching nothing, when it is not
/// cached).
const ORG_KEY: &str = "(SELECT key FROM organizations WHERE account_id = ?1 AND id = ?2)";

impl Cache {
    /// Replaces everything cached about one organization with `snapshot`, in one transaction: the
    /// organization is upserted, its workspaces, invitations, roles and teams are deleted and inserted
    /// afresh, its members are made to match the snapshot's (so records gone from the server disappear,
    /// see `replace_members`), and the sync state of each entity is
    /// recorded as fetched at `fetched_at`. Readers see the old snapshot or the new one, never a mix.
    pub fn replace_org_snapshot(
        &self,
        account_id: &str,
        snapshot: &OrgSnapshot,
        fetched_at: DateTime<Utc>,
    ) -> Result<()> {
        // The member columns are worked out before the write lock is taken.
        let mut seen = HashSet::with_capacity(snapshot.members.len());
        let mut members = Vec::with_capacity(snapshot.members.len());
        for row in &snapshot.members {
            // A row the server lists twice (pages shifting under a sync) is kept once: the first.
            if let Some(f) = member_fields(row) {
                if seen.insert(f.row_key.clone()) {
                    members.push((f, row));
                }
            }
        }
        drop(seen);
        let skipped = snapshot.members.len() - members.len();
        if skipped > 0 {
            tracing::debug!(org_id = %snapshot.organization.id, skipped, "skipped empty or repeated member rows");
        }
        // In list order, so new rows and the list's index are written front to back.
        members.sort_unstable_by(|(a, _), (b, _)| (&a.name_lc, &a.row_key).cmp(&(&b.name_lc, &b.row_key)));

        let tx = self.write_tx()?;
        require_account(&tx, account_id)?;
        let key = upsert_org(&tx, account_id, &snapshot.organization, &ts(fetched_at))?;
        replace_members(&tx, key, &members)?;
        for sql in [
            "DELETE FROM workspaces WHERE org_key = ?1",
            "DELETE FROM invitations WHERE org_key = ?1",
            "DELETE FROM roles WHERE org_key = ?1",
            "DELETE FROM teams WHERE org_key = ?1",
        ] {
            tx.prepare_cached(sql)?.execute([key])?;
        }
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO workspaces (org_key, id, name, status, json) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for ws in &snapshot.workspaces {
                stmt.execute(params![
                    key,
                    ws.id.to_string(),
                    ws.name,
                    ws.status.as_str(),
                    serde_json::to_string(ws)?
                ])?;
            }
        }
        for inv in &snapshot.invitations {
            insert_invitation(&tx, key, inv)?;
        }
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO roles (org_key, id, name, level, json) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for role in &snapshot.roles {
                stmt.execute(params![
                    key,
                    role.id.to_string(),
                    role.name,
                    role.level.map_or("", RoleLevel::as_str),
                    serde_json::to_string(role)?
                ])?;
            }
        }
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR REPLACE INTO teams (org_key, id, name, json) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for team in &snapshot.teams {
                stmt.execute(params![key, team.id.to_string(), team.name, serde_json::to_string(team)?])?;
            }
        }
        for e in entity::OF_ORG {
            let read = snapshot.reads.get(e).unwrap_or(&super::NOTHING_TO_NOTE);
            record_sync_in(&tx, account_id, Some(snapshot.organization.id), e, fetched_at, Ok(read))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes the account's cached organizations that are not in `keep` (gone from the server, or no
    /// longer visible), with all their data and sync state. Returns how many were deleted.
    pub fn retain_organizations(&self, account_id: &str, keep: &[Uuid]) -> Result<usize> {
        let tx = self.write_tx()?;
        let keep: HashSet<String> = keep.iter().map(Uuid::to_string).collect();
        let cached: Vec<String> = {
            let mut stmt = tx.prepare("SELECT id FROM organizations WHERE account_id = ?1")?;
            let rows = stmt.query_map([account_id], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut removed = 0;
        for id in cached.iter().filter(|id| !keep.contains(*id)) {
            // The organization's data goes with it (ON DELETE CASCADE).
            removed +=
                tx.execute("DELETE FROM organizations WHERE account_id = ?1 AND id = ?2", [account_id, id])?;
            tx.execute("DELETE FROM sync_state WHERE account_id = ?1 AND org_id = ?2", [account_id, id])?;
        }
        tx.commit()?;
        Ok(removed)
    }

    /// The account's cached organizations, ordered by name.
    pub fn organizations(&self, account_id: &str) -> Result<Vec<Fetched<Organization>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT json, fetched_at FROM organizations WHERE account_id = ?1 ORDER BY name, id",
        )?;
        let rows = stmt.query_map([account_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (json, at) = row?;
            out.push(Fetched { value: serde_json::from_str(&json)?, fetched_at: parse_ts(&at)? });
        }
        Ok(out)
    }

    /// One cached organization, by id or by name.
    pub fn organization(&self, account_id: &str, id_or_name: &str) -> Result<Option<Fetched<Organization>>> {
        let key =
            Uuid::parse_str(id_or_name).map(|u| u.to_string()).unwrap_or_else(|_| id_or_name.to_owned());
        let row: Option<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT json, fetched_at FROM organizations WHERE account_id = ?1 AND (id = ?2 OR name = ?2)
                 ORDER BY id = ?2 DESC LIMIT 1",
            )?
            .query_row([account_id, &key], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(json, at)| Ok(Fetched { value: serde_json::from_str(&json)?, fetched_at: parse_ts(&at)? }))
            .transpose()
    }

    /// The organization's workspaces, ordered by name.
    pub fn workspaces(&self, account_id: &str, org_id: Uuid) -> Result<Fetched<Vec<Workspace>>> {
        self.org_list(account_id, org_id, entity::WORKSPACES, "workspaces", "")
    }

    /// The organization's roles, ordered by name.
    pub fn roles(&self, account_id: &str, org_id: Uuid) -> Result<Fetched<Vec<Role>>> {
        self.org_list(account_id, org_id, entity::ROLES, "roles", "")
    }

    /// The organization's teams, ordered by name.
    pub fn teams(&self, account_id: &str, org_id: Uuid) -> Result<Fetched<Vec<Team>>> {
        self.org_list(account_id, org_id, entity::TEAMS, "teams", "")
    }

    /// The organization's invitations, ordered by email; with `only_pending`, those still waiting for an
    /// answer (a record without a status counts as pending).
    pub fn invitations(
        &self,
        account_id: &str,
        org_id: Uuid,
        only_pending: bool,
    ) -> Result<Fetched<Vec<Invitation>>> {
        let filter = if only_pending { "AND (status = 'pending' OR status IS NULL)" } else { "" };
        self.org_list(account_id, org_id, entity::INVITATIONS, "invitations", filter)
    }

    fn org_list<T: serde::de::DeserializeOwned>(
        &self,
        account_id: &str,
        org_id: Uuid,
        entity: &str,
        table: &str,
        filter: &str,
    ) -> Result<Fetched<Vec<T>>> {
        let order = if table == "invitations" { "email" } else { "name" };
        let tx = self.read_tx()?;
        let (key, fetched_at) = list_fetched_at(&tx, account_id, &org_id.to_string(), entity)?;
        let value = json_rows(
            &tx,
            &format!("SELECT json FROM {table} WHERE org_key = ?1 {filter} ORDER BY {order}, id"),
            [key],
        )?;
        tx.commit()?;
        Ok(Fetched { value, fetched_at })
    }

    /// A filtered page of the organization's members (users, service accounts, teams and pending
    /// invitations), ordered by name, with the total that match.
    pub fn members(&self, account_id: &str, org_id: Uuid, q: &MemberQuery) -> Result<Fetched<MemberPage>> {
        const WHERE: &str = "WHERE m.org_key = ?1
            AND (?2 IS NULL OR instr(m.search, ?2) > 0)
            AND (?3 IS NULL OR m.kind = ?3)
            AND (?4 IS NULL OR instr(m.roles_lc, ?4) > 0)";
        let search = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        let role = q
            .role
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|r| format!("\n{}\n", r.to_lowercase()));
        let kind = q.kind.map(MemberKind::as_str);
        let limit = q.limit.map(|l| l.min(i64::MAX as usize) as i64).unwrap_or(-1);
        let offset = q.offset.min(i64::MAX as usize) as i64;

        let tx = self.read_tx()?;
        let (key, fetched_at) = list_fetched_at(&tx, account_id, &org_id.to_string(), entity::MEMBERS)?;
        let total: i64 = tx
            .prepare_cached(&format!("SELECT COUNT(*) FROM members m {WHERE}"))?
            .query_row(params![key, search, kind, role], |r| r.get(0))?;
        let rows = json_rows(
            &tx,
            &format!("SELECT m.json FROM members m {WHERE} ORDER BY m.name_lc, m.row_key LIMIT ?5 OFFSET ?6"),
            params![key, search, kind, role, limit, offset],
        )?;
        tx.commit()?;
        Ok(Fetched { value: MemberPage { rows, total: total as usize }, fetched_at })
    }

    /// The names of the roles `user_id` holds in the organization (directly or through a team), for
    /// gating actions in the app, each once and in order. Empty when the user is not a cached member.
    pub fn my_roles(&self, account_id: &str, org_id: Uuid, user_id: Uuid) -> Result<Vec<String>> {
        let json: Option<String> = self
            .conn
            .prepare_cached(&format!("SELECT json FROM members WHERE org_key = {ORG_KEY} AND row_key = ?3"))?
            .query_row([account_id, &org_id.to_string(), &user_key(user_id)], |r| r.get(0))
            .optional()?;
        let Some(json) = json else {
            return Ok(Vec::new());
        };
        let row: MemberRow = serde_json::from_str(&json)?;
        let mut names: Vec<String> = row.roles.iter().map(MemberRole::label).collect();
        names.sort_unstable();
        names.dedup();
        Ok(names)
    }

    // ----- write-through -----

    /// Stores an invitation the server created or changed. A pending invitation also gets (or updates)
    /// its row among the members; any other status removes that row.
    pub fn put_invitation(&self, account_id: &str, org_id: Uuid, inv: &Invitation) -> Result<()> {
        let tx = self.write_tx()?;
        let (key, _) = org_fetched_at(&tx, account_id, &org_id.to_string())?;
        insert_invitation(&tx, key, inv)?;
        tx.execute(
            "DELETE FROM members WHERE org_key = ?1 AND row_key = ?2",
            params![key, invitation_key(inv.id)],
        )?;
        if is_pending(inv) {
            let mut roles = Vec::new();
            for r in inv.all_roles() {
                let known: Option<(String, String)> = tx
                    .query_row(
                        "SELECT name, level FROM roles WHERE org_key = ?1 AND id = ?2",
                        params![key, r.id.to_string()],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                    .optional()?;
                let level =
                    known.as_ref().map(|(_, l)| RoleLevel::parse(l)).filter(|l| *l != RoleLevel::Other);
                let name = r.name.clone().or_else(|| known.map(|(n, _)| n));
                roles.push(MemberRole { role_id: r.id, name, level, via_team: false });
            }
            let row = MemberRow { user: None, team: None, invitation: Some(inv.clone()), roles };
            insert_member(&tx, key, &row)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Forgets a revoked invitation, and its row among the members.
    pub fn remove_invitation(&self, account_id: &str, org_id: Uuid, invitation_id: Uuid) -> Result<()> {
        let tx = self.write_tx()?;
        let org = org_id.to_string();
        if let Some(key) = org_key(&tx, account_id, &org)? {
            tx.execute(
                "DELETE FROM invitations WHERE org_key = ?1 AND id = ?2",
                params![key, invitation_id.to_string()],
            )?;
            tx.execute(
                "DELETE FROM members WHERE org_key = ?1 AND row_key = ?2",
                params![key, invitation_key(invitation_id)],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Sets the full list of roles a user (or service account) holds in the organization, after the
    /// server accepted the change. A user who is not a cached member is left to the next sync.
    pub fn set_member_roles(
        &self,
        account_id: &str,
        org_id: Uuid,
        user_id: Uuid,
        roles: &[MemberRole],
    ) -> Result<()> {
        let tx = self.write_tx()?;
        let row_key = user_key(user_id);
        let found: Option<(i64, String)> = tx
            .query_row(
                &format!("SELECT org_key, json FROM members WHERE org_key = {ORG_KEY} AND row_key = ?3"),
                [account_id, &org_id.to_string(), &row_key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((key, json)) = found else {
            return Ok(());
        };
        let mut row: MemberRow = serde_json::from_str(&json)?;
        row.roles = roles.to_vec();
        tx.execute(
            "UPDATE members SET json = ?3, roles_lc = ?4 WHERE org_key = ?1 AND row_key = ?2",
            params![key, row_key, serde_json::to_string(&row)?, roles_lc(roles)],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Forgets a user removed from the organization (with their roles).
    pub fn remove_member(&self, account_id: &str, org_id: Uuid, user_id: Uuid) -> Result<()> {
        self.conn.execute(
            &format!("DELETE FROM members WHERE org_key = {ORG_KEY} AND row_key = ?3"),
            [account_id, &org_id.to_string(), &user_key(user_id)],
        )?;
        Ok(())
    }

    /// Stores an organization record the server returned after a rename or a new description, keeping
    /// when it was fetched (a new organization is stamped now).
    pub fn put_organization(&self, account_id: &str, org: &Organization) -> Result<()> {
        let tx = self.write_tx()?;
        require_account(&tx, account_id)?;
        tx.execute(
            "INSERT INTO organizations (account_id, id, name, json, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (account_id, id) DO UPDATE SET name = excluded.name, json = excluded.json",
            params![account_id, org.id.to_string(), org.name, serde_json::to_string(org)?, ts(Utc::now())],
        )?;
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{AccountRecord, AuthMethod};
    use serde_json::json;

    fn rows(ids: std::ops::Range<u128>, role: &str) -> Vec<MemberRow> {
        ids.map(|i| {
            serde_json::from_value(json!({
                "user": {"id": Uuid::from_u128(i), "name": format!("User {i:05}")},
                "roles": [{"role_id": Uuid::from_u128(1), "name": role, "via_team": false}]
            }))
            .expect("a row")
        })
        .collect()
    }

    /// Snapshots that share some, most or none of their rows with the cached one, each leave exactly
    /// their own rows (whichever way `replace_members` takes).
    #[test]
    fn replacing_overlapping_member_snapshots_keeps_exactly_the_new_rows() {
        let cache = Cache::open_in_memory().unwrap();
        let now = Utc::now();
        let user = Uuid::from_u128(7);
        let acc = crate::cache::account_id("https://test.example", user);
        cache
            .upsert_account(&AccountRecord {
                id: acc.clone(),
                base_url: "https://test.example".into(),
                user_id: user,
                user_email: None,
                user_name: None,
                auth_method: AuthMethod::Device,
                device_id: None,
                token_expires_at: None,
                created_at: now,
                last_used_at: now,
                signed_in: true,
            })
            .unwrap();
        let oid = Uuid::from_u128(100);
        let organization: Organization = serde_json::from_value(json!({
            "id": oid, "name": "acme", "created": "2024-01-01T00:00:00Z", "updated": "2024-01-01T00:00:00Z"
        }))
        .unwrap();
        let mut snap = OrgSnapshot {
            organization,
            workspaces: vec![],
            members: vec![],
            invitations: vec![],
            roles: vec![],
            teams: vec![],
            reads: Default::default(),
        };
        let steps: Vec<Vec<MemberRow>> = vec![
            rows(1000..1050, "Viewer"),
            rows(1000..1400, "Viewer"),
            rows(1000..1007, "Viewer"),
            [rows(1000..1300, "Viewer"), rows(1300..1310, "Admin")].concat(),
            [rows(1000..1290, "Viewer"), rows(1290..1310, "Admin"), rows(2000..2030, "Viewer")].concat(),
            rows(3000..3100, "Admin"),
            rows(3000..3100, "Admin"),
        ];
        for members in steps {
            snap.members = members;
            cache.replace_org_snapshot(&acc, &snap, now).unwrap();
            let mut want = snap.members.clone();
            want.sort_by_key(|r| r.user.as_ref().unwrap().id);
            let got = cache.members(&acc, oid, &MemberQuery::default()).unwrap().value;
            assert_eq!(got.total, want.len());
            assert_eq!(got.rows, want, "names sort as ids do");
            for row in &want {
                let roles = cache.my_roles(&acc, oid, row.user.as_ref().unwrap().id).unwrap();
                assert_eq!(roles, [row.roles[0].label()]);
            }
            let admins = MemberQuery { role: Some("admin".into()), ..Default::default() };
            let want_admins = want.iter().filter(|r| r.roles[0].name.as_deref() == Some("Admin")).count();
            assert_eq!(cache.members(&acc, oid, &admins).unwrap().value.total, want_admins);
        }
    }
}
