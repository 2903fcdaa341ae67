//! The `members` table: each organization's users, service accounts, teams and pending invitations,
//! read as filtered pages, and single users found by id, email, username or name through indexes.
//! How a record becomes a row is in `member_rows`.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zenml_cloud_api::{MemberRole, MemberRow};

pub(super) use super::member_rows::{insert_member, invitation_key, member_fields, replace_members};
use super::member_rows::{lookup_lc, roles_lc, user_key};
use super::organizations::{org_fetched_at, ORG_KEY};
use super::sync_state::list_fetched_at;
use super::{json_rows, Cache, Entity, Fetched, Result};

/// What a member row stands for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MemberKind {
    /// A person with an account.
    #[default]
    User,
    /// An account for a machine (pipelines, CI), not a person.
    ServiceAccount,
    /// A team: its roles are held by each of its members.
    Team,
    /// Someone invited who has not answered yet.
    Invitation,
}

impl MemberKind {
    /// The value stored in the cache.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::ServiceAccount => "service_account",
            Self::Team => "team",
            Self::Invitation => "invitation",
        }
    }
}

/// A filtered, paged read of an organization's members.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberQuery {
    /// Case-insensitive substring of the name, email or username.
    pub search: Option<String>,
    /// Only rows holding this role (by name, case-insensitive; direct or through a team).
    pub role: Option<String>,
    pub kind: Option<MemberKind>,
    pub offset: usize,
    /// At most this many rows; `None` for all.
    pub limit: Option<usize>,
}

/// One page of members, ordered by name, and how many match in all.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MemberPage {
    pub rows: Vec<MemberRow>,
    pub total: usize,
}

/// A field of a user (or service account) that finds its member row ([`Cache::user_members_by`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UserField {
    Email,
    Username,
    /// The user's own name (not the username it falls back to in lists).
    Name,
}

impl UserField {
    fn column(self) -> &'static str {
        match self {
            Self::Email => "email_lc",
            Self::Username => "username_lc",
            Self::Name => "user_name_lc",
        }
    }
}

