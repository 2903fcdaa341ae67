//! The client against the emulator's other dialect (section 6 of the contract: the shapes and habits the
//! real server may have) and against its paging faults. What the client sends is checked in the
//! emulator's request log.

use std::time::Duration;

use serde_json::{json, Value};
use zenml_cloud_api::*;
use zenml_pro_emulator::testkit::Control;
use zenml_pro_emulator::{start, Dialect, EmulatorConfig, RunningEmulator};

async fn emulator(dialect: Dialect) -> RunningEmulator {
    start(EmulatorConfig { port: 0, dialect, ..Default::default() }).await.expect("emulator starts")
}

fn client_with(emu: &RunningEmulator, page_size: u32) -> ApiClient {
    let mut config = ClientConfig::new(emu.base_url());
    config.page_size = page_size;
    config.retry = RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        max_total: Duration::from_secs(5),
    };
    ApiClient::new(config).unwrap()
}

/// The emulator's log of the API requests it served.
async fn requests(emu: &RunningEmulator) -> Vec<Value> {
    Control::new(emu).requests().await
}

fn to(emu_requests: &[Value], method: &str, path_end: &str) -> Vec<Value> {
    emu_requests
        .iter()
        .filter(|r| r["method"] == method && r["path"].as_str().is_some_and(|p| p.ends_with(path_end)))
        .cloned()
        .collect()
}

fn limit_of(r: &Value) -> Option<u32> {
    r["query"].as_str()?.split('&').find_map(|kv| kv.strip_prefix("limit=")?.parse().ok())
}

async fn login(c: &ApiClient, key: &str) -> AccessToken {
    c.login_with_key(&ApiKey::new(key)).await.expect("key exchange").access_token
}

/// A server that refuses `password=<key>` alone is asked once more with `grant_type=zenml_api_key`, and
/// the next sign-in sends that form first.
#[tokio::test]
async fn key_exchange_falls_back_to_the_grant_type_once_and_remembers_it() {
    let emu = emulator(Dialect::Variant).await;
    let c = client_with(&emu, 100);
    login(&c, &emu.credentials().admin.key).await;
    login(&c, &emu.credentials().viewer.key).await;
    let logins = to(&requests(&emu).await, "POST", "/auth/login");
    let forms: Vec<Value> =
        logins.iter().map(|r| r["form"].get("grant_type").cloned().unwrap_or(Value::Null)).collect();
    assert_eq!(forms, [Value::Null, json!("zenml_api_key"), json!("zenml_api_key")], "{logins:?}");
    assert!(logins.iter().all(|r| r["form"]["password"] == "<redacted>"), "the key was sent as password");

    // The default dialect takes the documented form at once.
    let emu = emulator(Dialect::Default).await;
    let c = client_with(&emu, 100);
    login(&c, &emu.credentials().admin.key).await;
    let logins = to(&requests(&emu).await, "POST", "/auth/login");
    assert_eq!(logins.len(), 1);
    assert!(logins[0]["form"].get("grant_type").is_none());
}

/// The device request names the host and the OS the way ZenML's server reads them.
#[tokio::test]
async fn the_device_request_carries_host_and_os_tokens() {
    let emu = emulator(Dialect::Default).await;
    let c = client_with(&emu, 100);
    c.start_device_authorization(uuid::Uuid::new_v4(), None).await.unwrap();
    let sent = to(&requests(&emu).await, "POST", "/auth/device_authorization");
    let agent = sent[0]["user_agent"].as_str().unwrap();
    assert!(agent.starts_with("zenml-pro-desktop/"), "{agent}");
    assert!(agent.contains(" Host/") && agent.contains(&format!(" OS/{}", std::env::consts::OS)), "{agent}");
}

