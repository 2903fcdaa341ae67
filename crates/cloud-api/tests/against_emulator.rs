//! The client against the emulator on a random loopback port: every route, success and error paths,
//! retries, faults, paging and the device flow. Each test starts its own emulator.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use zenml_cloud_api::*;
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{start, EmulatorConfig, RunningEmulator};

async fn emulator() -> RunningEmulator {
    emulator_with(EmulatorConfig { port: 0, ..Default::default() }).await
}

async fn emulator_with(config: EmulatorConfig) -> RunningEmulator {
    start(EmulatorConfig { port: 0, ..config }).await.expect("emulator starts")
}

/// A client with quick retries, so the tests that exercise them stay short.
fn client(emu: &RunningEmulator) -> ApiClient {
    let mut config = ClientConfig::new(emu.base_url());
    config.retry = RetryPolicy {
        max_retries: 3,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        max_total: Duration::from_secs(10),
    };
    ApiClient::new(config).unwrap()
}

async fn requests_served(emu: &RunningEmulator) -> u64 {
    Control::new(emu).request_count().await
}

async fn reset_stats(emu: &RunningEmulator) {
    Control::new(emu).reset_stats().await;
}

async fn login(c: &ApiClient, key: &str) -> AccessToken {
    c.login_with_key(&ApiKey::new(key)).await.expect("key exchange").access_token
}

async fn org_by_name(c: &ApiClient, t: &AccessToken, name: &str) -> Organization {
    c.get_organization(t, name).await.expect("organization by name")
}

async fn org_role(c: &ApiClient, t: &AccessToken, org: uuid::Uuid, name: &str) -> Role {
    let roles =
        c.all_roles(t, org, &RoleFilter { name: Some(name.into()), ..Default::default() }).await.unwrap();
    roles.into_iter().find(|r| r.name == name).unwrap_or_else(|| panic!("role {name}"))
}

#[tokio::test]
async fn key_exchange_password_login_and_users() {
    let emu = emulator().await;
    let c = client(&emu);
    let creds = emu.credentials().clone();

    let token = c.login_with_key(&ApiKey::new(&creds.admin.key)).await.unwrap();
    assert_eq!(token.token_type.as_deref(), Some("bearer"));
    assert_eq!(token.expires_in, Some(3600));
    let me = c.me(&token.access_token).await.unwrap();
    assert_eq!(me.email.as_deref(), Some(creds.admin.user_email.as_str()));
    assert_eq!(me.is_service_account, Some(false));

    let found = c.users_by_email(&token.access_token, &creds.viewer.user_email).await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].email.as_deref(), Some(creds.viewer.user_email.as_str()));

    assert!(creds.service_account.key.starts_with("ZENPROKEY_"));
    let sa = login(&c, &creds.service_account.key).await;
    assert_eq!(c.me(&sa).await.unwrap().is_service_account, Some(true));

    let pw = c
        .login_with_password(&creds.password_login.username, &Password::new(&creds.password_login.password))
        .await
        .unwrap();
    assert!(c.me(&pw.access_token).await.is_ok());

    let wrong = c.login_with_key(&ApiKey::new("not-a-key")).await.unwrap_err();
    assert!(matches!(wrong, ApiError::Unauthorized(_)), "{wrong:?}");
    let wrong_pw =
        c.login_with_password(&creds.password_login.username, &Password::new("wrong")).await.unwrap_err();
    assert!(matches!(wrong_pw, ApiError::Unauthorized(_)), "{wrong_pw:?}");
    let no_token = c.me(&AccessToken::new("garbage")).await.unwrap_err();
    assert!(matches!(no_token, ApiError::Unauthorized(_)), "{no_token:?}");
}

