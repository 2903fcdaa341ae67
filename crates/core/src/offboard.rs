//! Offboarding a person in one step: in every cached organization of every signed-in account (or the
//! ones named), every workspace and project role they hold directly, every team they are in, their
//! membership, and every pending invitation of theirs, planned ([`Core::offboard_plan`]) and carried
//! out one step at a time ([`Core::offboard_run`]).
//!
//! The membership and invitations come from the cache. Role assignments and team members are not
//! cached, so the plan reads them from the server, through the account acting there: a plan that
//! cannot read them (offline, a role that may not) still lists what the cache shows, and says what
//! could not be read, and why. Within an organization the steps go: role assignments, team
//! memberships, the membership, then invitations, so nothing the person holds outlives the membership.
//! What no step can reach is said with every plan and report ([`OUT_OF_REACH`]).
//!
//! An organization seen by several accounts is acted on once, through the account best placed to:
//! one whose cached roles are not known to lack the right (see [`known_to_lack`]), preferably not the
//! person's own account, then by the account's email. What cannot be done is said per organization:
//! every account there known to lack the right, a member list not visible or never fetched, roles
//! held only through a team whose members could not be read. As for [`Core::person`], the caches of
//! signed-out accounts are not looked at.
//!
//! Runs follow `steps`: organizations are independent, so a failure in one does not stop the others,
//! but it stops the rest of its own organization (its later steps are listed as remaining, not
//! tried). Each write updates the cache at once; afterwards every organization acted on is
//! refreshed from the server as well, and one that cannot be is named in the report.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;
use zenml_cloud_api::{Assignee, InvitationStatus, MemberRole, RoleLevel, RoleScope};

use crate::cache::{AccountRecord, Entity, MemberKind};
use crate::error::{CoreError, ErrorCode, FieldMessage, Result};
use crate::model::account_label;
use crate::people::PersonOrg;
use crate::pipeline::grants::RevokeHeld;
use crate::pipeline::members::{Removal, RemoveMember, RemoveTarget, RevokeInvitation};
use crate::pipeline::teams::LeaveTeam;
use crate::service::Core;
use crate::steps::{run_steps, Blocked, Step, StepAction, StepProgress, StepReport};
use crate::writes::known_to_lack;

/// What offboarding a person would do.
#[derive(Clone, Debug, Serialize)]
pub struct OffboardPlan {
    /// The person's email as given (trimmed), and their name when known.
    pub email: String,
    pub name: Option<String>,
    /// Every write, in order: per organization, each workspace or project role, each team, the
    /// membership, then each pending invitation.
    pub steps: Vec<Step>,
    /// What cannot be done, per organization, and why.
    pub blocked: Vec<Blocked>,
    /// Organizations named on purpose where the cache has neither a membership nor a pending
    /// invitation of theirs.
    pub not_there: Vec<String>,
    /// How many organizations were looked at, and when the oldest of the person's was fetched.
    pub organizations: usize,
    pub fetched_at: Option<DateTime<Utc>>,
    pub stale: bool,
    /// What no step can reach, in plain sentences ([`OUT_OF_REACH`]).
    pub out_of_reach: Vec<String>,
}

/// What offboarding cannot reach, said with every plan and report.
pub const OUT_OF_REACH: [&str; 2] = [
    "Tokens already issued to the person stay valid until they expire, up to an hour after the offboarding.",
    "Keys of legacy workspace-level service accounts are not visible to this app: check them in each \
     workspace.",
];

fn out_of_reach() -> Vec<String> {
    OUT_OF_REACH.iter().map(|s| (*s).to_owned()).collect()
}

/// The report of an offboarding run.
pub type OffboardReport = StepReport;

/// A step's detail when the server had already done it.
pub const ALREADY_GONE: &str = "already gone";

/// What the user allowed on purpose, beyond what a run does by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Remove the acting account's own user.
    pub remove_self: bool,
    /// Remove the last holder of Organization Admin of an organization.
    pub last_admin: bool,
}

/// One step of a plan as the window showed it: what it acts on, by id (a role step also by where the
/// role applies).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepRef {
    pub org_id: Uuid,
    pub action: StepAction,
    pub target_id: Uuid,
    #[serde(default)]
    pub workspace_id: Option<Uuid>,
    #[serde(default)]
    pub project_id: Option<Uuid>,
}

impl StepRef {
    /// The reference of a planned step (`None` for a step with no target).
    pub fn of(s: &Step) -> Option<StepRef> {
        Some(StepRef {
            org_id: s.org_id,
            action: s.action,
            target_id: s.target_id?,
            workspace_id: s.workspace_id,
            project_id: s.project_id,
        })
    }
}

