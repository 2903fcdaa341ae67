//! The write pipeline against a server changed behind the cache: a second core on its own data
//! directory (another admin's session) changes the server, then the first one, whose cache has not
//! seen it, writes. Each write reads its target from the server first, acts on what it read, and
//! journals what the server had, not what the cache said. In every dialect the emulator speaks.

mod common;

use std::sync::Arc;

use common::*;
use tempfile::TempDir;
use uuid::Uuid;
use zenml_pro_core::api::{ApiKey, WorkspaceStatus};
use zenml_pro_core::*;
use zenml_pro_emulator::{Dialect, EmulatorConfig};

/// Two signed-in, synced sessions of the admin on one emulator: `e.core` (the one that writes last)
/// and `other` (the one that changes the server behind it).
struct Two {
    e: Env,
    a: String,
    org: Uuid,
    other: Core,
    b: String,
    _other_dir: TempDir,
}

async fn sign_in(core: &Core, e: &Env) -> String {
    let key = ApiKey::new(&e.emu.credentials().admin.key);
    let account = core.login_with_key(&e.emu.base_url(), key).await.expect("sign-in").id;
    let report = core
        .sync(&account, &SyncOptions::default(), &no_progress(), &CancellationToken::new())
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    account
}

async fn two_admins(dialect: Dialect) -> Two {
    let e = env_with(EmulatorConfig { dialect, ..Default::default() }).await;
    let a = sign_in(&e.core, &e).await;
    let org = e.core.resolve_org(&a, Some("acme-ml")).unwrap();
    let other_dir = tempfile::tempdir().unwrap();
    let other = open_core(other_dir.path(), Arc::new(MemoryKeyring::new()));
    let b = sign_in(&other, &e).await;
    Two { e, a, org, other, b, _other_dir: other_dir }
}

/// The first core's journal, newest first.
fn journal(core: &Core, kind: ActivityKind) -> Vec<ActivityEntry> {
    core.activity(&ActivityQuery { kind: Some(kind), ..Default::default() }).unwrap().entries
}

fn newest(core: &Core, kind: ActivityKind) -> ActivityEntry {
    journal(core, kind).into_iter().next().unwrap_or_else(|| panic!("no {kind:?} entry"))
}

/// A team renamed behind the cache is renamed from its server name, and the journal says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_renamed_behind_the_cache_is_renamed_from_its_server_name() {
    for dialect in Dialect::ALL {
        let t = two_admins(dialect).await;
        let (core, a, org) = (&t.e.core, t.a.as_str(), t.org);
        let team = core.find_team(a, org, "platform").unwrap();
        t.other.update_team(&t.b, org, "platform", Some("platform-b".into()), None).await.unwrap();
        assert_eq!(core.find_team(a, org, &team.id.to_string()).unwrap().name, "platform", "not seen yet");

        let renamed = core.update_team(a, org, "platform", Some("platform-a".into()), None).await.unwrap();
        assert_eq!((renamed.id, renamed.name.as_str()), (team.id, "platform-a"), "{dialect}");
        let e = newest(core, ActivityKind::TeamRename);
        assert!(e.ok, "{dialect}: {e:?}");
        assert_eq!(
            e.replaced.name.as_deref(),
            Some("platform-b"),
            "{dialect}: the server's name, not the cache's"
        );
        assert_eq!(e.target, "platform-b", "{dialect}");
        assert_eq!(e.target_id, Some(team.id.to_string()));
        assert_eq!(e.detail.as_deref(), Some("platform-a"));
        assert_eq!(core.find_team(a, org, "platform-a").unwrap().id, team.id, "{dialect}: cached at once");

        // A description changed behind it (the other session names the team by id: its cache says
        // platform-b): the journal keeps the server's.
        let id = team.id.to_string();
        t.other.update_team(&t.b, org, &id, None, Some("Theirs".into())).await.unwrap();
        core.update_team(a, org, "platform-a", None, Some("Mine".into())).await.unwrap();
        let e = newest(core, ActivityKind::TeamDescription);
        assert_eq!(e.replaced.description.as_deref(), Some("Theirs"), "{dialect}: {e:?}");
    }
}

