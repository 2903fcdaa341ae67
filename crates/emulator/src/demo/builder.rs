//! The helpers the demo data is built with: each adds one user, organization, role, team, workspace,
//! invitation or key to the database, with its UUIDv5 id and fixed dates.

use super::*;

pub struct Builder {
    pub db: Db,
}

impl Builder {
    pub(super) fn user(
        &mut self,
        username: &str,
        email: &str,
        name: &str,
        service_account: bool,
        day: i64,
    ) -> Uuid {
        let id = id("user", email);
        self.db.users.insert(
            id,
            User {
                id,
                username: username.to_string(),
                email: email.to_string(),
                name: name.to_string(),
                avatar_url: None,
                is_superuser: false,
                is_service_account: service_account,
                is_active: true,
                created: at(day),
            },
        );
        id
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn org(
        &mut self,
        name: &str,
        display_name: &str,
        description: &str,
        owner: Uuid,
        plan: &str,
        trial_expiry: Option<DateTime<Utc>>,
        subscription: bool,
        day: i64,
    ) -> Uuid {
        let org_id = id("org", name);
        self.db.orgs.insert(
            org_id,
            Org {
                id: org_id,
                name: name.to_string(),
                description: Some(description.to_string()),
                display_name: display_name.to_string(),
                logo_url: None,
                owner_id: owner,
                plan: plan.to_string(),
                trial_expiry,
                has_active_subscription: subscription,
                created: at(day),
                updated: at(day + 1),
                grants: BTreeMap::new(),
            },
        );
        for (role_name, level, description) in BUILTIN_ROLES {
            let role_id = id("role", &format!("{name}/{role_name}"));
            self.db.roles.insert(
                role_id,
                Role {
                    id: role_id,
                    name: role_name.to_string(),
                    description: description.to_string(),
                    level: *level,
                    organization_id: org_id,
                    system_managed: true,
                    permissions: Permissions::default(),
                },
            );
        }
        org_id
    }

    pub(super) fn custom_role(
        &mut self,
        org: Uuid,
        name: &str,
        description: &str,
        permissions: Permissions,
    ) -> Uuid {
        let org_name = self.db.orgs[&org].name.clone();
        let role_id = id("role", &format!("{org_name}/{name}"));
        self.db.roles.insert(
            role_id,
            Role {
                id: role_id,
                name: name.to_string(),
                description: description.to_string(),
                level: Level::Organization,
                organization_id: org,
                system_managed: false,
                permissions,
            },
        );
        role_id
    }

    pub(super) fn role(&self, org: Uuid, name: &str) -> Uuid {
        self.db.role_of_org_by_name(org, name).expect("built-in role")
    }

    pub(super) fn grant(&mut self, org: Uuid, subject: Subject, role: &str, workspace: Option<Uuid>) {
        let role_id = self.role(org, role);
        let grant = Grant { role_id, workspace_id: workspace, project_id: None };
        self.db.orgs.get_mut(&org).expect("org").grants.entry(subject).or_default().insert(grant);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn workspace(
        &mut self,
        org: Uuid,
        name: &str,
        display_name: &str,
        description: Option<&str>,
        desired: &str,
        status: &str,
        reason: &str,
    ) -> Uuid {
        let ws_id = id("workspace", name);
        let short = ws_id.simple().to_string();
        self.db.workspaces.insert(
            ws_id,
            Workspace {
                id: ws_id,
                name: name.to_string(),
                display_name: display_name.to_string(),
                description: description.map(str::to_string),
                organization_id: org,
                desired_state: desired.to_string(),
                state_reason: reason.to_string(),
                status: status.to_string(),
                version: (status != "not_initialized").then(|| WORKSPACE_VERSION.to_string()),
                server_url: format!("https://{}-zenml.workspaces.emulator.invalid", &short[..8]),
                workspace_type: "zenml".to_string(),
                zenml_service: true,
                kitaru_url: None,
                transition_until: None,
            },
        );
        ws_id
    }

    /// A Kitaru workspace (available), with a ZenML server beside its Kitaru one or without.
    pub(super) fn kitaru_workspace(
        &mut self,
        org: Uuid,
        name: &str,
        display_name: &str,
        with_zenml: bool,
    ) -> Uuid {
        let ws_id = self.workspace(org, name, display_name, Some("Agents"), "available", "available", "");
        let short = ws_id.simple().to_string();
        let ws = self.db.workspaces.get_mut(&ws_id).expect("just made");
        ws.workspace_type = "kitaru".to_string();
        ws.zenml_service = with_zenml;
        ws.kitaru_url = Some(format!("https://{}-kitaru.workspaces.emulator.invalid", &short[..8]));
        ws_id
    }

    pub(super) fn team(
        &mut self,
        org: Uuid,
        name: &str,
        description: &str,
        members: &[Subject],
        day: i64,
    ) -> Uuid {
        let org_name = self.db.orgs[&org].name.clone();
        let team_id = id("team", &format!("{org_name}/{name}"));
        self.db.teams_by_org.entry(org).or_default().push(team_id);
        self.db.teams.insert(
            team_id,
            Team {
                id: team_id,
                organization_id: org,
                name: name.to_string(),
                description: Some(description.to_string()),
                members: members.iter().copied().collect::<BTreeSet<_>>(),
                created: at(day),
                updated: at(day),
            },
        );
        team_id
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn invitation(
        &mut self,
        org: Uuid,
        email: &str,
        role: &str,
        inviter: Uuid,
        status: &str,
        day: i64,
        expires: DateTime<Utc>,
    ) -> Uuid {
        let org_name = self.db.orgs[&org].name.clone();
        let inv_id = id("invitation", &format!("{org_name}/{email}"));
        let role_id = self.role(org, role);
        self.db.invitations.insert(
            inv_id,
            Invitation {
                id: inv_id,
                email: email.to_string(),
                organization_id: org,
                role_id: Some(role_id),
                inviter_id: Some(inviter),
                status: status.to_string(),
                created: at(day),
                expires: Some(expires),
            },
        );
        if status == "pending" {
            self.grant(org, Subject::Invitation(inv_id), role, None);
        }
        inv_id
    }

    pub(super) fn key(&mut self, key: &str, user: Uuid) {
        self.db.keys.insert(key.to_string(), user);
    }
}
