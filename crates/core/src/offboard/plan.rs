//! Making an offboarding plan: per organization, through the account best placed, the steps the
//! cache and the server show, and what cannot be done.

use std::collections::BTreeMap;

use uuid::Uuid;
use zenml_cloud_api::{MemberRole, RoleLevel};

use super::{out_of_reach, OffboardPlan};
use crate::cache::{AccountRecord, Entity, MemberKind};
use crate::error::Result;
use crate::model::account_label;
use crate::people::PersonOrg;
use crate::service::Core;
use crate::steps::{Blocked, Step, StepAction};
use crate::writes::known_to_lack;

/// A role held directly at the organization's level (what removing a member takes away).
fn direct(r: &MemberRole) -> bool {
    !r.via_team && r.level.is_none_or(|l| l == RoleLevel::Organization)
}
impl Core {
    /// The plan to offboard the person with this email from the organizations named (ids or names;
    /// empty: every cached organization of every signed-in account). The membership and invitations
    /// from the cache; the person's workspace and project roles and their teams read from the server
    /// (nothing is changed). A malformed email or an organization no signed-in account has cached is
    /// `invalid_input`; a person the cache does not know is `not_found`. What cannot be read is a
    /// [`Blocked`] entry of its organization, the rest still planned.
    pub async fn offboard_plan(&self, email: &str, orgs: &[String]) -> Result<OffboardPlan> {
        let accounts = self.signed_in_accounts(None)?;
        let targets = self.orgs_named(orgs, &accounts)?;
        let person = self.person(email)?;
        // The organizations to look at, each with the accounts that have it cached.
        let mut scope: BTreeMap<Uuid, (String, Vec<AccountRecord>)> = BTreeMap::new();
        if orgs.is_empty() {
            for a in &accounts {
                for o in self.organizations(&a.id)? {
                    let e =
                        scope.entry(o.organization.id).or_insert_with(|| (o.organization.name, Vec::new()));
                    e.1.push(a.clone());
                }
            }
        } else {
            for t in targets.iter().cloned() {
                scope.insert(t.org_id, (t.org_name, t.accounts));
            }
        }
        let mut plan = OffboardPlan {
            email: email.trim().to_owned(),
            name: person.name.clone(),
            steps: Vec::new(),
            blocked: Vec::new(),
            not_there: Vec::new(),
            organizations: scope.len(),
            fetched_at: person.fetched_at,
            stale: person.stale,
            out_of_reach: out_of_reach(),
        };
        // In the order given, else by name.
        let mut order: Vec<Uuid> = targets.iter().map(|t| t.org_id).collect();
        if order.is_empty() {
            let mut by_name: Vec<(&String, Uuid)> = scope.iter().map(|(id, (n, _))| (n, *id)).collect();
            by_name.sort();
            order = by_name.into_iter().map(|(_, id)| id).collect();
        }
        for org_id in order {
            let (org_name, org_accounts) = &scope[&org_id];
            let seen: Vec<&PersonOrg> = person
                .organizations
                .iter()
                .filter(|o| o.org_id == org_id && accounts.iter().any(|a| a.id == o.account_id))
                .collect();
            if seen.is_empty() {
                self.plan_absent(&mut plan, org_id, org_name, org_accounts, !orgs.is_empty())?;
                continue;
            }
            self.plan_org(&mut plan, &accounts, &seen).await?;
        }
        Ok(plan)
    }

    /// An organization where the cache shows nothing of the person: whether that can be trusted.
    fn plan_absent(
        &self,
        plan: &mut OffboardPlan,
        org_id: Uuid,
        org_name: &str,
        accounts: &[AccountRecord],
        named: bool,
    ) -> Result<()> {
        let mut why = None;
        for a in accounts {
            let state = self.with_cache(|c| c.sync_state(&a.id, Some(org_id), Entity::Members))?;
            match state {
                Some(st) if st.read.hidden => {
                    why = Some((
                        account_label(a),
                        "its member list is not visible to your role, so whether they are a member is not known",
                    ));
                }
                Some(st) if st.fetched_at.is_some() => {
                    if named {
                        plan.not_there.push(org_name.to_owned());
                    }
                    return Ok(());
                }
                _ => why = why.or(Some((account_label(a), "its member list is not cached: run `zpro sync`"))),
            }
        }
        if let Some((account, reason)) = why {
            plan.blocked.push(Blocked {
                org_id,
                org_name: org_name.to_owned(),
                account: Some(account),
                action: None,
                kind: None,
                target_id: None,
                label: None,
                roles: Vec::new(),
                reason: reason.to_owned(),
            });
        }
        Ok(())
    }

