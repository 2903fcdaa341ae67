//! What the access review and the exports read across every cached organization of every signed-in
//! account: each organization with when its member and invitation lists were fetched (and why their
//! last refresh failed), and, in one pass each, the users and service accounts, the invitations that
//! are pending or expired, and the roles defined there.

use chrono::{DateTime, Utc};
use rusqlite::params;
use uuid::Uuid;
use zenml_cloud_api::{Invitation, MemberRow, Role};

use super::{parse_ts, uuid, Cache, Result};

/// The organizations of signed-in accounts, by their key.
const SIGNED_IN_KEYS: &str =
    "SELECT o.key FROM organizations o JOIN accounts a ON a.id = o.account_id WHERE a.signed_in = 1";

/// One cached organization of a signed-in account, with how fresh its lists are.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewOrgRow {
    /// The organization's key inside the cache (what the rows below refer to).
    pub key: i64,
    pub account_id: String,
    pub org_id: Uuid,
    pub org_name: String,
    /// When its member list and its invitation list were last fetched (the organization's own time
    /// when a list never was).
    pub members_at: DateTime<Utc>,
    pub invitations_at: DateTime<Utc>,
    /// Why the last refresh of its members or invitations, or of its account's organizations, failed.
    pub failure: Option<String>,
    /// The server answered 403 to its member list: who is in it is not known.
    pub members_hidden: bool,
}

/// A user's or service account's member row, with who they are as a person (`person_lc`).
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewMember {
    pub org_key: i64,
    pub person: Option<String>,
    pub row: MemberRow,
    /// They are in this organization and in no other of the group asked for.
    pub only_in_group: bool,
}

/// Everything an access review looks at.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReviewData {
    /// By organization name, then account (its label), then account id.
    pub orgs: Vec<ReviewOrgRow>,
    pub members: Vec<ReviewMember>,
    /// Invitations pending (or without a status) and expired, by organization.
    pub invitations: Vec<(i64, Invitation)>,
    /// The roles defined in each organization.
    pub roles: Vec<(i64, Role)>,
}

/// An organization's columns as read: key, account, id, name, the two lists' times, a failure, hidden.
type RawOrg = (i64, String, String, String, String, String, Option<String>, bool);

/// The time a list of the organization `o` was fetched (`?` is the list's entity).
fn list_time(entity: &str) -> String {
    format!(
        "COALESCE((SELECT s.fetched_at FROM sync_state s WHERE s.account_id = o.account_id
                   AND s.org_id = o.id AND s.entity = '{entity}' AND s.fetched_at IS NOT NULL), o.fetched_at)"
    )
}

impl Cache {
    /// The organizations of every signed-in account, with when their lists were fetched: by
    /// organization name, then account label.
    pub fn review_orgs(&self) -> Result<Vec<ReviewOrgRow>> {
        let tx = self.read_tx()?;
        let sql = format!(
            "SELECT o.key, o.account_id, o.id, o.name, {members}, {invitations},
                COALESCE(
                  (SELECT COALESCE(f.error, 'the last refresh failed') FROM sync_state f
                    WHERE f.account_id = o.account_id AND f.org_id = o.id
                      AND f.entity IN ('members', 'invitations') AND f.outcome = 'error' LIMIT 1),
                  (SELECT COALESCE(f.error, 'the last refresh failed') FROM sync_state f
                    WHERE f.account_id = o.account_id AND f.org_id = '' AND f.entity = 'organizations'
                      AND f.outcome = 'error')),
                EXISTS (SELECT 1 FROM sync_state h WHERE h.account_id = o.account_id AND h.org_id = o.id
                          AND h.entity = 'members' AND h.hidden = 1)
               FROM organizations o JOIN accounts a ON a.id = o.account_id
              WHERE a.signed_in = 1
              ORDER BY o.name, COALESCE(a.user_email, a.user_name, a.base_url), o.account_id",
            members = list_time("members"),
            invitations = list_time("invitations"),
        );
        let raw: Vec<RawOrg> = tx
            .prepare(&sql)?
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        tx.commit()?;
        raw.into_iter()
            .map(|(key, account_id, id, org_name, m, i, failure, members_hidden)| {
                Ok(ReviewOrgRow {
                    key,
                    account_id,
                    org_id: uuid(&id)?,
                    org_name,
                    members_at: parse_ts(&m)?,
                    invitations_at: parse_ts(&i)?,
                    failure,
                    members_hidden,
                })
            })
            .collect()
    }

