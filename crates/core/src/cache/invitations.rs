//! The `invitations` table: each organization's invitations of every status, found by id or email
//! (indexed). A pending invitation also has a row among the members (see `members`). Everything an
//! invitation carries (every role with its workspace, its teams) is kept in its `json` column; no
//! query filters on those, so they need no columns of their own.

use rusqlite::{params, Connection};
use uuid::Uuid;
use zenml_cloud_api::{Invitation, InvitationStatus, MemberRole, MemberRow};

use super::members::{insert_member, invitation_key};
use super::organizations::{org_fetched_at, org_key};
use super::{json_rows, roles, Cache, Entity, Fetched, Result};

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

/// Makes the organization's invitations exactly `invitations` (their member rows come with the
/// members' list).
pub(super) fn replace(conn: &Connection, org_key: i64, invitations: &[Invitation]) -> Result<()> {
    conn.prepare_cached("DELETE FROM invitations WHERE org_key = ?1")?.execute([org_key])?;
    for inv in invitations {
        insert_invitation(conn, org_key, inv)?;
    }
    Ok(())
}

impl Cache {
    /// The organization's invitations, ordered by email; with `only_pending`, those still waiting for an
    /// answer (a record without a status counts as pending).
    pub fn invitations(
        &self,
        account_id: &str,
        org_id: Uuid,
        only_pending: bool,
    ) -> Result<Fetched<Vec<Invitation>>> {
        let filter = if only_pending { "AND (status = 'pending' OR status IS NULL)" } else { "" };
        self.org_list(account_id, org_id, Entity::Invitations, "invitations", filter)
    }

    /// The organization's invitations whose id is `id_or_email` or whose email is it (compared without
    /// regard to ASCII case), ordered by email, through the indexes: the whole list is not read.
    /// `NotFound` when the organization is not cached.
    pub fn invitations_matching(
        &self,
        account_id: &str,
        org_id: Uuid,
        id_or_email: &str,
    ) -> Result<Vec<Invitation>> {
        let tx = self.read_tx()?;
        let (key, _) = org_fetched_at(&tx, account_id, &org_id.to_string())?;
        let found = json_rows(
            &tx,
            "SELECT json FROM invitations WHERE org_key = ?1 AND (id = ?2 OR email = ?2 COLLATE NOCASE)
             ORDER BY email, id",
            params![key, id_or_email],
        )?;
        tx.commit()?;
        Ok(found)
    }

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
            // Its row among the members lists its organization roles; workspace roles and teams stay
            // with the invitation (its `json`).
            for r in inv.organization_roles() {
                let known = roles::name_and_level(&tx, key, r.id)?;
                let level = known.as_ref().and_then(|(_, l)| *l);
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
}