/// A team deleted behind the cache: a rename, a member change or a delete of it says it is gone, sends
/// nothing more, and is journaled as failed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_deleted_behind_the_cache_is_already_gone() {
    for dialect in Dialect::ALL {
        let t = two_admins(dialect).await;
        let (core, a, org) = (&t.e.core, t.a.as_str(), t.org);
        t.other.delete_team(&t.b, org, "data-science").await.unwrap();

        let before = requests(&t.e.emu).await;
        let err = core.delete_team(a, org, "data-science").await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{dialect}: {err:?}");
        assert!(err.message.contains("no longer exists on the server"), "{dialect}: {err}");
        let err =
            core.add_to_team(a, org, "data-science", &["viewer@acme-ml.example".into()]).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{dialect}: {err:?}");
        let err = core.update_team(a, org, "data-science", Some("ds".into()), None).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{dialect}: {err:?}");
        assert_eq!(requests(&t.e.emu).await, before + 3, "{dialect}: one read each, nothing else sent");

        let e = newest(core, ActivityKind::TeamDelete);
        assert_eq!((e.ok, e.error_code.as_deref()), (false, Some("not_found")), "{dialect}: {e:?}");
        assert_eq!(e.target, "data-science");

        // An id the cache does not know is not found as an id, never taken for a name.
        let unknown = Uuid::new_v4().to_string();
        let err = core.find_team(a, org, &unknown).unwrap_err();
        assert!(err.message.starts_with("no team with the id"), "{dialect}: {err}");
    }
}

/// Members added behind the cache are read as already in: nothing is sent for them, one entry per
/// email; a team role changed behind it is journaled as the server's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_members_and_roles_changed_behind_the_cache_are_read_from_the_server() {
    for dialect in Dialect::ALL {
        let t = two_admins(dialect).await;
        let (core, a, org) = (&t.e.core, t.a.as_str(), t.org);
        t.other.add_to_team(&t.b, org, "platform", &["member@acme-ml.example".into()]).await.unwrap();

        let emails = vec!["member@acme-ml.example".to_owned(), "viewer@acme-ml.example".to_owned()];
        let before = requests(&t.e.emu).await;
        let out = core.add_to_team(a, org, "platform", &emails).await.unwrap();
        assert!(out[0].ok && out[0].unchanged, "{dialect}: {out:?}");
        assert!(out[1].ok && !out[1].unchanged, "{dialect}: {out:?}");
        let sent = requests(&t.e.emu).await - before;
        // The team's members read, one add; then the organization re-fetched (several reads).
        assert!(sent >= 2, "{dialect}: {sent}");
        let entries = journal(core, ActivityKind::TeamMemberAdd);
        let targets: Vec<&str> = entries.iter().map(|e| e.target.as_str()).collect();
        assert_eq!(targets, ["viewer@acme-ml.example", "member@acme-ml.example"], "{dialect}: one per email");
        assert!(entries.iter().all(|e| e.ok && e.detail.as_deref() == Some("team platform")), "{entries:?}");

        // The team's organization role: Viewer in the cache, Member on the server now.
        t.other.set_team_role(&t.b, org, "platform", "Organization Member").await.unwrap();
        let roles = core.set_team_role(a, org, "platform", "Organization Manager").await.unwrap();
        assert_eq!(roles.iter().map(|r| r.label()).collect::<Vec<_>>(), ["Organization Manager"]);
        let e = newest(core, ActivityKind::TeamRole);
        let replaced: Vec<_> = e.replaced.roles.iter().map(|r| r.name.clone().unwrap_or_default()).collect();
        assert_eq!(replaced, ["Organization Member"], "{dialect}: the server's role, not the cached Viewer");
        // And the server holds exactly the new one.
        t.other.sync(&t.b, &SyncOptions::default(), &no_progress(), &CancellationToken::new()).await.unwrap();
        let row = t.other.find_member(&t.b, org, "ml-engineer@acme-ml.example").unwrap();
        let via: Vec<String> = row.roles.iter().filter(|r| r.via_team).map(|r| r.label()).collect();
        assert!(via.contains(&"Organization Manager".to_owned()), "{dialect}: {via:?}");
        assert!(!via.contains(&"Organization Member".to_owned()), "{dialect}: {via:?}");
    }
}