    /// What an access review reads of `orgs` (as [`Cache::review_orgs`] gave them), in one read
    /// transaction. Only the member rows it may report
    /// are read whole (the rest are passed over in SQL): service accounts, rows holding a role through
    /// a team, rows whose roles name one of `always` or a role of an organization that `watch` picks
    /// (role names, compared lower-cased), and the rows
    /// of people in only one organization of `group` (ids; an organization seen by several accounts
    /// counts once). A row whose record does not parse is left out (it is read again after the next
    /// sync).
    pub fn review_data(
        &self,
        orgs: Vec<ReviewOrgRow>,
        always: &[&str],
        watch: &dyn Fn(&Role) -> bool,
        group: &[Uuid],
    ) -> Result<ReviewData> {
        let tx = self.read_tx()?;
        let roles: Vec<(i64, Role)> = keyed_json(
            &tx,
            &format!(
                "SELECT org_key, json FROM roles WHERE org_key IN ({SIGNED_IN_KEYS}) ORDER BY org_key, name"
            ),
        )?;
        let mut watched: Vec<String> = always
            .iter()
            .copied()
            .chain(roles.iter().filter(|(_, r)| watch(r)).map(|(_, r)| r.name.as_str()))
            .map(|name| format!("\n{}\n", name.trim().to_lowercase()))
            .collect();
        watched.sort_unstable();
        watched.dedup();
        let group: Vec<String> = group.iter().map(Uuid::to_string).collect();
        let mut members = Vec::new();
        {
            // One `instr` per watched name: a handful, known before the query.
            let watched_sql: String =
                (0..watched.len()).map(|i| format!(" OR instr(m.roles_lc, ?{}) > 0", i + 2)).collect();
            let mut stmt = tx.prepare(&format!(
                "WITH grp AS (SELECT o.key FROM organizations o JOIN accounts a ON a.id = o.account_id
                               WHERE a.signed_in = 1 AND o.id IN (SELECT value FROM json_each(?1))),
                      only AS (SELECT m.person_lc FROM members m JOIN organizations o ON o.key = m.org_key
                                WHERE m.org_key IN (SELECT key FROM grp) AND m.person_lc IS NOT NULL
                                  AND m.kind IN ('user', 'service_account')
                                GROUP BY m.person_lc HAVING COUNT(DISTINCT o.id) = 1)
                 SELECT m.org_key, m.person_lc, m.json,
                        m.org_key IN (SELECT key FROM grp) AND m.person_lc IN (SELECT person_lc FROM only)
                   FROM members m
                  WHERE m.org_key IN ({SIGNED_IN_KEYS}) AND m.kind IN ('user', 'service_account')
                    AND (m.kind = 'service_account'{watched_sql}
                         OR instr(m.json, '\"via_team\":true') > 0
                         OR instr(m.json, '\"is_active\":false') > 0
                         OR (m.org_key IN (SELECT key FROM grp)
                             AND m.person_lc IN (SELECT person_lc FROM only)))"
            ))?;
            let group = serde_json::to_string(&group)?;
            let mut bound: Vec<&dyn rusqlite::ToSql> = vec![&group];
            bound.extend(watched.iter().map(|w| w as &dyn rusqlite::ToSql));
            let mut rows = stmt.query(bound.as_slice())?;
            while let Some(r) = rows.next()? {
                let json = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
                if let Ok(row) = serde_json::from_str::<MemberRow>(json) {
                    members.push(ReviewMember {
                        org_key: r.get(0)?,
                        person: r.get(1)?,
                        row,
                        only_in_group: r.get(3)?,
                    });
                }
            }
        }
        let invitations = keyed_json(
            &tx,
            &format!(
                "SELECT org_key, json FROM invitations WHERE org_key IN ({SIGNED_IN_KEYS})
                   AND (status IS NULL OR status IN ('pending', 'expired')) ORDER BY org_key, email, id"
            ),
        )?;
        tx.commit()?;
        Ok(ReviewData { orgs, members, invitations, roles })
    }
}

/// Rows of `(org_key, json)`, each record parsed; one that does not parse is left out.
fn keyed_json<T: serde::de::DeserializeOwned>(
    conn: &rusqlite::Connection,
    sql: &str,
) -> Result<Vec<(i64, T)>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params![])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let json = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        if let Ok(value) = serde_json::from_str(json) {
            out.push((r.get(0)?, value));
        }
    }
    Ok(out)
}