    /// The steps in one organization where the person appears, through the account best placed.
    async fn plan_org(
        &self,
        plan: &mut OffboardPlan,
        accounts: &[AccountRecord],
        seen: &[&PersonOrg],
    ) -> Result<()> {
        // (known to lack the right, is the person's own account, account label, entry, its roles)
        let mut ranked: Vec<(bool, bool, String, &PersonOrg, Vec<String>)> = Vec::new();
        for o in seen {
            let Some(a) = accounts.iter().find(|a| a.id == o.account_id) else { continue };
            let mine = self.my_roles(&a.id, o.org_id)?;
            let is_self = o.member_id == Some(a.user_id);
            ranked.push((known_to_lack(&mine), is_self, account_label(a), o, mine));
        }
        ranked.sort_by(|x, y| (x.0, x.1, &x.2).cmp(&(y.0, y.1, &y.2)));
        let Some((lacks, is_self, account, o, mine)) = ranked.into_iter().next() else { return Ok(()) };
        // What the cache cannot show, read from the server: not when the account may not act anyway.
        let held = match o.member_id {
            Some(member) if !lacks => Some(self.held_on_server(&o.account_id, o.org_id, member).await?),
            _ => None,
        };
        let mut items: Vec<Step> = Vec::new();
        let mut blocked: Vec<Blocked> = Vec::new();
        let block = |step: &Step, reason: String| Blocked {
            org_id: step.org_id,
            org_name: step.org_name.clone(),
            account: Some(step.account.clone()),
            action: Some(step.action),
            kind: Some(step.kind),
            target_id: step.target_id,
            label: Some(step.label.clone()),
            roles: step.roles.clone(),
            reason,
        };
        let base = |action, kind, target_id, roles: Vec<String>| Step {
            account_id: o.account_id.clone(),
            account: account.clone(),
            org_id: o.org_id,
            org_name: o.org_name.clone(),
            action,
            kind,
            target_id,
            member_id: None,
            workspace_id: None,
            project_id: None,
            on: None,
            label: plan.email.clone(),
            roles,
            note: None,
            refused: None,
        };
        let kind = if o.kind == MemberKind::ServiceAccount { o.kind } else { MemberKind::User };
        let self_note = || "this is the account's own user: afterwards it no longer sees this organization";
        let mut team_steps = 0;
        if let Some(h) = &held {
            for r in &h.roles {
                let mut step = base(StepAction::RevokeRole, kind, Some(r.role_id), vec![r.role.clone()]);
                step.member_id = o.member_id;
                step.workspace_id = r.workspace_id;
                step.project_id = r.project_id;
                step.on = Some(format!("{} on {}", r.role, r.place));
                items.push(step);
            }
            for (team_id, name) in &h.teams {
                let mut step = base(StepAction::LeaveTeam, kind, Some(*team_id), Vec::new());
                step.member_id = o.member_id;
                step.on = Some(format!("team {name}"));
                items.push(step);
                team_steps += 1;
            }
            for (action, reason) in &h.unread {
                let step = base(*action, kind, None, Vec::new());
                blocked.push(block(&step, reason.clone()));
            }
        }
        let teams_read = held.as_ref().is_some_and(|h| h.teams_read);
        if let Some(member) = o.member_id {
            let direct_roles: Vec<String> =
                o.roles.iter().filter(|r| direct(r)).map(MemberRole::label).collect();
            let through_team: Vec<String> =
                o.roles.iter().filter(|r| r.via_team).map(MemberRole::label).collect();
            let mut step = base(StepAction::RemoveMember, kind, Some(member), direct_roles.clone());
            if direct_roles.is_empty() && !through_team.is_empty() {
                // Held only through teams: leaving them takes those roles away; there is no
                // membership of their own to remove.
                if team_steps == 0 {
                    let which = if teams_read {
                        "no team visible to your role shows them"
                    } else {
                        "their teams could not be read"
                    };
                    let reason = format!(
                        "holds {} only through a team, and {which}: remove them from the team (`zpro team`)",
                        through_team.join(", ")
                    );
                    blocked.push(block(&step, reason));
                }
            } else {
                let mut notes = Vec::new();
                if !through_team.is_empty() && team_steps == 0 {
                    notes.push(format!("keeps {} through a team", through_team.join(", ")));
                }
                if is_self {
                    notes.push(self_note().into());
                }
                step.note = (!notes.is_empty()).then(|| notes.join("; "));
                items.push(step);
            }
        }
        for inv in o.invitations.iter().filter(|i| i.status == "pending" && !i.lapsed) {
            items.push(base(
                StepAction::RevokeInvitation,
                MemberKind::Invitation,
                Some(inv.id),
                inv.roles.clone(),
            ));
        }
        if lacks {
            let reason = format!(
                "your role here ({}, account {account}) does not allow removing members or revoking invitations",
                mine.join(", ")
            );
            blocked.extend(items.drain(..).map(|s| block(&s, reason.clone())));
        }
        plan.steps.extend(items);
        plan.blocked.extend(blocked);
        Ok(())
    }
}