/// A workspace renamed behind the cache is renamed from its server name; its state change journals
/// the server's state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_changed_behind_the_cache_is_journaled_as_the_server_had_it() {
    for dialect in Dialect::ALL {
        let t = two_admins(dialect).await;
        let (core, a, org) = (&t.e.core, t.a.as_str(), t.org);
        let ws = core.find_workspace(a, org, "acme-research").unwrap();
        t.other.update_workspace(&t.b, org, "acme-research", Some("research-b".into()), None).await.unwrap();

        let renamed =
            core.update_workspace(a, org, "acme-research", Some("research-a".into()), None).await.unwrap();
        assert_eq!((renamed.id, renamed.name.as_str()), (ws.id, "research-a"), "{dialect}");
        let e = newest(core, ActivityKind::WorkspaceRename);
        assert_eq!(e.replaced.name.as_deref(), Some("research-b"), "{dialect}: {e:?}");
        assert_eq!((e.target.as_str(), e.target_id.clone()), ("research-b", Some(ws.id.to_string())));

        // Its state, as the server has it when asked (the cache says what it was at sync).
        let cached = core.find_workspace(a, org, "acme-legacy").unwrap().status;
        core.set_workspace_state(a, org, "acme-legacy", WorkspaceStatus::Available).await.unwrap();
        let e = newest(core, ActivityKind::WorkspaceState);
        assert_eq!(e.replaced.state.as_deref(), Some(cached.as_str()), "{dialect}: {e:?}");
        assert_eq!(e.detail.as_deref(), Some("available"));
    }
}

/// A workspace role taken away behind the cache: revoking it again says it is not held, sends no
/// revoke, and is journaled as failed; granting what is held already sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoke_of_a_role_taken_away_behind_the_cache_says_so() {
    for dialect in Dialect::ALL {
        let t = two_admins(dialect).await;
        let (core, a, org) = (&t.e.core, t.a.as_str(), t.org);
        t.other.revoke_workspace_role(&t.b, org, "acme-prod", "platform", "Workspace Admin").await.unwrap();

        let before = requests(&t.e.emu).await;
        let err =
            core.revoke_workspace_role(a, org, "acme-prod", "platform", "Workspace Admin").await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{dialect}: {err:?}");
        assert!(
            err.message.contains("platform does not hold Workspace Admin on acme-prod on the server"),
            "{dialect}: {err}"
        );
        assert_eq!(requests(&t.e.emu).await, before + 1, "{dialect}: the read only");
        let e = newest(core, ActivityKind::GrantRevoke);
        assert_eq!((e.ok, e.error_code.as_deref()), (false, Some("not_found")), "{dialect}: {e:?}");
        assert_eq!(e.detail.as_deref(), Some("Workspace Admin on acme-prod"));

        // Granted behind it: granting again sends only the read, and is no error.
        t.other
            .grant_workspace_role(&t.b, org, "acme-prod", "data-science", "Workspace Viewer")
            .await
            .unwrap();
        let before = requests(&t.e.emu).await;
        let held =
            core.grant_workspace_role(a, org, "acme-prod", "data-science", "Workspace Viewer").await.unwrap();
        assert_eq!((held.holder.as_str(), held.role.as_str()), ("data-science", "Workspace Viewer"));
        assert_eq!(requests(&t.e.emu).await, before + 1, "{dialect}: the read only");

        // A revoke that takes: the journal says what was taken.
        core.revoke_workspace_role(a, org, "acme-prod", "data-science", "Workspace Viewer").await.unwrap();
        let e = newest(core, ActivityKind::GrantRevoke);
        assert!(e.ok, "{e:?}");
        assert_eq!(e.replaced.roles[0].workspace.as_deref(), Some("acme-prod"), "{dialect}: {e:?}");
    }
}