#[tokio::test]
async fn organizations_list_get_create_and_update() {
    let emu = emulator().await;
    let c = client(&emu);
    let creds = emu.credentials().clone();
    let admin = login(&c, &creds.admin.key).await;

    let orgs = c.all_organizations(&admin).await.unwrap();
    assert!(orgs.iter().any(|o| o.name == creds.admin.organization));
    let by_name = org_by_name(&c, &admin, &creds.admin.organization).await;
    let by_id = c.get_organization(&admin, &by_name.id.to_string()).await.unwrap();
    assert_eq!(by_name, by_id);
    assert!(by_name.plan.is_some(), "an Organization Admin sees billing fields");

    let missing = c.get_organization(&admin, "no-such-org").await.unwrap_err();
    assert!(matches!(missing, ApiError::NotFound(_)), "{missing:?}");

    let update =
        OrganizationUpdate { description: Some("Edited by the client test".into()), ..Default::default() };
    let updated = c.update_organization(&admin, by_name.id, &update).await.unwrap();
    assert_eq!(updated.description.as_deref(), Some("Edited by the client test"));
    assert_eq!(updated.name, by_name.name, "a partial update leaves the name alone");
    assert_eq!(org_by_name(&c, &admin, &by_name.name).await.description, updated.description);

    let viewer = login(&c, &creds.viewer.key).await;
    let forbidden = c.update_organization(&viewer, by_name.id, &update).await.unwrap_err();
    assert!(matches!(forbidden, ApiError::Forbidden(_)), "{forbidden:?}");
    let as_viewer = org_by_name(&c, &viewer, &by_name.name).await;
    assert_eq!(as_viewer.plan, None, "a Viewer does not see billing fields");

    let bad = c
        .update_organization(
            &admin,
            by_name.id,
            &OrganizationUpdate { name: Some(String::new()), ..Default::default() },
        )
        .await
        .unwrap_err();
    assert!(matches!(bad, ApiError::InvalidInput(_)), "{bad:?}");

    let created = c
        .create_organization(&admin, &OrganizationCreate { name: "made-by-test".into(), description: None })
        .await
        .unwrap();
    assert_eq!(created.name, "made-by-test");
    let dup = c
        .update_organization(
            &admin,
            created.id,
            &OrganizationUpdate { name: Some(by_name.name.clone()), ..Default::default() },
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, ApiError::Conflict(_)), "{dup:?}");
}

#[tokio::test]
async fn organizations_are_a_bare_array_with_the_confirmed_fields() {
    let emu = emulator().await;
    let c = client(&emu);
    let admin = login(&c, &emu.credentials().admin.key).await;
    let raw: Value = reqwest::Client::new()
        .get(format!("{}/organizations", emu.base_url()))
        .bearer_auth(admin.expose())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = raw.as_array().expect("a bare JSON array");
    assert!(!items.is_empty());
    for item in items {
        for field in ["id", "name", "description", "created", "updated"] {
            assert!(item.get(field).is_some(), "{field} missing in {item}");
        }
    }
}

#[tokio::test]
async fn paging_walks_every_page_and_stops_on_a_short_one() {
    let emu = emulator_with(EmulatorConfig { scale: Some(7), ..Default::default() }).await;
    let c = client(&emu);
    let admin = login(&c, &emu.credentials().admin.key).await;
    let everything = c.list_organizations(&admin, Page { offset: 0, limit: 1000 }).await.unwrap();
    let n = everything.len();
    assert!(n >= 8, "the demo organization plus seven scaled ones: {n}");

    let mut config = ClientConfig::new(emu.base_url());
    config.page_size = 3;
    config.page_concurrency = 1;
    let small = ApiClient::new(config).unwrap();
    reset_stats(&emu).await;
    let paged = small.all_organizations(&admin).await.unwrap();
    assert_eq!(
        paged.iter().map(|o| o.id).collect::<Vec<_>>(),
        everything.iter().map(|o| o.id).collect::<Vec<_>>()
    );
    assert_eq!(
        requests_served(&emu).await,
        (n / 3 + 1) as u64,
        "one request a page, plus the short last one"
    );

    // Several pages at once: the same list, in order.
    let mut config = ClientConfig::new(emu.base_url());
    config.page_size = 2;
    config.page_concurrency = 3;
    let concurrent = ApiClient::new(config).unwrap();
    let paged = concurrent.all_organizations(&admin).await.unwrap();
    assert_eq!(
        paged.iter().map(|o| o.id).collect::<Vec<_>>(),
        everything.iter().map(|o| o.id).collect::<Vec<_>>()
    );

    let too_big = c.list_organizations(&admin, Page { offset: 0, limit: 100_000 }).await.unwrap_err();
    assert!(matches!(too_big, ApiError::InvalidInput(_)), "{too_big:?}");

    // The big scaled organization pages through its members.
    let big = c.list_organizations(&admin, Page { offset: 0, limit: 1000 }).await.unwrap();
    let big = big.iter().find(|o| o.name.starts_with("scale-org-")).expect("a scaled org");
    let members = small.all_members(&admin, big.id).await;
    assert!(members.is_ok(), "{members:?}");
}