impl OffboardPlan {
    /// The plan narrowed to exactly these steps, in the plan's order: what the user saw and chose. A
    /// step the plan (made again from the cache now) no longer has is refused as a `conflict` naming
    /// it, and so is an empty choice: nothing is run that was not shown.
    pub fn only(mut self, chosen: &[StepRef]) -> Result<OffboardPlan> {
        if chosen.is_empty() {
            return Err(CoreError::invalid("no step chosen: nothing to do", Vec::new()));
        }
        let is = |s: &Step, r: &StepRef| StepRef::of(s).as_ref() == Some(r);
        let missing: Vec<String> = chosen
            .iter()
            .filter(|r| !self.steps.iter().any(|s| is(s, r)))
            .map(|r| {
                let place = match (r.workspace_id, r.project_id) {
                    (_, Some(p)) => format!(" on project {p}"),
                    (Some(w), None) => format!(" on workspace {w}"),
                    _ => String::new(),
                };
                format!("{} {}{place} in organization {}", r.action.as_words(), r.target_id, r.org_id)
            })
            .collect();
        if !missing.is_empty() {
            return Err(CoreError::new(
                ErrorCode::Conflict,
                format!(
                    "the plan changed since it was shown: {} is no longer in it; look at the plan again",
                    missing.join(", ")
                ),
            ));
        }
        self.steps.retain(|s| chosen.iter().any(|r| is(s, r)));
        let orgs: Vec<Uuid> = chosen.iter().map(|r| r.org_id).collect();
        self.blocked.retain(|b| orgs.contains(&b.org_id));
        Ok(self)
    }
}

/// A workspace or project role the person holds directly, read from the server.
#[derive(Clone, Debug)]
struct HeldRole {
    role_id: Uuid,
    role: String,
    workspace_id: Option<Uuid>,
    project_id: Option<Uuid>,
    /// The workspace's name (else id), or "project <id> in <workspace>".
    place: String,
}

/// What the person holds in an organization that the cache does not show.
#[derive(Clone, Debug, Default)]
struct HeldOnServer {
    roles: Vec<HeldRole>,
    /// (team id, name), by name.
    teams: Vec<(Uuid, String)>,
    /// Whether the teams' members were read.
    teams_read: bool,
    /// What could not be read (the step it would have been), and why.
    unread: Vec<(StepAction, String)>,
}

