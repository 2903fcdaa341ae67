//! The access review's rules: what counts as a finding of each section, from what the cache holds.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;
use zenml_cloud_api::{InvitationStatus, Role, RoleLevel};

use super::{AccessReview, Finding, ReviewOrg, ReviewSection, SectionCount};
use crate::cache::{MemberKind, ReviewData, ReviewOrgRow};
use crate::model::invitation_role_labels;
use crate::reads::stale;
use crate::writes::MANAGING_ROLES;

/// The organization's entry, with its freshness.
pub(crate) fn review_org(
    o: &ReviewOrgRow,
    labels: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> ReviewOrg {
    let at = o.members_at.min(o.invitations_at);
    ReviewOrg {
        account_id: o.account_id.clone(),
        account: labels.get(&o.account_id).cloned().unwrap_or_else(|| o.account_id.clone()),
        org_id: o.org_id,
        org_name: o.org_name.clone(),
        fetched_at: at,
        stale: stale(at, o.failure.is_some(), now),
        last_error: o.failure.clone(),
        members_hidden: o.members_hidden,
    }
}

/// A custom role of the organization (not one of the server's own, nor a workspace role).
pub(super) fn is_custom_role(r: &Role) -> bool {
    r.system_managed == Some(false) && r.level.is_none_or(|l| l == RoleLevel::Organization)
}

/// A role's label as a finding shows it.
fn role_text(name: &str, via_team: bool) -> String {
    if via_team {
        format!("{name} (via a team)")
    } else {
        name.to_owned()
    }
}

/// The review of what was read.
pub(super) fn review(
    data: &ReviewData,
    labels: &HashMap<String, String>,
    accounts: usize,
    stale_days: u32,
    group: &[(Uuid, String)],
    now: DateTime<Utc>,
) -> AccessReview {
    let orgs: HashMap<i64, (&ReviewOrgRow, ReviewOrg)> =
        data.orgs.iter().map(|o| (o.key, (o, review_org(o, labels, now)))).collect();
    // Each organization's roles by id: their names (for rows that came without one) and which are custom.
    let mut roles: HashMap<(i64, Uuid), &Role> = HashMap::new();
    for (key, r) in &data.roles {
        roles.insert((*key, r.id), r);
    }
    let is_custom = |key: i64, id: Uuid| roles.get(&(key, id)).is_some_and(|r| is_custom_role(r));
    let mut findings: Vec<Finding> = Vec::new();
    let base = |org: &ReviewOrg, at: DateTime<Utc>, section: ReviewSection| Finding {
        section,
        account_id: org.account_id.clone(),
        account: org.account.clone(),
        org_id: org.org_id,
        org_name: org.org_name.clone(),
        person: String::new(),
        name: None,
        email: None,
        kind: MemberKind::User,
        id: Uuid::nil(),
        roles: Vec::new(),
        via_team: false,
        detail: String::new(),
        created: None,
        expires: None,
        fetched_at: at,
        stale: stale(at, org.last_error.is_some(), now),
    };

    // Members: admins, service accounts with admin roles, custom roles, roles only through a team; and
    // who is in which organization of the group.
    let mut group_rows: Vec<Finding> = Vec::new();
    for m in &data.members {
        let Some((row_org, org)) = orgs.get(&m.org_key) else { continue };
        let Some(user) = &m.row.user else { continue };
        let kind =
            if user.is_service_account == Some(true) { MemberKind::ServiceAccount } else { MemberKind::User };
        let name_of = |id: Uuid, name: &Option<String>| {
            name.clone()
                .or_else(|| roles.get(&(m.org_key, id)).map(|r| r.name.clone()))
                .unwrap_or_else(|| id.to_string())
        };
        let mut person = base(org, row_org.members_at, ReviewSection::Admin);
        person.person = m.person.clone().unwrap_or_else(|| format!("id:{}", user.id));
        person.name = user.name.clone().filter(|n| !n.trim().is_empty()).or_else(|| user.username.clone());
        person.email = user.email.clone().filter(|e| !e.trim().is_empty());
        person.kind = kind;
        person.id = user.id;
        let with = |section: ReviewSection, held: Vec<(String, bool)>, detail: String| {
            let mut f = person.clone();
            f.section = section;
            f.via_team = !held.is_empty() && held.iter().all(|(_, v)| *v);
            f.roles = held.iter().map(|(n, v)| role_text(n, *v)).collect();
            f.detail = detail;
            f
        };
        let managing: Vec<(String, bool)> = m
            .row
            .roles
            .iter()
            .map(|r| (name_of(r.role_id, &r.name), r.via_team))
            .filter(|(n, _)| MANAGING_ROLES.contains(&n.as_str()))
            .collect();
        if !managing.is_empty() {
            let section = match kind {
                MemberKind::ServiceAccount => ReviewSection::ServiceAccountAdmin,
                _ => ReviewSection::Admin,
            };
            let how = if managing.iter().all(|(_, v)| *v) { " through a team" } else { "" };
            let names: Vec<&str> = managing.iter().map(|(n, _)| n.as_str()).collect();
            findings.push(with(section, managing.clone(), format!("holds {}{how}", names.join(" and "))));
        }
        let custom: Vec<(String, bool)> = m
            .row
            .roles
            .iter()
            .filter(|r| is_custom(m.org_key, r.role_id))
            .map(|r| (name_of(r.role_id, &r.name), r.via_team))
            .collect();
        if !custom.is_empty() {
            findings.push(with(
                ReviewSection::CustomRole,
                custom,
                "holds a custom role: check what it allows (`zpro roles`)".to_owned(),
            ));
        }
        if !m.row.roles.is_empty() && m.row.roles.iter().all(|r| r.via_team) {
            let held: Vec<(String, bool)> =
                m.row.roles.iter().map(|r| (name_of(r.role_id, &r.name), true)).collect();
            findings.push(with(
                ReviewSection::TeamOnly,
                held,
                "every organization role comes through a team (which team is not cached)".to_owned(),
            ));
        }
        if user.is_active == Some(false) && !m.row.roles.is_empty() {
            let held: Vec<(String, bool)> =
                m.row.roles.iter().map(|r| (name_of(r.role_id, &r.name), r.via_team)).collect();
            findings.push(with(
                ReviewSection::Inactive,
                held,
                "marked inactive on the server but still holds these roles: deactivation does not take them \
                 away; offboard them (`zpro offboard`)"
                    .to_owned(),
            ));
        }
        if m.only_in_group && !group.is_empty() {
            let all: Vec<(String, bool)> =
                m.row.roles.iter().map(|r| (name_of(r.role_id, &r.name), r.via_team)).collect();
            group_rows.push(with(ReviewSection::OnlyInOne, all, String::new()));
        }
    }
    let mut in_group: BTreeMap<String, Vec<(Uuid, &Finding)>> = BTreeMap::new();
    for f in &group_rows {
        let seen = in_group.entry(f.person.clone()).or_default();
        if !seen.iter().any(|(o, _)| *o == f.org_id) {
            seen.push((f.org_id, f));
        }
    }
    for seen in in_group.values().filter(|s| s.len() == 1) {
        let (org_id, f) = seen[0];
        let others: Vec<&str> = group.iter().filter(|(g, _)| *g != org_id).map(|(_, n)| n.as_str()).collect();
        let mut f = f.clone();
        f.detail = format!("in {} only; not in {}", f.org_name, others.join(", "));
        findings.push(f);
    }

    // Invitations: stale pending ones and expired ones.
    // So far back that it is before any date (or past what a date can hold): nothing is that stale.
    let cutoff = Duration::try_days(i64::from(stale_days)).and_then(|d| now.checked_sub_signed(d));
    for (key, inv) in &data.invitations {
        let Some((row_org, org)) = orgs.get(key) else { continue };
        let pending = matches!(inv.status, None | Some(InvitationStatus::Pending));
        let lapsed = inv.expires.is_some_and(|e| e <= now);
        let section = if inv.status == Some(InvitationStatus::Expired) || (pending && lapsed) {
            ReviewSection::ExpiredInvitation
        } else if pending && inv.created.zip(cutoff).is_some_and(|(c, cutoff)| c < cutoff) {
            ReviewSection::StaleInvitation
        } else {
            continue;
        };
        let mut f = base(org, row_org.invitations_at, section);
        f.person = inv.email.trim().to_lowercase();
        f.email = Some(inv.email.clone());
        f.kind = MemberKind::Invitation;
        f.id = inv.id;
        f.roles = invitation_role_labels(inv);
        f.created = inv.created;
        f.expires = inv.expires;
        f.detail = match (section, inv.created, inv.expires) {
            (ReviewSection::StaleInvitation, Some(c), _) => {
                format!("pending for {} days (sent {})", (now - c).num_days(), c.format("%Y-%m-%d"))
            }
            (_, _, Some(e)) => format!("expired on {}", e.format("%Y-%m-%d")),
            _ => "expired".to_owned(),
        };
        findings.push(f);
    }

    findings.sort_by(|a, b| {
        (a.section, &a.org_name, &a.account, &a.person, a.id).cmp(&(
            b.section,
            &b.org_name,
            &b.account,
            &b.person,
            b.id,
        ))
    });
    let sections = ReviewSection::ALL
        .iter()
        .filter(|s| **s != ReviewSection::OnlyInOne || !group.is_empty())
        .map(|s| SectionCount {
            section: *s,
            title: s.title().to_owned(),
            count: findings.iter().filter(|f| f.section == *s).count(),
        })
        .collect();
    let organizations: Vec<ReviewOrg> = data.orgs.iter().map(|o| orgs[&o.key].1.clone()).collect();
    let mut notes = Vec::new();
    let hidden: HashSet<&str> =
        organizations.iter().filter(|o| o.members_hidden).map(|o| o.org_name.as_str()).collect();
    if !hidden.is_empty() {
        let mut names: Vec<&str> = hidden.into_iter().collect();
        names.sort_unstable();
        notes.push(format!(
            "members not visible to your role in: {} (their members are not reviewed)",
            names.join(", ")
        ));
    }
    notes.push(
        "custom roles: what they allow is not cached, so their holders are listed to check, not counted as admins"
            .to_owned(),
    );
    notes.push(
        "teams: which team grants a role is not cached (roles through a team say \"via a team\")".to_owned(),
    );
    AccessReview {
        stale_days,
        group: group.iter().map(|(_, n)| n.clone()).collect(),
        findings,
        sections,
        accounts: accounts.max(organizations.iter().map(|o| &o.account_id).collect::<HashSet<_>>().len()),
        fetched_at: organizations.iter().map(|o| o.fetched_at).min(),
        stale: organizations.is_empty() || organizations.iter().any(|o| o.stale),
        last_error: organizations.iter().find_map(|o| o.last_error.clone()),
        organizations,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::ReviewMember;
    use serde_json::json;

    const KEY: i64 = 1;

    fn org(now: DateTime<Utc>) -> ReviewOrgRow {
        ReviewOrgRow {
            key: KEY,
            account_id: "acc".into(),
            org_id: Uuid::from_u128(1),
            org_name: "acme".into(),
            members_at: now,
            invitations_at: now - Duration::minutes(5),
            failure: None,
            members_hidden: false,
        }
    }

    fn member(v: serde_json::Value, only_in_group: bool) -> ReviewMember {
        let row: zenml_cloud_api::MemberRow = serde_json::from_value(v).unwrap();
        let person = row.user.as_ref().and_then(|u| u.email.clone());
        ReviewMember { org_key: KEY, person, row, only_in_group }
    }

    fn sections(r: &AccessReview) -> Vec<(ReviewSection, String)> {
        r.findings.iter().map(|f| (f.section, f.person.clone())).collect()
    }

    /// Roles named only by id are named from the organization's roles; a custom role is found by
    /// its roles-table entry; a member with one direct role is not "only through a team"; an
    /// invitation without a sending time is never stale, one past its expiry is expired; each
    /// finding is stamped with its own list's time, and the report with the oldest.
    #[test]
    fn the_rules_read_what_the_cache_can_tell() {
        let now = Utc::now();
        let (admin, custom, member_role) = (Uuid::from_u128(10), Uuid::from_u128(11), Uuid::from_u128(12));
        let roles = vec![
            (
                KEY,
                serde_json::from_value(
                    json!({"id": admin, "name": "Organization Admin", "system_managed": true}),
                )
                .unwrap(),
            ),
            (
                KEY,
                serde_json::from_value(json!({"id": custom, "name": "Auditor", "system_managed": false}))
                    .unwrap(),
            ),
            (
                KEY,
                serde_json::from_value(
                    json!({"id": member_role, "name": "Organization Member", "system_managed": true}),
                )
                .unwrap(),
            ),
        ];
        let user = |n: u128, email: &str| json!({"id": Uuid::from_u128(n), "email": email});
        let members = vec![
            member(json!({"user": user(20, "a@x.example"), "roles": [{"role_id": admin}]}), false),
            member(
                json!({"user": user(21, "b@x.example"), "roles": [{"role_id": custom, "name": "Auditor"}]}),
                false,
            ),
            member(
                json!({"user": user(22, "c@x.example"), "roles": [
                {"role_id": member_role, "via_team": true}, {"role_id": member_role}]}),
                false,
            ),
            member(
                json!({"user": user(23, "d@x.example"), "roles": [{"role_id": admin, "via_team": true}]}),
                true,
            ),
            // Marked inactive: with a role a finding, without one (nothing left to take away) none.
            member(
                json!({"user": {"id": Uuid::from_u128(24), "email": "e@x.example", "is_active": false},
                       "roles": [{"role_id": member_role}]}),
                false,
            ),
            member(
                json!({"user": {"id": Uuid::from_u128(25), "email": "f@x.example", "is_active": false},
                       "roles": []}),
                false,
            ),
        ];
        let inv = |n: u128, email: &str, created: Option<DateTime<Utc>>, expires: DateTime<Utc>| {
            (
                KEY,
                serde_json::from_value(json!({"id": Uuid::from_u128(n), "email": email, "created": created,
                "expires": expires, "status": "pending"}))
                .unwrap(),
            )
        };
        let invitations = vec![
            inv(30, "old@x.example", Some(now - Duration::days(20)), now + Duration::days(5)),
            inv(31, "new@x.example", Some(now - Duration::days(2)), now + Duration::days(5)),
            inv(32, "when@x.example", None, now + Duration::days(5)),
            inv(33, "lapsed@x.example", Some(now - Duration::days(1)), now - Duration::minutes(1)),
        ];
        let data = ReviewData { orgs: vec![org(now)], members, invitations, roles };
        let labels = HashMap::from([("acc".to_owned(), "me@x.example".to_owned())]);
        let group = [(Uuid::from_u128(1), "acme".to_owned()), (Uuid::from_u128(2), "orbit".to_owned())];
        let r = review(&data, &labels, 1, 14, &group, now);
        assert_eq!(
            sections(&r),
            [
                (ReviewSection::Admin, "a@x.example".to_owned()),
                (ReviewSection::Admin, "d@x.example".to_owned()),
                (ReviewSection::CustomRole, "b@x.example".to_owned()),
                (ReviewSection::TeamOnly, "d@x.example".to_owned()),
                (ReviewSection::Inactive, "e@x.example".to_owned()),
                (ReviewSection::StaleInvitation, "old@x.example".to_owned()),
                (ReviewSection::ExpiredInvitation, "lapsed@x.example".to_owned()),
                (ReviewSection::OnlyInOne, "d@x.example".to_owned()),
            ]
        );
        let d = &r.findings[1];
        assert!(d.via_team && d.roles == ["Organization Admin (via a team)"], "{d:?}");
        assert!(d.detail.ends_with("through a team"), "{d:?}");
        let e = &r.findings[4];
        assert!(e.roles == ["Organization Member"] && e.detail.contains("inactive"), "{e:?}");
        assert_eq!(r.findings[7].detail, "in acme only; not in orbit");
        assert_eq!((r.findings[0].fetched_at, r.findings[5].fetched_at), (now, now - Duration::minutes(5)));
        assert_eq!((r.fetched_at, r.stale, r.accounts), (Some(now - Duration::minutes(5)), false, 1));
        assert_eq!(r.findings[0].account, "me@x.example");
        let counts: Vec<usize> = r.sections.iter().map(|s| s.count).collect();
        assert_eq!(counts, [2, 0, 1, 1, 1, 1, 1, 1]);
        // A longer patience leaves no stale invitation; no group, no group section.
        let r = review(&data, &labels, 30, 30, &[], now);
        assert!(!r.findings.iter().any(|f| f.section == ReviewSection::StaleInvitation));
        assert!(r.sections.iter().all(|s| s.section != ReviewSection::OnlyInOne));
        assert!(!r.findings.iter().any(|f| f.section == ReviewSection::OnlyInOne));
        // Patience past any date a calendar holds: nothing is that stale, and nothing panics.
        for days in [1_000_000, 100_000_000, u32::MAX] {
            let r = review(&data, &labels, 30, days, &[], now);
            assert!(!r.findings.iter().any(|f| f.section == ReviewSection::StaleInvitation), "{days}");
            assert!(r.findings.iter().any(|f| f.section == ReviewSection::ExpiredInvitation), "{days}");
        }
    }
}