#[tokio::test]
async fn members_list_and_remove() {
    let emu = emulator().await;
    let c = client(&emu);
    let creds = emu.credentials().clone();
    let admin = login(&c, &creds.admin.key).await;
    let org = org_by_name(&c, &admin, &creds.admin.organization).await;

    let rows = c.all_members(&admin, org.id).await.unwrap();
    assert!(
        rows.iter().any(|r| r.user.as_ref().is_some_and(|u| u.is_service_account == Some(true))),
        "service accounts"
    );
    assert!(rows.iter().any(|r| r.team.is_some()), "teams");
    assert!(rows.iter().any(|r| r.invitation.is_some()), "pending invitations");
    let viewer_row = rows
        .iter()
        .find(|r| r.user.as_ref().and_then(|u| u.email.as_deref()) == Some(creds.viewer.user_email.as_str()))
        .expect("the viewer is a member");
    assert!(viewer_row.roles.iter().any(|r| r.name.as_deref() == Some("Organization Viewer")));
    let viewer_id = viewer_row.user.as_ref().unwrap().id;

    let viewer = login(&c, &creds.viewer.key).await;
    assert!(c.all_members(&viewer, org.id).await.is_ok(), "a Viewer reads members");
    let member = login(&c, &creds.member.key).await;
    let e = c.all_members(&member, org.id).await.unwrap_err();
    assert!(matches!(e, ApiError::Forbidden(_)), "an Organization Member cannot list members: {e:?}");
    let e = c.remove_member(&viewer, org.id, viewer_id).await.unwrap_err();
    assert!(matches!(e, ApiError::Forbidden(_)), "{e:?}");

    c.remove_member(&admin, org.id, viewer_id).await.unwrap();
    let rows = c.all_members(&admin, org.id).await.unwrap();
    assert!(!rows.iter().any(|r| r.user.as_ref().map(|u| u.id) == Some(viewer_id)));
}