/// `only_pending` goes out on every invitation request, true or false.
#[tokio::test]
async fn only_pending_is_always_sent() {
    let emu = emulator(Dialect::Variant).await;
    let c = client_with(&emu, 100);
    let t = login(&c, &emu.credentials().admin.key).await;
    let org = c.get_organization(&t, "acme-ml").await.unwrap();
    let all = c.all_invitations(&t, org.id, &InvitationFilter::default()).await.unwrap();
    let pending =
        c.all_invitations(&t, org.id, &InvitationFilter { only_pending: true, email: None }).await.unwrap();
    assert!(all.len() > pending.len(), "this dialect lists every status without the filter");
    assert!(pending.iter().all(|i| i.status == Some(InvitationStatus::Pending)));
    let sent = to(&requests(&emu).await, "GET", "/invitations");
    let queries: Vec<&str> = sent.iter().map(|r| r["query"].as_str().unwrap_or("")).collect();
    assert!(queries.iter().any(|q| q.contains("only_pending=false")), "{queries:?}");
    assert!(queries.iter().any(|q| q.contains("only_pending=true")), "{queries:?}");
    assert!(queries.iter().all(|q| q.contains("only_pending=")), "{queries:?}");
}

/// The variant's shapes read: member roles without names, invitations with a list of roles, roles
/// without a level, epoch trial expiry, unknown fields; the row of an unknown kind is skipped and
/// counted while the rest of the list is kept.
#[tokio::test]
async fn the_variant_shapes_are_read_and_the_unknown_row_is_counted() {
    let emu = emulator(Dialect::Variant).await;
    let c = client_with(&emu, 100);
    let t = login(&c, &emu.credentials().admin.key).await;
    let orgs = c.all_organizations(&t).await.unwrap();
    let acme = orgs.iter().find(|o| o.name == "acme-ml").expect("acme-ml").clone();
    assert_eq!((acme.plan, acme.display_name.clone()), (None, None));
    assert!(acme.owner.is_some(), "the owner sent as an id is read");
    assert!(orgs.notes.is_clean(), "{:?}", orgs.notes);
    assert!(!orgs.notes.unknown.is_empty(), "the variant's extra fields are noted");

    let members = c.all_members(&t, acme.id).await.unwrap();
    assert_eq!(members.notes.skipped, 1, "{:?}", members.notes);
    assert!(members.iter().any(|r| r.user.is_some()) && members.iter().any(|r| r.team.is_some()));
    assert!(members.iter().flat_map(|r| &r.roles).all(|r| r.name.is_none()));
    let roles = c.all_roles(&t, acme.id, &RoleFilter::default()).await.unwrap();
    assert!(roles.iter().all(|r| r.level.is_none()));
    let org_level = c
        .all_roles(&t, acme.id, &RoleFilter { level: Some(RoleLevel::Organization), name: None })
        .await
        .unwrap();
    assert!(!org_level.is_empty() && org_level.len() < roles.len());
    let invitations = c.all_invitations(&t, acme.id, &InvitationFilter::default()).await.unwrap();
    assert!(invitations.iter().all(|i| i.role.is_some() && !i.roles.is_empty()), "roles list read");
}

/// The variant answers 422 above `limit` 100: the client shrinks to 100, keeps going, and asks for 100
/// at once from then on.
#[tokio::test]
async fn a_422_on_limit_shrinks_the_page_and_the_server_is_remembered() {
    let emu =
        start(EmulatorConfig { port: 0, dialect: Dialect::Variant, scale: Some(3), ..Default::default() })
            .await
            .unwrap();
    let c = client_with(&emu, 1000);
    let t = login(&c, &emu.credentials().admin.key).await;
    let orgs = c.all_organizations(&t).await.unwrap();
    let big = orgs.iter().find(|o| o.name.starts_with("scale-org-")).expect("a scaled org").clone();
    let members = c.all_members(&t, big.id).await.unwrap();
    assert!(members.len() >= 300, "{}", members.len());
    assert_eq!(c.paging().cap(), Some(100));
    let sent = requests(&emu).await;
    let limits: Vec<u32> = to(&sent, "GET", "/members").iter().filter_map(limit_of).collect();
    assert!(limits.iter().all(|l| *l == 100), "members were asked with the learned cap: {limits:?}");
    let listed: Vec<u32> = to(&sent, "GET", "/organizations").iter().filter_map(limit_of).collect();
    assert_eq!(listed[..2], [1000, 100], "{listed:?}");
}