/// Two members whose emails are the same only by Unicode case folding (KELVIN SIGN is not `k`): a
/// grant by either email goes to exactly that member.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_by_email_resolves_to_the_exact_member() {
    for dialect in Dialect::ALL {
        let t = two_admins(dialect).await;
        let (core, a, org) = (&t.e.core, t.a.as_str(), t.org);
        let plain = "kate@acme-ml.example";
        let kelvin = "\u{212A}ate@acme-ml.example";
        let sent = t
            .other
            .invite(&t.b, org, &[plain.to_owned(), kelvin.to_owned()], "Organization Member")
            .await
            .unwrap();
        assert!(sent.iter().all(|o| o.error.is_none()), "{dialect}: {sent:?}");
        for email in [plain, kelvin] {
            control(&t.e.emu, "invitations/accept", serde_json::json!({ "email": email })).await;
        }
        core.sync(a, &SyncOptions::default(), &no_progress(), &CancellationToken::new()).await.unwrap();
        let id_of = |email: &str| core.find_member(a, org, email).unwrap().user.unwrap().id;
        let (plain_id, kelvin_id) = (id_of(plain), id_of(kelvin));
        assert_ne!(plain_id, kelvin_id, "{dialect}: two members");

        for (typed, id) in [("KATE@acme-ml.example", plain_id), (kelvin, kelvin_id)] {
            let g = core.find_grantee(a, org, typed).unwrap();
            assert_eq!((g.kind, g.id), ("user", id), "{dialect}: {typed}");
        }
        let granted = core
            .grant_workspace_role(a, org, "acme-prod", "KATE@acme-ml.example", "Workspace Viewer")
            .await
            .unwrap();
        assert_eq!((granted.holder_id, granted.holder.as_str()), (plain_id, plain), "{dialect}");
        let access = core.workspace_access(a, org, "acme-prod").await.unwrap();
        let holders: Vec<Uuid> =
            access.iter().filter(|x| x.role == "Workspace Viewer").map(|x| x.holder_id).collect();
        assert!(holders.contains(&plain_id) && !holders.contains(&kelvin_id), "{dialect}: {holders:?}");
        let e = newest(core, ActivityKind::GrantAdd);
        assert_eq!(
            (e.target.as_str(), e.target_id.clone()),
            (plain, Some(plain_id.to_string())),
            "{dialect}"
        );
    }
}

/// An invitation whose team was deleted behind the cache is refused before anything is sent; a resend
/// of an invitation accepted behind it is a conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invitations_read_what_they_give_and_resend_reads_the_invitation() {
    for dialect in Dialect::ALL {
        let t = two_admins(dialect).await;
        let (core, a, org) = (&t.e.core, t.a.as_str(), t.org);
        t.other.delete_team(&t.b, org, "data-science").await.unwrap();
        let spec =
            InviteSpec { teams: vec!["data-science".into()], ..InviteSpec::role("Organization Member") };
        let err = core.invite_with(a, org, &["fresh@acme-ml.example".into()], &spec).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{dialect}: {err:?}");
        assert!(err.message.contains("the team data-science no longer exists"), "{dialect}: {err}");
        let e = newest(core, ActivityKind::Invite);
        assert_eq!((e.ok, e.target.as_str()), (false, "fresh@acme-ml.example"), "{dialect}: {e:?}");
        t.other.sync(&t.b, &SyncOptions::default(), &no_progress(), &CancellationToken::new()).await.unwrap();
        assert!(t.other.find_invitation(&t.b, org, "fresh@acme-ml.example").is_err(), "{dialect}: none sent");

        // The batch: one entry per email, with the roles as the server names them.
        let emails = vec!["one@acme-ml.example".to_owned(), "two@acme-ml.example".to_owned()];
        let out = core.invite(a, org, &emails, "Organization Viewer").await.unwrap();
        assert!(out.iter().all(|o| o.error.is_none()), "{dialect}: {out:?}");
        let entries = journal(core, ActivityKind::Invite);
        assert_eq!(entries.len(), 3, "{dialect}: {entries:?}");
        for (e, o) in entries.iter().zip(out.iter().rev()) {
            assert_eq!(e.target, o.email);
            assert_eq!(e.target_id, o.invitation.as_ref().map(|i| i.id.to_string()));
            assert_eq!(e.detail.as_deref(), Some("Organization Viewer"));
        }

        control(&t.e.emu, "invitations/accept", serde_json::json!({ "email": "contractor@partner.example" }))
            .await;
        let err = core.resend_invitation(a, org, "contractor@partner.example").await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Conflict, "{dialect}: {err:?}");
        assert!(err.message.contains("member now"), "{dialect}: {err}");
        let e = newest(core, ActivityKind::Resend);
        assert_eq!((e.ok, e.error_code.as_deref()), (false, Some("conflict")), "{dialect}: {e:?}");
    }
}