#[tokio::test]
async fn invitations_create_list_revoke_and_their_errors() {
    let emu = emulator().await;
    let c = client(&emu);
    let creds = emu.credentials().clone();
    let admin = login(&c, &creds.admin.key).await;
    let org = org_by_name(&c, &admin, &creds.admin.organization).await;
    let viewer_role = org_role(&c, &admin, org.id, "Organization Viewer").await;

    let new = InvitationCreate { email: "new.person@example.com".into(), role_id: viewer_role.id };
    let inv = c.create_invitation(&admin, org.id, &new).await.unwrap();
    assert_eq!(inv.email, "new.person@example.com");
    assert_eq!(inv.status, Some(InvitationStatus::Pending));
    assert_eq!(inv.role.as_ref().map(|r| r.id), Some(viewer_role.id));

    let pending = c
        .all_invitations(&admin, org.id, &InvitationFilter { only_pending: true, ..Default::default() })
        .await
        .unwrap();
    assert!(pending.iter().any(|i| i.id == inv.id));
    assert!(pending.iter().all(|i| i.status == Some(InvitationStatus::Pending)));
    let all = c.all_invitations(&admin, org.id, &InvitationFilter::default()).await.unwrap();
    assert!(
        all.iter().any(|i| i.status == Some(InvitationStatus::Expired)),
        "demo data has expired invitations"
    );
    let by_email = c
        .all_invitations(
            &admin,
            org.id,
            &InvitationFilter { email: Some(new.email.clone()), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(by_email.len(), 1);

    let dup = c.create_invitation(&admin, org.id, &new).await.unwrap_err();
    assert!(matches!(dup, ApiError::Conflict(_)), "{dup:?}");

    let bad = InvitationCreate { email: "not-an-email".into(), role_id: viewer_role.id };
    let e = c.create_invitation(&admin, org.id, &bad).await.unwrap_err();
    assert!(matches!(e, ApiError::InvalidInput(_)), "{e:?}");
    let field = &e.field_errors()[0];
    assert_eq!(field.field, "email");
    assert!(field.message.contains("email"), "{}", field.message);

    let viewer = login(&c, &creds.viewer.key).await;
    let e = c
        .create_invitation(
            &viewer,
            org.id,
            &InvitationCreate { email: "x@example.com".into(), role_id: viewer_role.id },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Forbidden(_)), "Viewer invites → forbidden: {e:?}");

    c.revoke_invitation(&admin, org.id, inv.id).await.unwrap();
    let pending = c
        .all_invitations(&admin, org.id, &InvitationFilter { only_pending: true, ..Default::default() })
        .await
        .unwrap();
    assert!(!pending.iter().any(|i| i.id == inv.id));
}

#[tokio::test]
async fn roles_assignments_and_teams() {
    let emu = emulator().await;
    let c = client(&emu);
    let creds = emu.credentials().clone();
    let admin = login(&c, &creds.admin.key).await;
    let org = org_by_name(&c, &admin, &creds.admin.organization).await;

    let org_roles = c
        .all_roles(&admin, org.id, &RoleFilter { level: Some(RoleLevel::Organization), ..Default::default() })
        .await
        .unwrap();
    for name in [
        "Organization Admin",
        "Organization Manager",
        "Organization Viewer",
        "Billing Admin",
        "Organization Member",
    ] {
        assert!(org_roles.iter().any(|r| r.name == name), "{name}");
    }
    assert!(org_roles.iter().all(|r| r.level == Some(RoleLevel::Organization)));
    let ws_roles = c
        .all_roles(&admin, org.id, &RoleFilter { level: Some(RoleLevel::Workspace), ..Default::default() })
        .await
        .unwrap();
    assert!(ws_roles.iter().any(|r| r.name == "Workspace Admin"));

    let viewer_id = c.users_by_email(&admin, &creds.viewer.user_email).await.unwrap()[0].id;
    let manager_role = org_role(&c, &admin, org.id, "Organization Manager").await;
    let who = Assignee::User(viewer_id);
    c.assign_role(&admin, manager_role.id, who, RoleScope::default()).await.unwrap();
    let dup = c.assign_role(&admin, manager_role.id, who, RoleScope::default()).await.unwrap_err();
    assert!(matches!(dup, ApiError::Conflict(_)), "duplicate assignment → conflict: {dup:?}");
    c.revoke_role(&admin, manager_role.id, who, RoleScope::default()).await.unwrap();
    let again = c.revoke_role(&admin, manager_role.id, who, RoleScope::default()).await.unwrap_err();
    assert!(matches!(again, ApiError::NotFound(_)), "{again:?}");

    let viewer = login(&c, &creds.viewer.key).await;
    let e = c.assign_role(&viewer, manager_role.id, who, RoleScope::default()).await.unwrap_err();
    assert!(matches!(e, ApiError::Forbidden(_)), "{e:?}");

    let teams = c.all_teams(&admin, org.id).await.unwrap();
    let team = teams.first().expect("demo teams").clone();
    let before = team.member_count.unwrap_or(0);
    c.add_team_member(&admin, team.id, TeamMember::User(viewer_id)).await.unwrap();
    let dup = c.add_team_member(&admin, team.id, TeamMember::User(viewer_id)).await.unwrap_err();
    assert!(matches!(dup, ApiError::Conflict(_)), "{dup:?}");
    let after = c.all_teams(&admin, org.id).await.unwrap().into_iter().find(|t| t.id == team.id).unwrap();
    assert_eq!(after.member_count, Some(before + 1));
    c.remove_team_member(&admin, team.id, TeamMember::User(viewer_id)).await.unwrap();

    let sas = c.list_service_accounts(&admin, org.id, Page::default()).await.unwrap();
    assert!(sas.iter().all(|u| u.is_service_account == Some(true)));
}

#[tokio::test]
async fn workspaces_filters_get_and_update() {
    let emu = emulator_with(EmulatorConfig {
        workspace_transition: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let c = client(&emu);
    let creds = emu.credentials().clone();
    let admin = login(&c, &creds.multi_org.key).await;

    let all = c.all_workspaces(&admin, &WorkspaceFilter::default()).await.unwrap();
    for status in [
        WorkspaceStatus::NotInitialized,
        WorkspaceStatus::Pending,
        WorkspaceStatus::Available,
        WorkspaceStatus::Failed,
        WorkspaceStatus::Deactivated,
        WorkspaceStatus::Deleted,
    ] {
        assert!(all.iter().any(|w| w.status == status), "demo data has a {status:?} workspace");
        let filtered = c
            .all_workspaces(&admin, &WorkspaceFilter { status: Some(status), ..Default::default() })
            .await
            .unwrap();
        assert!(!filtered.is_empty() && filtered.iter().all(|w| w.status == status));
    }
    let org = org_by_name(&c, &admin, &creds.admin.organization).await;
    let in_org = c
        .all_workspaces(&admin, &WorkspaceFilter { organization_id: Some(org.id), ..Default::default() })
        .await
        .unwrap();
    assert!(
        !in_org.is_empty() && in_org.iter().all(|w| w.organization.as_ref().is_some_and(|o| o.id == org.id))
    );

    let ws = in_org.iter().find(|w| w.status == WorkspaceStatus::Available).expect("an available workspace");
    assert!(ws.server_url().is_some());
    let by_name = c.get_workspace(&admin, &ws.name).await.unwrap();
    let by_id = c.get_workspace(&admin, &ws.id.to_string()).await.unwrap();
    assert_eq!(by_name.id, by_id.id);
    let named = c
        .all_workspaces(
            &admin,
            &WorkspaceFilter { workspace_name: Some(ws.name.clone()), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(named.len(), 1);

    let update = WorkspaceUpdate { desired_state: Some(WorkspaceStatus::Deactivated), ..Default::default() };
    let patched = c.update_workspace(&admin, ws.id, &update).await.unwrap();
    assert_eq!(patched.status, WorkspaceStatus::Pending);
    assert_eq!(patched.desired_state, Some(WorkspaceStatus::Deactivated));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = c.get_workspace(&admin, &ws.id.to_string()).await.unwrap();
        if now.status != WorkspaceStatus::Pending {
            assert_eq!(now.status, WorkspaceStatus::Deactivated);
            break;
        }
        assert!(Instant::now() < deadline, "workspace stayed pending");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // An Organization Member sees only the workspaces granted to them.
    let member = login(&c, &creds.member.key).await;
    let theirs = c
        .all_workspaces(&member, &WorkspaceFilter { organization_id: Some(org.id), ..Default::default() })
        .await
        .unwrap();
    assert!(theirs.len() < in_org.len(), "{} of {}", theirs.len(), in_org.len());
}

#[tokio::test]
async fn expired_and_revoked_tokens_are_unauthorized() {
    let emu = emulator_with(EmulatorConfig { token_ttl: Duration::from_secs(1), ..Default::default() }).await;
    let c = client(&emu);
    let creds = emu.credentials().clone();
    let token = c.login_with_key(&ApiKey::new(&creds.admin.key)).await.unwrap();
    assert_eq!(token.expires_in, Some(1));
    assert!(c.me(&token.access_token).await.is_ok());
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let e = c.me(&token.access_token).await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized(_)), "expired token → unauthorized: {e:?}");

    let emu = emulator().await;
    let c = client(&emu);
    let t = login(&c, &emu.credentials().admin.key).await;
    assert!(c.me(&t).await.is_ok());
    Control::new(&emu).post("tokens/revoke", json!({"token": t.expose()})).await;
    let e = c.me(&t).await.unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized(_)), "revoked token → unauthorized: {e:?}");
}

#[tokio::test]
async fn rate_limits_wait_for_retry_after() {
    let emu = emulator().await;
    let c = client(&emu);
    let t = login(&c, &emu.credentials().admin.key).await;
    Control::new(&emu).add_fault(json!({"kind": "rate_limit", "retry_after": 1, "count": 1})).await;
    reset_stats(&emu).await;
    let started = Instant::now();
    let orgs = c.list_organizations(&t, Page::default()).await.unwrap();
    assert!(!orgs.is_empty());
    assert!(started.elapsed() >= Duration::from_secs(1), "waited Retry-After: {:?}", started.elapsed());
    assert_eq!(requests_served(&emu).await, 2);

    // A Retry-After longer than the whole budget ends the call at once with `RateLimited`.
    let mut config = ClientConfig::new(emu.base_url());
    config.retry.max_total = Duration::from_secs(2);
    let impatient = ApiClient::new(config).unwrap();
    Control::new(&emu).add_fault(json!({"kind": "rate_limit", "retry_after": 60, "count": 1})).await;
    let e = impatient.list_organizations(&t, Page::default()).await.unwrap_err();
    assert!(
        matches!(e, ApiError::RateLimited { retry_after: Some(d), .. } if d == Duration::from_secs(60)),
        "{e:?}"
    );
}

#[tokio::test]
async fn server_errors_are_retried_for_reads_but_not_for_writes() {
    let emu = emulator().await;
    let c = client(&emu);
    let creds = emu.credentials().clone();
    let t = login(&c, &creds.admin.key).await;
    Control::new(&emu).add_fault(json!({"kind": "status", "status": 503, "count": 2})).await;
    reset_stats(&emu).await;
    assert!(c.me(&t).await.is_ok(), "503 → retried");
    assert_eq!(requests_served(&emu).await, 3);

    Control::new(&emu).add_fault(json!({"kind": "status", "status": 500, "count": 10})).await;
    let e = c.me(&t).await.unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 500, .. }), "{e:?}");
    Control::new(&emu).clear_faults().await;

    let org = org_by_name(&c, &t, &creds.admin.organization).await;
    let role = org_role(&c, &t, org.id, "Organization Viewer").await;
    Control::new(&emu)
        .add_fault(json!({"kind": "status", "status": 503, "count": 1, "method": "POST"}))
        .await;
    reset_stats(&emu).await;
    let e = c
        .create_invitation(
            &t,
            org.id,
            &InvitationCreate { email: "once@example.com".into(), role_id: role.id },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Server { status: 503, .. }), "{e:?}");
    assert_eq!(requests_served(&emu).await, 1, "a POST that may have reached the server is not sent again");

    // 429 means the server did not act, so even a write is retried.
    Control::new(&emu)
        .add_fault(json!({"kind": "rate_limit", "retry_after": 0, "count": 1, "method": "POST"}))
        .await;
    let inv = c
        .create_invitation(
            &t,
            org.id,
            &InvitationCreate { email: "once@example.com".into(), role_id: role.id },
        )
        .await
        .unwrap();
    assert_eq!(inv.email, "once@example.com");
}