/// A server that caps pages without saying so loses no rows.
#[tokio::test]
async fn a_silent_cap_loses_nothing() {
    let emu = start(EmulatorConfig { port: 0, scale: Some(2), ..Default::default() }).await.unwrap();
    let c = client_with(&emu, 100);
    let t = login(&c, &emu.credentials().admin.key).await;
    let orgs = c.all_organizations(&t).await.unwrap();
    let big = orgs.iter().find(|o| o.name.starts_with("scale-org-")).expect("a scaled org").clone();
    let uncapped = c.all_members(&t, big.id).await.unwrap().len();

    let c = client_with(&emu, 100);
    let t = login(&c, &emu.credentials().admin.key).await;
    Control::new(&emu)
        .add_fault(json!({"kind": "page_cap", "limit": 30, "path_prefix": "/organizations/"}))
        .await;
    let capped = c.all_members(&t, big.id).await.unwrap();
    assert_eq!(capped.len(), uncapped);
    assert_eq!(c.paging().cap(), Some(30));
}

/// A server that ignores `offset` ends the list with a clear error instead of a loop.
#[tokio::test]
async fn a_server_that_ignores_offset_gives_a_clear_error() {
    let emu = start(EmulatorConfig { port: 0, scale: Some(2), ..Default::default() }).await.unwrap();
    let c = client_with(&emu, 50);
    let t = login(&c, &emu.credentials().admin.key).await;
    let orgs = c.all_organizations(&t).await.unwrap();
    let big = orgs.iter().find(|o| o.name.starts_with("scale-org-")).expect("a scaled org").clone();
    Control::new(&emu).add_fault(json!({"kind": "ignore_offset", "path_prefix": "/organizations/"})).await;
    let e = tokio::time::timeout(Duration::from_secs(20), c.all_members(&t, big.id))
        .await
        .expect("no hang")
        .unwrap_err();
    assert!(matches!(e, ApiError::Paging(_)), "{e:?}");
    assert!(e.to_string().contains("ignore `offset`"), "{e}");
}

/// A list with nothing in it pages to an empty list in one request.
#[tokio::test]
async fn an_empty_list_is_one_request() {
    let emu = emulator(Dialect::Variant).await;
    let c = client_with(&emu, 100);
    let t = login(&c, &emu.credentials().admin.key).await;
    let org = c.get_organization(&t, "acme-ml").await.unwrap();
    Control::new(&emu).reset_requests().await;
    let filter = InvitationFilter { only_pending: false, email: Some("nobody@nowhere.example".into()) };
    let none = c.all_invitations(&t, org.id, &filter).await.unwrap();
    assert!(none.is_empty());
    assert_eq!(to(&requests(&emu).await, "GET", "/invitations").len(), 1);
}

/// An invitation's workspace roles and teams read in both dialects: the demo's new hire holds
/// Organization Member, Workspace Viewer on acme-research and the platform team, whether the server
/// names them (default) or sends ids only (variant), and reading notices nothing amiss.
#[tokio::test]
async fn invitation_roles_with_their_workspace_and_teams_read_in_both_dialects() {
    for dialect in Dialect::ALL {
        let emu = emulator(dialect).await;
        let c = client_with(&emu, 100);
        let t = login(&c, &emu.credentials().admin.key).await;
        let acme =
            c.all_organizations(&t).await.unwrap().iter().find(|o| o.name == "acme-ml").unwrap().clone();
        let research = c.get_workspace(&t, "acme-research").await.unwrap();
        let filter = InvitationFilter { only_pending: true, email: Some("new-hire@acme-ml.example".into()) };
        let list = c.all_invitations(&t, acme.id, &filter).await.unwrap();
        assert!(list.notes.is_clean(), "{dialect}: {:?}", list.notes);
        let hire = &list.items[0];
        assert_eq!(
            hire.role.as_ref().and_then(|r| r.name.as_deref()),
            Some("Organization Member"),
            "{dialect}"
        );
        assert_eq!(hire.organization_roles().len(), 1, "{dialect}");
        let ws = hire.workspace_roles();
        assert_eq!(ws.len(), 1, "{dialect}: {hire:?}");
        assert_eq!(ws[0].workspace_id, Some(research.id), "{dialect}");
        let named = dialect == Dialect::Default;
        assert_eq!(ws[0].name.as_deref(), named.then_some("Workspace Viewer"), "{dialect}");
        assert_eq!(hire.teams.len(), 1, "{dialect}");
        assert_eq!(hire.teams[0].name.as_deref(), named.then_some("platform"), "{dialect}");
    }
}
