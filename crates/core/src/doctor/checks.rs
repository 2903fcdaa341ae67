//! Running the doctor's checks against one server: reachability, clock, sign-in, one read of each
//! list, the last sync, and the server's published API description.

use chrono::Utc;
use uuid::Uuid;
use zenml_cloud_api::openapi::{check_document, Finding, FindingKind};
use zenml_cloud_api::{InvitationFilter, Listing, Page, RoleFilter, WorkspaceFilter};

use super::{error_words, notes_checks, CheckResult, Checks, DoctorReport, DoctorStatus, CLOCK_SKEW_LIMIT};
use crate::cache::{Entity, SyncOutcome};
use crate::error::{CoreError, ErrorCode, Result};
use crate::service::Core;

impl Core {
    /// Runs every check against `base_url`, signed in as `account_id` when given. Only reads.
    pub async fn doctor(&self, account_id: Option<&str>, base_url: &str) -> Result<DoctorReport> {
        let client = self.client(base_url)?;
        let mut checks = Checks::default();
        let report = |checks: Checks, status| DoctorReport {
            server: client.base_url().to_owned(),
            status,
            checked_at: Utc::now(),
            checks: checks.0,
        };

        // Connection, TLS, latency, clock.
        let probe = match client.probe(&["openapi.json"]).await {
            Ok(p) => p,
            Err(e) => {
                checks.add("connection", "reachable", CheckResult::Fail, CoreError::from(e).message);
                return Ok(report(checks, DoctorStatus::Unreachable));
            }
        };
        checks.add(
            "connection",
            "reachable",
            CheckResult::Ok,
            format!("answered in {} ms", probe.elapsed.as_millis()),
        );
        if client.base_url().starts_with("https://") {
            checks.add(
                "connection",
                "encryption",
                CheckResult::Ok,
                "https, with a certificate this computer trusts",
            );
        } else {
            checks.add(
                "connection",
                "encryption",
                CheckResult::Info,
                "plain http (allowed only on this computer)",
            );
        }
        match probe.date {
            Some(theirs) => {
                let skew = Utc::now() - theirs;
                let secs = skew.num_seconds();
                let result = if secs.unsigned_abs() <= CLOCK_SKEW_LIMIT.as_secs() {
                    CheckResult::Ok
                } else {
                    CheckResult::Warn
                };
                let detail = match secs {
                    0 => "the server's clock agrees with this computer's".to_owned(),
                    s if s > 0 => format!("the server's clock is {s} s behind this computer's"),
                    s => format!("the server's clock is {} s ahead of this computer's", -s),
                };
                checks.add("clock", "clock skew", result, detail);
            }
            None => checks.add("clock", "clock skew", CheckResult::Info, "the server sends no Date header"),
        }

        // The published schema.
        let document =
            probe.json.filter(|d| probe.status == 200 && d.get("paths").is_some_and(|p| p.is_object()));
        match &document {
            Some(doc) => {
                let base_path =
                    url::Url::parse(client.base_url()).map(|u| u.path().to_owned()).unwrap_or_default();
                let found = check_document(doc, &base_path);
                let is_field = |f: &&Finding| {
                    matches!(f.kind, FindingKind::UndeclaredField | FindingKind::MistypedField)
                };
                let missing = found.findings.iter().filter(|f| !is_field(f)).count();
                if missing == 0 {
                    checks.add(
                        "schema",
                        "routes",
                        CheckResult::Ok,
                        format!(
                            "all {} routes the app uses exist, with every parameter it sends",
                            found.routes_checked
                        ),
                    );
                }
                for f in &found.findings {
                    let detail = match f.kind {
                        FindingKind::MissingRoute => "the server's schema has no such route".to_owned(),
                        FindingKind::MissingMethod => "the route exists but not with this method".to_owned(),
                        FindingKind::UndeclaredParameter => {
                            format!("the query parameter `{}` is not declared", f.name)
                        }
                        FindingKind::UndeclaredField => {
                            format!(
                                "`{}` is read by the app but not declared (read as absent when missing)",
                                f.name
                            )
                        }
                        FindingKind::MistypedField => {
                            format!("`{}` is {} (values it cannot read are read as absent)", f.name, f.detail)
                        }
                    };
                    checks.add("schema", f.route.clone(), CheckResult::Warn, detail);
                }
                if !found.findings.iter().any(|f| is_field(&f)) {
                    checks.add(
                        "schema",
                        "fields",
                        CheckResult::Ok,
                        "every field the app reads is declared, with a type the app reads it as",
                    );
                }
                match found.limit_max {
                    Some(max) => {
                        client.paging().set_cap(max.min(u64::from(u32::MAX)) as u32);
                        checks.add(
                            "schema",
                            "page size",
                            CheckResult::Info,
                            format!("lists take at most {max} rows a page; paging asks for at most that"),
                        );
                    }
                    None => checks.add(
                        "schema",
                        "page size",
                        CheckResult::Info,
                        "the schema sets no maximum page size",
                    ),
                }
            }
            None => checks.add(
                "schema",
                "openapi.json",
                CheckResult::Info,
                format!(
                    "the server publishes no schema (HTTP {}); routes and fields were not compared",
                    probe.status
                ),
            ),
        }

        // Sign-in and reads.
        let Some(account_id) = account_id else {
            checks.add("sign-in", "account", CheckResult::Warn, "not signed in: sign in to check the reads");
            return Ok(self.finish(report(checks, DoctorStatus::Ok)));
        };
        let account = self.account(account_id)?;
        match account.token_expires_at {
            Some(at) if at > Utc::now() => checks.add(
                "sign-in",
                "session",
                CheckResult::Ok,
                format!("valid until {}", at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            ),
            Some(_) => checks.add(
                "sign-in",
                "session",
                CheckResult::Info,
                "expired; renewed from the stored key when there is one",
            ),
            None => {
                checks.add("sign-in", "session", CheckResult::Info, "the server gave the session no expiry")
            }
        }
        match self
            .authed(account_id, |c, t| async move {
                c.read_noted::<zenml_cloud_api::User>(&t, &["users", "me"], &[]).await
            })
            .await
        {
            Ok((_, notes)) => {
                checks.add(
                    "sign-in",
                    "GET /users/me",
                    CheckResult::Ok,
                    "signed in; the server knows who you are",
                );
                notes_checks(&mut checks, "read", "GET /users/me", &notes);
            }
            Err(e) => {
                checks.add("sign-in", "GET /users/me", CheckResult::Fail, error_words(&e));
                return Ok(self.finish(report(checks, DoctorStatus::Ok)));
            }
        }
        let first = Page::first(1);
        let orgs = self.authed(account_id, |c, t| async move { c.list_organizations(&t, first).await }).await;
        let listed_org = self
            .read_check(&mut checks, "GET /organizations", orgs)
            .and_then(|l| l.items.first().map(|o| o.id));
        let org_id = self.active_organization(account_id)?.or(listed_org);
        if let Some(org) = org_id {
            let id = org.to_string();
            let one = self
                .authed(account_id, |c, t| {
                    let id = id.clone();
                    async move {
                        c.read_noted::<zenml_cloud_api::Organization>(&t, &["organizations", &id], &[]).await
                    }
                })
                .await;
            match one {
                Ok((_, notes)) => {
                    checks.add("read", "GET /organizations/{id}", CheckResult::Ok, "read");
                    notes_checks(&mut checks, "read", "GET /organizations/{id}", &notes);
                }
                Err(e) => checks.add("read", "GET /organizations/{id}", CheckResult::Fail, error_words(&e)),
            }
            let r = self.authed(account_id, |c, t| async move { c.list_members(&t, org, first).await }).await;
            self.read_check(&mut checks, "GET /organizations/{id}/members", r);
            let filter = InvitationFilter::default();
            let r = self
                .authed(account_id, |c, t| {
                    let filter = filter.clone();
                    async move { c.list_invitations(&t, org, &filter, first).await }
                })
                .await;
            self.read_check(&mut checks, "GET /organizations/{id}/invitations", r);
            let r = self
                .authed(account_id, |c, t| async move {
                    c.list_roles(&t, org, &RoleFilter::default(), first).await
                })
                .await;
            self.read_check(&mut checks, "GET /organizations/{id}/roles", r);
            let r = self.authed(account_id, |c, t| async move { c.list_teams(&t, org, first).await }).await;
            self.read_check(&mut checks, "GET /organizations/{id}/teams", r);
            let ws = WorkspaceFilter { organization_id: Some(org), ..Default::default() };
            let r = self
                .authed(account_id, |c, t| {
                    let ws = ws.clone();
                    async move { c.list_workspaces(&t, &ws, first).await }
                })
                .await;
            self.read_check(&mut checks, "GET /workspaces", r);
            self.last_sync_checks(&mut checks, account_id, org)?;
        } else {
            checks.add(
                "read",
                "organizations",
                CheckResult::Info,
                "you belong to no organization: nothing more to read",
            );
        }
        Ok(self.finish(report(checks, DoctorStatus::Ok)))
    }

    /// The verdict from the checks.
    fn finish(&self, mut r: DoctorReport) -> DoctorReport {
        if r.status == DoctorStatus::Ok && r.checks.iter().any(|c| c.result >= CheckResult::Warn) {
            r.status = DoctorStatus::Problems;
        }
        r
    }

    fn read_check<T>(
        &self,
        checks: &mut Checks,
        route: &str,
        read: Result<Listing<T>>,
    ) -> Option<Listing<T>> {
        match read {
            Ok(listing) => {
                checks.add("read", route, CheckResult::Ok, "read");
                notes_checks(checks, "read", route, &listing.notes);
                Some(listing)
            }
            Err(e) if e.code == ErrorCode::Forbidden => {
                checks.add(
                    "read",
                    route,
                    CheckResult::Info,
                    "not visible to your role (the server answered 403)",
                );
                None
            }
            Err(e) => {
                checks.add("read", route, CheckResult::Fail, error_words(&e));
                None
            }
        }
    }

    /// How each list of the organization read in the last sync.
    fn last_sync_checks(&self, checks: &mut Checks, account_id: &str, org: Uuid) -> Result<()> {
        let states = self.with_cache(|c| c.sync_states(account_id))?;
        let mine: Vec<_> =
            states.iter().filter(|s| s.org_id == Some(org) && s.entity != Entity::Organization).collect();
        if mine.is_empty() {
            checks.add(
                "last sync",
                "lists",
                CheckResult::Info,
                "the active organization has not been synced yet",
            );
            return Ok(());
        }
        for s in mine {
            let what = format!("{} of the active organization", s.entity);
            if let SyncOutcome::Error(_) = s.outcome {
                checks.add("last sync", what.clone(), CheckResult::Warn, "the last sync of this list failed");
            }
            if s.read.hidden {
                checks.add("last sync", what.clone(), CheckResult::Info, "not visible to your role");
            } else if s.read.notes.is_clean() && s.outcome == SyncOutcome::Ok {
                checks.add("last sync", what.clone(), CheckResult::Ok, "read fully");
            }
            notes_checks(checks, "last sync", &what, &s.read.notes);
        }
        Ok(())
    }
}