#[tokio::test]
async fn malformed_json_and_dropped_connections() {
    let emu = emulator().await;
    let c = client(&emu);
    let t = login(&c, &emu.credentials().admin.key).await;

    Control::new(&emu).add_fault(json!({"kind": "malformed", "count": 1})).await;
    let e = c.list_organizations(&t, Page::default()).await.unwrap_err();
    assert!(matches!(e, ApiError::MalformedResponse(_)), "malformed JSON → malformed response: {e:?}");
    assert!(c.list_organizations(&t, Page::default()).await.is_ok());

    Control::new(&emu).add_fault(json!({"kind": "drop", "count": 1})).await;
    assert!(c.list_organizations(&t, Page::default()).await.is_ok(), "one dropped connection is retried");

    let mut config = ClientConfig::new(emu.base_url());
    config.retry = RetryPolicy::none();
    let no_retry = ApiClient::new(config).unwrap();
    Control::new(&emu).add_fault(json!({"kind": "drop", "count": 1})).await;
    let e = no_retry.list_organizations(&t, Page::default()).await.unwrap_err();
    assert!(matches!(e, ApiError::Network { .. }), "dropped connection → network error: {e:?}");
    assert!(e.is_offline());
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    let emu = emulator().await;
    let url = emu.base_url();
    emu.shutdown().await;
    let mut config = ClientConfig::new(url);
    config.retry.initial_backoff = Duration::from_millis(10);
    let c = ApiClient::new(config).unwrap();
    let e = c.me(&AccessToken::new("x")).await.unwrap_err();
    assert!(matches!(e, ApiError::Network { kind: NetworkErrorKind::Connect, .. }), "{e:?}");
}

