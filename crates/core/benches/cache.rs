//! Cache figures: replacing a snapshot of 20,000 members, opening the cache and listing organizations,
//! and searching 20,000 members.
//! Run with `cargo bench -p zenml-pro-core --bench cache`; it prints figures, it does not judge them
//! (targets: replacing a 20,000-member snapshot under 200 ms, open + list under 20 ms, a search of
//! 20,000 members under 20 ms).

use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;
use uuid::Uuid;
use zenml_cloud_api::MemberRow;
use zenml_pro_core::{account_id, cache_path, AccountRecord, AuthMethod, Cache, MemberQuery, OrgSnapshot};

const MEMBERS: usize = 20_000;
const ORGS: usize = 20;

fn main() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = cache_path(dir.path());
    let (cache, _) = Cache::open(&path).expect("open");
    let user = Uuid::new_v4();
    let acc = account_id("https://bench.example.test", user);
    let now = Utc::now();
    cache
        .upsert_account(&AccountRecord {
            id: acc.clone(),
            base_url: "https://bench.example.test".into(),
            user_id: user,
            user_email: None,
            user_name: None,
            auth_method: AuthMethod::Device,
            device_id: None,
            token_expires_at: None,
            created_at: now,
            last_used_at: now,
            signed_in: true,
        })
        .expect("account");
    let role_ids: Vec<Uuid> = ROLES.iter().map(|_| Uuid::new_v4()).collect();
    let mut big = None;
    let mut big_snap = None;
    for o in 0..ORGS {
        let oid = Uuid::new_v4();
        let n = if o == 0 { MEMBERS } else { 200 };
        let organization = serde_json::from_value(json!({
            "id": oid, "name": format!("org-{o:02}"), "created": "2024-01-01T00:00:00Z",
            "updated": "2024-01-01T00:00:00Z"
        }))
        .expect("org");
        let members = member_rows(n, &role_ids);
        let snap = OrgSnapshot {
            organization,
            workspaces: vec![],
            members,
            invitations: vec![],
            roles: vec![],
            teams: vec![],
            reads: Default::default(),
        };
        let t = Instant::now();
        cache.replace_org_snapshot(&acc, &snap, now).expect("snapshot");
        if o == 0 {
            println!(
                "replace a snapshot of {n} members (first time, nothing to delete): {}",
                ms(t.elapsed())
            );
            big = Some(oid);
            big_snap = Some(snap);
        }
    }
    // A sync replaces what the last one wrote. Mostly it finds the same members again; in the worst case
    // every row is new (every old row deleted, every new one inserted).
    let mut big_snap = big_snap.expect("the big snapshot");
    let again = best_of(3, || cache.replace_org_snapshot(&acc, &big_snap, now).expect("snapshot"));
    println!("replace it again, same {MEMBERS} members: {}", ms(again));
    for row in big_snap.members.iter_mut().step_by(100) {
        row.roles.reverse();
        row.roles.push(row.roles[0].clone());
        row.roles[0].name = Some(ROLES[0].into());
    }
    let t = Instant::now();
    cache.replace_org_snapshot(&acc, &big_snap, now).expect("snapshot");
    println!("replace it again, 1 in 100 members' roles changed: {}", ms(t.elapsed()));
    let all_new = (0..3)
        .map(|_| {
            big_snap.members = member_rows(MEMBERS, &role_ids);
            let t = Instant::now();
            cache.replace_org_snapshot(&acc, &big_snap, now).expect("snapshot");
            t.elapsed()
        })
        .min()
        .unwrap_or_default();
    println!("replace it again, all {MEMBERS} members new (delete + insert): {}", ms(all_new));
    drop(cache);
    let big = big.expect("the big org");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "cache file: {:.1} MiB ({ORGS} organizations, {} members)",
        size as f64 / 1048576.0,
        MEMBERS + 200 * (ORGS - 1)
    );

    let open_list = best_of(10, || {
        let (cache, _) = Cache::open(&path).expect("open");
        let orgs = cache.organizations(&acc).expect("orgs");
        assert_eq!(orgs.len(), ORGS);
    });
    println!("open the cache and list organizations: {}", ms(open_list));

    let (cache, _) = Cache::open(&path).expect("open");
    let check = best_of(3, || cache.check_integrity().expect("intact"));
    println!("full integrity check (background, after open): {}", ms(check));
    let queries = [
        (
            "search \"surname97\" (first page of 50)",
            MemberQuery { search: Some("surname97".into()), limit: Some(50), ..Default::default() },
        ),
        (
            "search \"company7.example\" (first page of 50)",
            MemberQuery { search: Some("COMPANY7.example".into()), limit: Some(50), ..Default::default() },
        ),
        (
            "search with no match",
            MemberQuery { search: Some("zzz-nothing".into()), limit: Some(50), ..Default::default() },
        ),
        (
            "role filter (first page of 50)",
            MemberQuery { role: Some("Organization Viewer".into()), limit: Some(50), ..Default::default() },
        ),
        (
            "search + role (first page of 50)",
            MemberQuery {
                search: Some("person1".into()),
                role: Some("Organization Admin".into()),
                limit: Some(50),
                ..Default::default()
            },
        ),
        ("page 200 of 50, no filter", MemberQuery { offset: 10_000, limit: Some(50), ..Default::default() }),
        ("every member, no limit", MemberQuery::default()),
    ];
    for (label, q) in queries {
        let mut total = 0;
        let t = best_of(10, || total = cache.members(&acc, big, &q).expect("members").value.total);
        println!("{label}: {} ({total} match)", ms(t));
    }
}

const ROLES: [&str; 4] =
    ["Organization Admin", "Organization Manager", "Organization Viewer", "Organization Member"];

/// `n` users (new ids each call), each with one of the four roles.
fn member_rows(n: usize, role_ids: &[Uuid]) -> Vec<MemberRow> {
    (0..n)
        .map(|i| {
            let r = i % ROLES.len();
            serde_json::from_value(json!({
                "user": {"id": Uuid::new_v4(), "name": format!("Person {i} Surname{}", i % 977),
                         "username": format!("person{i}"), "email": format!("person{i}@company{}.example", i % 31)},
                "roles": [{"role_id": role_ids[r], "name": ROLES[r], "level": "organization", "via_team": false}]
            }))
            .expect("row")
        })
        .collect()
}

fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