impl Cache {
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
        let (key, fetched_at) = list_fetched_at(&tx, account_id, &org_id.to_string(), Entity::Members)?;
        let rows: Vec<MemberRow> = json_rows(
            &tx,
            &format!("SELECT m.json FROM members m {WHERE} ORDER BY m.name_lc, m.row_key LIMIT ?5 OFFSET ?6"),
            params![key, search, kind, role, limit, offset],
        )?;
        // A page that is not full, and not past the end, says the total itself; otherwise the rows are
        // counted, or the count remembered since the last write is used.
        let short = q.limit.is_none_or(|l| rows.len() < l) && (!rows.is_empty() || q.offset == 0);
        let total = if short {
            q.offset.saturating_add(rows.len())
        } else {
            self.member_totals.get_or_count(&tx, (key, search.clone(), kind, role.clone()), || {
                let n: i64 = tx
                    .prepare_cached(&format!("SELECT COUNT(*) FROM members m {WHERE}"))?
                    .query_row(params![key, search, kind, role], |r| r.get(0))?;
                Ok(n as usize)
            })?
        };
        tx.commit()?;
        Ok(Fetched { value: MemberPage { rows, total }, fetched_at })
    }

    /// How many members of each kind the organization has (kinds it has none of are left out): one
    /// pass over its rows for every kind.
    pub fn member_counts(&self, account_id: &str, org_id: Uuid) -> Result<Fetched<Vec<(MemberKind, usize)>>> {
        let tx = self.read_tx()?;
        let (key, fetched_at) = list_fetched_at(&tx, account_id, &org_id.to_string(), Entity::Members)?;
        let mut counts = Vec::new();
        {
            let mut stmt =
                tx.prepare_cached("SELECT kind, COUNT(*) FROM members WHERE org_key = ?1 GROUP BY kind")?;
            let mut rows = stmt.query([key])?;
            while let Some(r) = rows.next()? {
                let kind = match r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)? {
                    "user" => MemberKind::User,
                    "service_account" => MemberKind::ServiceAccount,
                    "team" => MemberKind::Team,
                    _ => MemberKind::Invitation,
                };
                counts.push((kind, r.get::<_, i64>(1)? as usize));
            }
        }
        tx.commit()?;
        Ok(Fetched { value: counts, fetched_at })
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

    /// The member row of the user (or service account) `user_id`, if cached: one indexed row.
    /// `NotFound` when the organization is not cached.
    pub fn user_member(&self, account_id: &str, org_id: Uuid, user_id: Uuid) -> Result<Option<MemberRow>> {
        let tx = self.read_tx()?;
        let (key, _) = org_fetched_at(&tx, account_id, &org_id.to_string())?;
        let mut found = json_rows(
            &tx,
            "SELECT json FROM members WHERE org_key = ?1 AND row_key = ?2",
            params![key, user_key(user_id)],
        )?;
        tx.commit()?;
        Ok(found.pop())
    }

    /// The users (and service accounts) whose `field`, trimmed, equals `value` trimmed, both compared
    /// lower-cased, in list order: an indexed read of the matching rows only. `NotFound` when the
    /// organization is not cached.
    pub fn user_members_by(
        &self,
        account_id: &str,
        org_id: Uuid,
        field: UserField,
        value: &str,
    ) -> Result<Vec<MemberRow>> {
        let tx = self.read_tx()?;
        let (key, _) = org_fetched_at(&tx, account_id, &org_id.to_string())?;
        let column = field.column();
        let found = json_rows(
            &tx,
            &format!(
                "SELECT json FROM members WHERE org_key = ?1 AND {column} = ?2 ORDER BY name_lc, row_key"
            ),
            params![key, lookup_lc(value)],
        )?;
        tx.commit()?;
        Ok(found)
    }

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{AccountRecord, AuthMethod, OrgSnapshot};
    use chrono::Utc;
    use serde_json::json;
    use zenml_cloud_api::Organization;

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

    /// A cache with one signed-in account; its id.
    fn cache_with_account(cache: &Cache) -> String {
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
        acc
    }

    /// Snapshots that share some, most or none of their rows with the cached one, each leave exactly
    /// their own rows (whichever way `replace_members` takes).
    #[test]
    fn replacing_overlapping_member_snapshots_keeps_exactly_the_new_rows() {
        let cache = Cache::open_in_memory().unwrap();
        let now = Utc::now();
        let acc = cache_with_account(&cache);
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

    fn snapshot(oid: Uuid, members: Vec<MemberRow>) -> OrgSnapshot {
        let organization: Organization = serde_json::from_value(json!({
            "id": oid, "name": "acme", "created": "2024-01-01T00:00:00Z", "updated": "2024-01-01T00:00:00Z"
        }))
        .unwrap();
        OrgSnapshot {
            organization,
            workspaces: vec![],
            members,
            invitations: vec![],
            roles: vec![],
            teams: vec![],
            reads: Default::default(),
        }
    }

    fn total(cache: &Cache, acc: &str, oid: Uuid, role: Option<&str>) -> usize {
        let q = MemberQuery { role: role.map(Into::into), limit: Some(2), ..Default::default() };
        let page = cache.members(acc, oid, &q).unwrap().value;
        assert!(page.rows.len() <= 2);
        page.total
    }

    /// A page's total is counted once and then remembered, but never past a write: each change of a
    /// role, removal and snapshot by this connection, and each write by another connection to the same
    /// file, gives the next page the new total.
    #[test]
    fn a_pages_total_follows_every_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = crate::paths::cache_path(dir.path());
        let (cache, _) = Cache::open(&path).unwrap();
        let (other, _) = Cache::open(&path).unwrap();
        let acc = cache_with_account(&cache);
        let oid = Uuid::from_u128(100);
        let now = Utc::now();
        cache.replace_org_snapshot(&acc, &snapshot(oid, rows(1000..1050, "Viewer")), now).unwrap();
        assert_eq!(total(&cache, &acc, oid, None), 50);
        assert_eq!(total(&cache, &acc, oid, None), 50, "the same again");
        assert_eq!(total(&cache, &acc, oid, Some("admin")), 0);
        let admin = [MemberRole {
            role_id: Uuid::from_u128(2),
            name: Some("Admin".into()),
            level: None,
            via_team: false,
        }];
        for (i, id) in (1000..1003).enumerate() {
            cache.set_member_roles(&acc, oid, Uuid::from_u128(id), &admin).unwrap();
            assert_eq!(total(&cache, &acc, oid, Some("admin")), i + 1);
        }
        cache.remove_member(&acc, oid, Uuid::from_u128(1000)).unwrap();
        assert_eq!(total(&cache, &acc, oid, None), 49);
        assert_eq!(total(&cache, &acc, oid, Some("admin")), 2);
        other.remove_member(&acc, oid, Uuid::from_u128(1001)).unwrap();
        assert_eq!(total(&cache, &acc, oid, None), 48, "another connection's write");
        assert_eq!(total(&cache, &acc, oid, Some("admin")), 1);
        cache.replace_org_snapshot(&acc, &snapshot(oid, rows(1000..1030, "Viewer")), now).unwrap();
        assert_eq!(total(&cache, &acc, oid, None), 30);
        assert_eq!(total(&other, &acc, oid, None), 30);
        assert_eq!(total(&cache, &acc, oid, Some("admin")), 0);
        // Past the end: no rows, and still the total.
        let q = MemberQuery { offset: 100, limit: Some(10), ..Default::default() };
        assert_eq!(cache.members(&acc, oid, &q).unwrap().value.total, 30);
        // Choosing the active organization touches no member: the totals stay good.
        cache.set_active_org(&acc, oid).unwrap();
        assert_eq!(total(&cache, &acc, oid, None), 30);
        other.remove_member(&acc, oid, Uuid::from_u128(1002)).unwrap();
        cache.set_active_org(&acc, Uuid::from_u128(5)).unwrap();
        assert_eq!(total(&cache, &acc, oid, None), 29);
        let counts = cache.member_counts(&acc, oid).unwrap().value;
        assert_eq!(counts, [(MemberKind::User, 29)]);
    }
}
