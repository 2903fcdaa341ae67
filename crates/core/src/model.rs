//! How things are named to people: the one way to label an account, a user or member, an invitation
//! and its inviter, shared by the command line and the desktop window. Labels are the server's text as
//! it is; a shell that prints to a terminal or renders markup cleans or escapes them itself.

use uuid::Uuid;
use zenml_cloud_api::{Invitation, InvitationRole, MemberRow, User};

use crate::cache::{AccountRecord, MemberKind};

/// An account in lists and menus: its email, else its user's name, else its server's URL.
pub fn account_label(a: &AccountRecord) -> String {
    a.user_email.clone().or_else(|| a.user_name.clone()).unwrap_or_else(|| a.base_url.clone())
}

/// An account in a sentence about who is signed in: `Name <email>`, else the email, else the name,
/// else the user's id.
pub fn account_signature(a: &AccountRecord) -> String {
    name_and_email(a.user_name.as_deref(), a.user_email.as_deref())
        .or_else(|| a.user_email.clone())
        .or_else(|| a.user_name.clone())
        .unwrap_or_else(|| a.user_id.to_string())
}

/// `Name <email>` when both are known.
pub fn name_and_email(name: Option<&str>, email: Option<&str>) -> Option<String> {
    match (name, email) {
        (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
        _ => None,
    }
}

/// A user's name: their name, else their username.
pub fn user_name(u: &User) -> Option<&str> {
    u.name.as_deref().or(u.username.as_deref())
}

/// A user (or service account): their name, else username, else email, else id.
pub fn user_label(u: &User) -> String {
    user_name(u).or(u.email.as_deref()).map_or_else(|| u.id.to_string(), str::to_owned)
}

/// What a member row stands for: a user or service account, else a team, else an invitation; `None`
/// for a row with none of them.
pub fn member_kind(row: &MemberRow) -> Option<MemberKind> {
    if let Some(u) = &row.user {
        Some(if u.is_service_account == Some(true) { MemberKind::ServiceAccount } else { MemberKind::User })
    } else if row.team.is_some() {
        Some(MemberKind::Team)
    } else if row.invitation.is_some() {
        Some(MemberKind::Invitation)
    } else {
        None
    }
}

/// The id of what a member row stands for (the user's, team's or invitation's).
pub fn member_id(row: &MemberRow) -> Option<Uuid> {
    row.user
        .as_ref()
        .map(|u| u.id)
        .or(row.team.as_ref().map(|t| t.id))
        .or(row.invitation.as_ref().map(|i| i.id))
}

/// A member row's key, unique within its organization's list: `user:<id>` (users and service
/// accounts), `team:<id>` or `invitation:<id>`; the cache, the window and `zpro` use the same.
pub fn member_key(row: &MemberRow) -> Option<String> {
    let prefix = match member_kind(row)? {
        MemberKind::User | MemberKind::ServiceAccount => "user",
        MemberKind::Team => "team",
        MemberKind::Invitation => "invitation",
    };
    Some(format!("{prefix}:{}", member_id(row)?))
}

/// A member row: the user's label, the team's name, or the invitation's email (empty for a row that
/// stands for nothing).
pub fn member_label(row: &MemberRow) -> String {
    if let Some(u) = &row.user {
        user_label(u)
    } else if let Some(t) = &row.team {
        t.name.clone()
    } else {
        row.invitation.as_ref().map(|i| invitation_label(i).to_owned()).unwrap_or_default()
    }
}

/// The email a member row reaches: the user's, or the invitation's.
pub fn member_email(row: &MemberRow) -> Option<&str> {
    match (&row.user, &row.invitation) {
        (Some(u), _) => u.email.as_deref(),
        (None, Some(i)) if row.team.is_none() => Some(i.email.as_str()),
        _ => None,
    }
}

/// An invitation: the email it was sent to.
pub fn invitation_label(i: &Invitation) -> &str {
    &i.email
}

/// One role of an invitation, with where it applies: "Organization Member", "Workspace Developer on
/// acme-prod" (the workspace's id when its name is not known). A role known only by its id is its id.
pub fn invitation_role_label(r: &InvitationRole) -> String {
    let name = r.name.clone().unwrap_or_else(|| r.id.to_string());
    match (r.workspace_id, r.workspace_name.as_deref()) {
        (None, _) => name,
        (Some(_), Some(ws)) => format!("{name} on {ws}"),
        (Some(id), None) => format!("{name} on workspace {id}"),
    }
}

/// Every role of an invitation, labelled with its scope (see [`invitation_role_label`]): its
/// organization role first.
pub fn invitation_role_labels(i: &Invitation) -> Vec<String> {
    i.all_roles().iter().map(invitation_role_label).collect()
}

/// The teams an invitation joins: their names, else their ids.
pub fn invitation_team_labels(i: &Invitation) -> Vec<String> {
    i.teams.iter().map(|t| t.name.clone().unwrap_or_else(|| t.id.to_string())).collect()
}

/// Who sent an invitation: their email, else name, else username.
pub fn inviter_label(u: &User) -> Option<&str> {
    u.email.as_deref().or(u.name.as_deref()).or(u.username.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(v: serde_json::Value) -> User {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn users_and_inviters_fall_back_in_order() {
        let id = Uuid::from_u128(9);
        let full = user(json!({"id": id, "name": "Ada", "username": "ada", "email": "ada@example.com"}));
        assert_eq!(user_label(&full), "Ada");
        assert_eq!(inviter_label(&full), Some("ada@example.com"));
        let handle = user(json!({"id": id, "username": "ada", "email": "ada@example.com"}));
        assert_eq!(user_label(&handle), "ada");
        let mail = user(json!({"id": id, "email": "ada@example.com"}));
        assert_eq!(user_label(&mail), "ada@example.com");
        let bare = user(json!({"id": id}));
        assert_eq!(user_label(&bare), id.to_string());
        assert_eq!(inviter_label(&bare), None);
        assert_eq!(inviter_label(&handle), Some("ada@example.com"));
        assert_eq!(inviter_label(&user(json!({"id": id, "username": "ada"}))), Some("ada"));
    }

    #[test]
    fn members_are_labelled_by_what_they_stand_for() {
        let team: MemberRow =
            serde_json::from_value(json!({"team": {"id": Uuid::from_u128(1), "name": "Core"}, "roles": []}))
                .unwrap();
        assert_eq!((member_label(&team), member_kind(&team)), ("Core".to_owned(), Some(MemberKind::Team)));
        assert_eq!(member_email(&team), None);
        let inv: MemberRow = serde_json::from_value(
            json!({"invitation": {"id": Uuid::from_u128(2), "email": "new@example.com"}, "roles": []}),
        )
        .unwrap();
        assert_eq!(member_label(&inv), "new@example.com");
        assert_eq!(member_kind(&inv), Some(MemberKind::Invitation));
        assert_eq!(member_id(&inv), Some(Uuid::from_u128(2)));
        let sa: MemberRow = serde_json::from_value(
            json!({"user": {"id": Uuid::from_u128(3), "username": "ci-bot", "is_service_account": true}, "roles": []}),
        )
        .unwrap();
        assert_eq!(
            (member_label(&sa), member_kind(&sa)),
            ("ci-bot".to_owned(), Some(MemberKind::ServiceAccount))
        );
        let none: MemberRow = serde_json::from_value(json!({"roles": []})).unwrap();
        assert_eq!((member_label(&none), member_kind(&none), member_id(&none)), (String::new(), None, None));
    }

    #[test]
    fn invitation_roles_are_labelled_with_their_scope() {
        let (r, w, t) = (Uuid::from_u128(5), Uuid::from_u128(6), Uuid::from_u128(7));
        let inv: Invitation = serde_json::from_value(json!({
            "id": Uuid::from_u128(8), "email": "new@example.com", "role": {"id": r, "name": "Organization Member"},
            "roles": [
                {"id": r, "name": "Organization Member", "level": "organization"},
                {"id": r, "name": "Workspace Developer", "workspace_id": w, "workspace_name": "prod-ws"},
                {"id": r, "workspace_id": w}
            ],
            "teams": [{"id": t, "name": "platform"}, {"id": w}]
        }))
        .unwrap();
        assert_eq!(
            invitation_role_labels(&inv),
            [
                "Organization Member".to_owned(),
                "Workspace Developer on prod-ws".to_owned(),
                format!("{r} on workspace {w}"),
            ]
        );
        assert_eq!(invitation_team_labels(&inv), ["platform".to_owned(), w.to_string()]);
        let old: Invitation = serde_json::from_value(
            json!({"id": r, "email": "a@b.co", "role": {"id": r, "name": "Organization Viewer"}}),
        )
        .unwrap();
        assert_eq!(invitation_role_labels(&old), ["Organization Viewer"]);
        assert!(invitation_team_labels(&old).is_empty());
    }

    #[test]
    fn accounts_are_labelled_by_email_then_name_then_server() {
        let now = chrono::Utc::now();
        let mut a = AccountRecord {
            id: "a".into(),
            base_url: "https://cloud.example".into(),
            user_id: Uuid::from_u128(4),
            user_email: Some("ada@example.com".into()),
            user_name: Some("Ada".into()),
            auth_method: crate::cache::AuthMethod::Device,
            device_id: None,
            token_expires_at: None,
            created_at: now,
            last_used_at: now,
            signed_in: true,
        };
        assert_eq!(account_label(&a), "ada@example.com");
        assert_eq!(account_signature(&a), "Ada <ada@example.com>");
        a.user_email = None;
        assert_eq!((account_label(&a), account_signature(&a)), ("Ada".to_owned(), "Ada".to_owned()));
        a.user_name = None;
        assert_eq!(account_label(&a), "https://cloud.example");
        assert_eq!(account_signature(&a), Uuid::from_u128(4).to_string());
    }
}
