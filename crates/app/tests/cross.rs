//! The commands of the pages across organizations against the emulator in both dialects: Home's cards
//! for two signed-in accounts, opening a card of the account that is not active (the account, then
//! the organization, and the window told), People and a person, and their errors.

mod common;

use common::env;
use zenml_pro_app::views::PeopleQueryView;
use zenml_pro_app::{AppEvent, ErrorCode};
use zenml_pro_emulator::{start, Dialect, EmulatorConfig};

#[tokio::test]
async fn home_people_and_a_person_across_two_accounts() {
    for dialect in Dialect::ALL {
        let e = env();
        let emu = start(EmulatorConfig { port: 0, dialect, ..Default::default() }).await.unwrap();
        let creds = emu.credentials().clone();
        let admin = e.app.login_with_key(emu.base_url(), creds.admin.key.clone()).await.unwrap();
        e.app.sync_now().await.unwrap();
        let multi = e.app.login_with_key(emu.base_url(), creds.multi_org.key.clone()).await.unwrap();
        e.app.sync_now().await.unwrap();
        let multi_orgs = e.app.list_organizations().await.unwrap().items;
        assert!(multi_orgs.len() >= 3, "{dialect}: {multi_orgs:?}");

        // Home: a card per organization of each account; the one open in the window is the active
        // account's active organization.
        let home = e.app.home().await.unwrap();
        assert_eq!(home.accounts, 2, "{dialect}");
        let of = |id: &str| home.cards.iter().filter(|c| c.account_id == id).count();
        assert_eq!(of(&multi.id), multi_orgs.len(), "{dialect}");
        assert!(of(&admin.id) >= 1, "{dialect}");
        let current: Vec<_> = home.cards.iter().filter(|c| c.current).collect();
        assert_eq!(current.len(), 1, "{dialect}: {current:?}");
        assert_eq!(current[0].account_id, multi.id, "{dialect}");
        let acme = home.cards.iter().find(|c| c.account_id == admin.id && c.org.name == "acme-ml").unwrap();
        assert!(acme.member_count.is_some_and(|n| n > 3) && acme.pending_invitations.is_some(), "{dialect}");
        assert!(!acme.stale && !acme.fetched_at.is_empty(), "{dialect}");

        // Opening the admin's card from the other account: the account, then the organization.
        let before = e.rec.events().len();
        let opened = e.app.open_organization(admin.id.clone(), acme.org.id.clone()).await.unwrap();
        assert!(opened.active && opened.id == acme.org.id, "{dialect}");
        assert_eq!(e.app.app_state().await.unwrap().active_account.as_deref(), Some(admin.id.as_str()));
        assert_eq!(e.app.organization_overview(None).await.unwrap().org.id, acme.org.id, "{dialect}");
        let events = e.rec.events()[before..].to_vec();
        assert!(events.iter().any(|ev| matches!(ev, AppEvent::SessionChanged {})), "{dialect}");
        assert!(events.iter().any(
            |ev| matches!(ev, AppEvent::ActiveOrgChanged { org_id, account_id } if *org_id == acme.org.id && *account_id == admin.id)
        ));
        let home = e.app.home().await.unwrap();
        let now: Vec<_> =
            home.cards.iter().filter(|c| c.current).map(|c| (&c.account_id, &c.org.id)).collect();
        assert_eq!(now, [(&admin.id, &acme.org.id)], "{dialect}");
        let err = e.app.open_organization(admin.id.clone(), "no-such-org".into()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{dialect}");

        // People: the demo user is one person seen by both accounts; a page holds what it is asked.
        let demo = creds.multi_org.user_email.clone();
        let q =
            PeopleQueryView { search: Some(format!("  {}  ", demo.to_uppercase())), ..Default::default() };
        let page = e.app.people(q).await.unwrap();
        assert_eq!(page.total, 1, "{dialect}: {page:?}");
        let accounts: std::collections::BTreeSet<&str> =
            page.people[0].memberships.iter().map(|m| m.account_id.as_str()).collect();
        assert_eq!(accounts.len(), 2, "{dialect}: seen by both accounts");
        let everyone = e.app.people(PeopleQueryView { limit: Some(3), ..Default::default() }).await.unwrap();
        assert_eq!(everyone.people.len(), 3, "{dialect}");
        assert!(everyone.total > 3 && everyone.organizations as usize == home.cards.len(), "{dialect}");

        // A person: every organization, and what is not cached said in the window's words.
        let p = e.app.person(demo.clone()).await.unwrap();
        assert_eq!(p.organizations.len(), page.people[0].memberships.len(), "{dialect}");
        assert!(p.organizations.iter().all(|o| o.teams.is_none() && o.member_id.is_some()), "{dialect}");
        assert_eq!(p.not_cached.len(), 2, "{dialect}");
        assert!(
            p.not_cached.iter().all(|n| !n.contains("via_team") && !n.contains("zpro")),
            "{:?}",
            p.not_cached
        );
        assert!(p.not_cached[0].contains("through a team"), "{:?}", p.not_cached);
        let err = e.app.person("not an email".into()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{dialect}");
        let err = e.app.person("nobody@nowhere.example".into()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound, "{dialect}");

        // A signed-out account's cards leave Home and it cannot be opened from there.
        e.app.logout(multi.id.clone(), false).await.unwrap();
        let home = e.app.home().await.unwrap();
        assert!(home.cards.iter().all(|c| c.account_id == admin.id), "{dialect}");
        let err = e.app.open_organization(multi.id.clone(), multi_orgs[0].id.clone()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::Unauthorized, "{dialect}: {err:?}");
        emu.shutdown().await;
    }
}

/// The table as another crate sees it (the shell makes its adapters and handler list this way): the
/// rows kept in `ipc_people` come with the others, once each.
#[test]
fn the_table_seen_from_another_crate_has_the_rows_across_organizations() {
    macro_rules! names {
        ($(
            $(#[doc = $doc:literal])*
            async fn $name:ident(&$this:ident $(, $arg:ident : $ty:ty)* $(,)?) -> $ret:ty $body:block
        )*) => {
            const NAMES: &[&str] = &[$(stringify!($name)),*];
        };
    }
    zenml_pro_app::ipc_commands!(names);
    assert_eq!(NAMES, zenml_pro_app::ipc::COMMANDS);
    for name in ["people", "person", "home", "open_organization", "list_members", "open_in_dashboard"] {
        assert_eq!(NAMES.iter().filter(|n| **n == name).count(), 1, "{name}");
    }
}