#[tokio::test]
async fn device_flow_pending_slow_down_approve() {
    let emu = emulator_with(EmulatorConfig { device_poll_interval: 1, ..Default::default() }).await;
    let c = client(&emu);
    let client_id = uuid::Uuid::new_v4();
    let auth = c.start_device_authorization(client_id, None).await.unwrap();
    assert!(auth.verification_uri.starts_with('/'), "the emulator sends a relative URI");
    let url = c.verification_url(&auth);
    assert!(url.starts_with(&emu.base_url()), "{url}");

    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(page.contains(&auth.user_code) && page.contains("Approve") && page.contains("Deny"));

    assert!(matches!(c.poll_device_token(client_id, &auth.device_code).await.unwrap(), DevicePoll::Pending));
    assert!(matches!(c.poll_device_token(client_id, &auth.device_code).await.unwrap(), DevicePoll::SlowDown));

    Control::new(&emu).approve_device(&auth.user_code, None).await;
    let started = Instant::now();
    let token = c.wait_for_device_token(client_id, &auth).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(8));
    assert!(token.device_id.is_some());
    let me = c.me(&token.access_token).await.unwrap();
    assert_eq!(me.email.as_deref(), Some(emu.credentials().multi_org.user_email.as_str()));
}

#[tokio::test]
async fn device_flow_denied_and_expired() {
    let emu = emulator_with(EmulatorConfig {
        device_poll_interval: 1,
        device_code_ttl: Duration::from_secs(2),
        ..Default::default()
    })
    .await;
    let c = client(&emu);
    let client_id = uuid::Uuid::new_v4();

    let auth = c.start_device_authorization(client_id, None).await.unwrap();
    Control::new(&emu).deny_device(&auth.user_code).await;
    let e = c.wait_for_device_token(client_id, &auth).await.unwrap_err();
    assert!(matches!(e, ApiError::AccessDenied(_)), "{e:?}");

    let auth = c.start_device_authorization(client_id, None).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let e = c.poll_device_token(client_id, &auth.device_code).await.unwrap_err();
    assert!(matches!(e, ApiError::DeviceCodeExpired), "the server's expired_token: {e:?}");

    let auth = c.start_device_authorization(client_id, None).await.unwrap();
    let e = c.wait_for_device_token(client_id, &auth).await.unwrap_err();
    assert!(matches!(e, ApiError::DeviceCodeExpired), "the client gives up after expires_in: {e:?}");
}

#[tokio::test]
async fn device_flow_auto_approve_and_device_reuse() {
    let emu = emulator_with(EmulatorConfig { auto_approve: true, ..Default::default() }).await;
    let c = client(&emu);
    let client_id = uuid::Uuid::new_v4();
    let auth = c.start_device_authorization(client_id, None).await.unwrap();
    let started = Instant::now();
    let token = c.wait_for_device_token(client_id, &auth).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "approved at the first poll, not after the 5 s interval"
    );
    let device_id = token.device_id.expect("a device id");
    let again = c.start_device_authorization(client_id, Some(device_id)).await.unwrap();
    let token2 = c.wait_for_device_token(client_id, &again).await.unwrap();
    assert_eq!(token2.device_id, Some(device_id), "the device is reused");
}