/// A refusal that asks for an override: which one is a field of the error, so the window needs no
/// words of it.
fn needs_override(which: &str, message: String) -> CoreError {
    CoreError {
        code: ErrorCode::Conflict,
        message,
        fields: vec![FieldMessage { field: "override".into(), message: which.into() }],
    }
}

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

    /// The person's workspace and project roles (held directly) and their teams in one organization,
    /// read from the server through the account: one request per workspace- or project-level role
    /// the cache knows, and one per cached team. What cannot be read is said, not an error.
    async fn held_on_server(&self, account_id: &str, org_id: Uuid, user_id: Uuid) -> Result<HeldOnServer> {
        let mut held = HeldOnServer::default();
        let could_not = |what: &str, why: &str| format!("their {what} could not be read: {why}");
        // Roles: every role that is not of the organization's level (a role without a level too).
        match self.scoped_roles_held(account_id, org_id, user_id).await {
            Ok(roles) => held.roles = roles,
            Err(why) => {
                held.unread.push((StepAction::RevokeRole, could_not("workspace and project roles", &why)))
            }
        }
        match self.teams_joined(account_id, org_id, user_id).await {
            Ok(teams) => {
                held.teams = teams;
                held.teams_read = true;
            }
            Err(why) => held.unread.push((StepAction::LeaveTeam, could_not("team memberships", &why))),
        }
        Ok(held)
    }

    async fn scoped_roles_held(
        &self,
        account_id: &str,
        org_id: Uuid,
        user_id: Uuid,
    ) -> std::result::Result<Vec<HeldRole>, String> {
        let roles = match self.roles(account_id, org_id) {
            Ok(r) if r.hidden => return Err("the organization's roles are not visible to your role".into()),
            Ok(r) => r.value,
            Err(e) => return Err(format!("the organization's roles are not cached ({})", e.message)),
        };
        let workspaces = self.workspaces(account_id, org_id).map(|w| w.value).unwrap_or_default();
        let mut out = Vec::new();
        for role in roles.iter().filter(|r| r.level != Some(RoleLevel::Organization)) {
            let (role_id, who) = (role.id, Assignee::User(user_id));
            let rows = match self
                .authed(account_id, |c, t| async move { c.holder_assignments(&t, role_id, who).await })
                .await
            {
                Ok(rows) => rows,
                // A role deleted since the cache saw it: nobody holds it.
                Err(e) if e.code == ErrorCode::NotFound => continue,
                Err(e) => return Err(e.message),
            };
            for a in rows.into_iter().filter(|a| !a.org_wide()) {
                if out.iter().any(|h: &HeldRole| {
                    h.role_id == a.role_id && h.workspace_id == a.workspace_id && h.project_id == a.project_id
                }) {
                    continue;
                }
                let ws = a.workspace_id.map(|w| {
                    workspaces.iter().find(|x| x.id == w).map_or_else(|| w.to_string(), |x| x.name.clone())
                });
                let place = match (a.project_id, ws) {
                    (Some(p), Some(ws)) => format!("project {p} in {ws}"),
                    (Some(p), None) => format!("project {p}"),
                    (None, Some(ws)) => ws,
                    (None, None) => continue,
                };
                out.push(HeldRole {
                    role_id: a.role_id,
                    role: a.role_name.clone().unwrap_or_else(|| role.name.clone()),
                    workspace_id: a.workspace_id,
                    project_id: a.project_id,
                    place,
                });
            }
        }
        out.sort_by(|a, b| (&a.place, &a.role).cmp(&(&b.place, &b.role)));
        Ok(out)
    }

    async fn teams_joined(
        &self,
        account_id: &str,
        org_id: Uuid,
        user_id: Uuid,
    ) -> std::result::Result<Vec<(Uuid, String)>, String> {
        let teams = match self.teams(account_id, org_id) {
            Ok(t) if t.hidden => return Err("the organization's teams are not visible to your role".into()),
            Ok(t) => t.value,
            Err(e) => return Err(format!("the organization's teams are not cached ({})", e.message)),
        };
        let mut out = Vec::new();
        for team in teams {
            let id = team.id;
            match self.authed(account_id, |c, t| async move { c.all_team_members(&t, id).await }).await {
                Ok(l) if l.items.iter().any(|r| r.user.as_ref().is_some_and(|u| u.id == user_id)) => {
                    out.push((team.id, team.name))
                }
                Ok(_) => {}
                // A team deleted since the cache saw it.
                Err(e) if e.code == ErrorCode::NotFound => {}
                Err(e) => return Err(e.message),
            }
        }
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// Carries out exactly the steps of an offboarding plan, one at a time, reporting each result
    /// through `progress` as it completes: see the module's docs. Stops starting steps once `cancel`
    /// fires. Each step goes through the write pipeline, so it reads its target from the server first:
    /// a member already gone is "already gone" (done, and the organization's invitation steps still
    /// run). Removing the account's own user, or the last holder of Organization Admin (as the server
    /// says right then), fails that step unless `overrides` allows it, and stops its organization.
    pub async fn offboard_run(
        &self,
        plan: &OffboardPlan,
        overrides: Overrides,
        progress: impl Fn(StepProgress),
        cancel: CancellationToken,
    ) -> OffboardReport {
        let exec = |s: Step| async move {
            let target = s.target_id.ok_or_else(|| CoreError::internal("a step without a target"))?;
            let detail = match s.action {
                StepAction::RemoveMember => {
                    self.check_overrides(&s, target, overrides).await?;
                    let write =
                        RemoveMember { target: RemoveTarget::Id { user_id: target, label: s.label.clone() } };
                    match self.run(&s.account_id, s.org_id, &write).await? {
                        Removal::Removed => None,
                        Removal::AlreadyGone => Some(ALREADY_GONE.to_owned()),
                    }
                }
                StepAction::RevokeInvitation => {
                    let id = target.to_string();
                    match self.run(&s.account_id, s.org_id, &RevokeInvitation { id_or_email: &id }).await {
                        Ok(_) => None,
                        Err(e) if e.code == ErrorCode::NotFound => Some(ALREADY_GONE.to_owned()),
                        Err(e) => return Err(e),
                    }
                }
                StepAction::RevokeRole => {
                    self.check_self(&s, overrides)?;
                    let user_id =
                        s.member_id.ok_or_else(|| CoreError::internal("a role step without a person"))?;
                    let what = s.on.clone().unwrap_or_else(|| target.to_string());
                    let write = RevokeHeld {
                        role_id: target,
                        user_id,
                        scope: RoleScope { workspace_id: s.workspace_id, project_id: s.project_id },
                        label: &s.label,
                        what: &what,
                    };
                    match self.run(&s.account_id, s.org_id, &write).await {
                        Ok(()) => None,
                        Err(e) if e.code == ErrorCode::NotFound => Some(ALREADY_GONE.to_owned()),
                        Err(e) => return Err(e),
                    }
                }
                StepAction::LeaveTeam => {
                    self.check_self(&s, overrides)?;
                    let user_id =
                        s.member_id.ok_or_else(|| CoreError::internal("a team step without a person"))?;
                    let id = target.to_string();
                    let name = s.on.as_deref().and_then(|o| o.strip_prefix("team ")).unwrap_or(&id);
                    let write = LeaveTeam { team_id: target, user_id, label: &s.label, team_name: name };
                    match self.run(&s.account_id, s.org_id, &write).await {
                        Ok(()) => None,
                        Err(e) if e.code == ErrorCode::NotFound => Some(ALREADY_GONE.to_owned()),
                        Err(e) => return Err(e),
                    }
                }
                StepAction::Invite => return Ok(None),
            };
            self.mirror(&s);
            Ok::<_, CoreError>(detail)
        };
        let mut report = run_steps(&plan.steps, &plan.blocked, progress, &cancel, |_| true, exec).await;
        report.refresh_failures = self.refresh_after(&report).await;
        report.out_of_reach = out_of_reach();
        report
    }

    /// Refuses taking a role or a team away from the acting account's own user unless the user said
    /// so, as removing it is (see [`Core::check_overrides`]).
    fn check_self(&self, s: &Step, o: Overrides) -> Result<()> {
        match s.member_id {
            Some(user_id) => self.check_own_user(s, user_id, o),
            None => Ok(()),
        }
    }

    /// Refuses acting on the acting account's own user unless the user said so.
    fn check_own_user(&self, s: &Step, user_id: Uuid, o: Overrides) -> Result<()> {
        let account = self.account(&s.account_id)?;
        if account.user_id == user_id && !o.remove_self {
            return Err(needs_override(
                "remove_self",
                format!(
                    "{} is the account you act as in {}: offboarding it takes away your own access there. \
                     Confirm it on purpose (zpro: --allow-self; the window: the checkbox)",
                    s.label, s.org_name
                ),
            ));
        }
        Ok(())
    }

    /// Refuses removing the acting account's own user, or the organization's last Organization Admin
    /// (read from the server now), unless the user said so.
    async fn check_overrides(&self, s: &Step, user_id: Uuid, o: Overrides) -> Result<()> {
        self.check_own_user(s, user_id, o)?;
        let needs = needs_override;
        if !o.last_admin {
            if let Some(admins) = self.server_admins(&s.account_id, s.org_id).await? {
                if admins == [user_id] {
                    return Err(needs(
                        "last_admin",
                        format!(
                            "{} is the last Organization Admin of {} on the server: removing them leaves no \
                             one to manage it. Confirm it on purpose (zpro: --allow-last-admin; the window: \
                             the checkbox)",
                            s.label, s.org_name
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// A step done through one account, written into the cache of every other signed-in account that
    /// has the organization cached (each write updates only its own account's), so a later plan does
    /// not offer it again. A cache that cannot be written is logged; the next sync corrects it.
    fn mirror(&self, s: &Step) {
        let (Some(target), Ok(accounts)) = (s.target_id, self.signed_in_accounts(None)) else { return };
        for a in accounts.iter().filter(|a| a.id != s.account_id) {
            let written = self.with_cache(|c| {
                if c.organization(&a.id, &s.org_id.to_string())?.is_none() {
                    return Ok(());
                }
                match s.action {
                    StepAction::RemoveMember => c.remove_member(&a.id, s.org_id, target),
                    StepAction::RevokeInvitation => {
                        for mut inv in c.invitations_matching(&a.id, s.org_id, &target.to_string())? {
                            inv.status = Some(InvitationStatus::Revoked);
                            c.put_invitation(&a.id, s.org_id, &inv)?;
                        }
                        Ok(())
                    }
                    // Assignments are not cached; a team change re-fetched its organization.
                    StepAction::Invite | StepAction::RevokeRole | StepAction::LeaveTeam => Ok(()),
                }
            });
            if let Err(e) = written {
                tracing::warn!(org = %s.org_id, error = %e.message, "could not update another account's cache");
            }
        }
    }

    /// Refreshes every organization a step was tried in (once each, through its step's account); the
    /// ones that could not be refreshed, with why.
    pub(crate) async fn refresh_after(&self, report: &StepReport) -> Vec<String> {
        let mut done: Vec<(String, Uuid)> = Vec::new();
        let mut failures = Vec::new();
        let tried = |r: &&crate::steps::StepResult| {
            r.status != crate::steps::StepStatus::NotAttempted && r.step.refused.is_none()
        };
        for r in report.results.iter().filter(tried) {
            let key = (r.step.account_id.clone(), r.step.org_id);
            if done.contains(&key) {
                continue;
            }
            done.push(key);
            if let Err(e) = self.refresh_organization(&r.step.account_id, &r.step.org_id.to_string()).await {
                failures.push(format!("{}: {}", r.step.org_name, e.message));
            }
        }
        failures
    }
}
