//! People across every cached organization of every signed-in account: the member rows of users,
//! service accounts and pending invitations, grouped by who they are as a person (`person_lc`, see
//! `member_rows`), searched, grouped and paged in SQL through the `members_by_person` index; and one
//! person's invitations of every status, through `invitations_by_email_anywhere`.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use uuid::Uuid;
use zenml_cloud_api::{Invitation, MemberRow};

use super::member_rows::lookup_lc;
use super::{parse_ts, uuid, Cache, Entity, Result};

/// The organization keys of every signed-in account.
const SIGNED_IN_ORGS: &str =
    "SELECT o.key FROM organizations o JOIN accounts a ON a.id = o.account_id WHERE a.signed_in = 1";

/// The rows a people search looks at: a person's, in an organization of a signed-in account, whose
/// name, email or username holds `?1` (NULL: every one). The `+` keeps SQLite from reading the rows
/// organization by organization through the primary key (the wide rows, then a sort to group them)
/// rather than the covering `members_by_person` index in its order.
const PEOPLE_WHERE: &str = "WHERE person_lc IS NOT NULL AND +org_key IN (SELECT key FROM signed_in)
      AND (?1 IS NULL OR instr(search, ?1) > 0)";

/// One page of people's keys (their `person_lc`), ordered by name, and how many match in all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeopleKeys {
    pub keys: Vec<String>,
    pub total: usize,
}

/// Where a cached row of a person comes from: the account, the organization, when that
/// organization's list (members, or invitations) was fetched, and why the last refresh of its members
/// or invitations failed, if it did (the account's list of organizations is not looked at here).
#[derive(Clone, Debug, PartialEq)]
pub struct PersonSource {
    pub account_id: String,
    pub org_id: Uuid,
    pub org_name: String,
    pub fetched_at: DateTime<Utc>,
    pub failure: Option<String>,
}

/// One member row of a person.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonRow {
    /// The person it belongs to (`person_lc`).
    pub person: String,
    pub source: PersonSource,
    pub row: MemberRow,
}

/// How fresh the organizations a people search covers are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PeopleCoverage {
    /// Signed-in accounts, and the organizations cached for them.
    pub accounts: usize,
    pub organizations: usize,
    /// When the least recently fetched member list of those organizations was fetched (`None`: none).
    pub oldest: Option<DateTime<Utc>>,
    /// A failure of the last refresh of one of them (or of an account's list of organizations).
    pub last_error: Option<String>,
}

/// The columns of a person's row and its source, after the record's own: account, organization id
/// and name, the list's time (its sync state's, else the organization's), and a failure of the last
/// refresh of its members or invitations. `?` stands for the list's entity.
const SOURCE_COLUMNS: &str = "o.account_id, o.id, o.name, COALESCE(s.fetched_at, o.fetched_at),
        (SELECT COALESCE(f.error, 'the last refresh failed') FROM sync_state f
         WHERE f.account_id = o.account_id AND f.org_id = o.id AND f.outcome = 'error'
           AND f.entity IN ('members', 'invitations') LIMIT 1)";

/// Accounts in the order of their labels (`model::account_label`: email, else name, else server),
/// then by id: not by id alone, which changes with the server's address.
const BY_ACCOUNT: &str = "COALESCE(a.user_email, a.user_name, a.base_url), o.account_id";

/// The sync state of a list of the organization `o`, joined as `s`.
const LIST_STATE: &str = "LEFT JOIN sync_state s ON s.account_id = o.account_id AND s.org_id = o.id
        AND s.entity = ?2 AND s.fetched_at IS NOT NULL";

/// Reads a row of `SOURCE_COLUMNS` after the record (column 0).
fn source(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(String, String, String, String, String, Option<String>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

fn parse_source(
    (json, account_id, org_id, org_name, at, failure): (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
    ),
) -> Result<(PersonSource, String)> {
    let source =
        PersonSource { account_id, org_id: uuid(&org_id)?, org_name, fetched_at: parse_ts(&at)?, failure };
    Ok((source, json))
}

/// A page of people's keys, in the order of the keys (their emails, lower-cased): the index's order,
/// so a page is read without grouping or sorting every person first.
pub(super) fn people_page_sql() -> String {
    format!(
        "WITH signed_in AS ({SIGNED_IN_ORGS})
         SELECT person_lc FROM members {PEOPLE_WHERE}
         GROUP BY person_lc ORDER BY person_lc LIMIT ?2 OFFSET ?3"
    )
}

impl Cache {
    /// A page of the people whose name, email or username holds `search` (case-insensitive; `None` or
    /// blank: everyone) in any organization of any signed-in account, ordered by their key (email,
    /// lower-cased), with how many match in all: the page, then (unless the page says it) the count,
    /// each one pass over the `members_by_person` index.
    pub fn people_keys(
        &self,
        search: Option<&str>,
        offset: usize,
        limit: Option<usize>,
    ) -> Result<PeopleKeys> {
        let search = search.map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        let limit = limit.map(|l| l.min(i64::MAX as usize) as i64).unwrap_or(-1);
        let offset_sql = offset.min(i64::MAX as usize) as i64;
        let tx = self.read_tx()?;
        let keys: Vec<String> = tx
            .prepare_cached(&people_page_sql())?
            .query_map(params![search, limit, offset_sql], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        // A page that is not full, and not past the end, says the total itself.
        let short = limit < 0 || keys.len() < limit as usize;
        let total = if short && (!keys.is_empty() || offset == 0) {
            offset.saturating_add(keys.len())
        } else {
            let n: i64 = tx
                .prepare_cached(&format!(
                    "WITH signed_in AS ({SIGNED_IN_ORGS})
                     SELECT COUNT(DISTINCT person_lc) FROM members {PEOPLE_WHERE}"
                ))?
                .query_row(params![search], |r| r.get(0))?;
            n as usize
        };
        tx.commit()?;
        Ok(PeopleKeys { keys, total })
    }

    /// Every member row of these people (their `person_lc`, as [`Cache::people_keys`] gives them, or
    /// an email) in every organization of every signed-in account: by person in the order given, then
    /// by organization name and account (its email).
    pub fn person_rows(&self, people: &[String]) -> Result<Vec<PersonRow>> {
        let tx = self.read_tx()?;
        let mut out = Vec::new();
        {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT m.json, {SOURCE_COLUMNS} FROM members m
                   JOIN organizations o ON o.key = m.org_key
                   JOIN accounts a ON a.id = o.account_id
                   {LIST_STATE}
                 WHERE m.person_lc = ?1 AND a.signed_in = 1
                 ORDER BY o.name, {BY_ACCOUNT}, m.kind, m.row_key"
            ))?;
            for person in people {
                let found: Vec<_> = stmt
                    .query_map(params![lookup_lc(person), Entity::Members.as_str()], source)?
                    .collect::<rusqlite::Result<_>>()?;
                for columns in found {
                    let (source, json) = parse_source(columns)?;
                    out.push(PersonRow { person: person.clone(), source, row: serde_json::from_str(&json)? });
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// The invitations of every status sent to `email` (compared without regard to ASCII case) in every
    /// organization of every signed-in account, by organization name, account and id.
    pub fn invitations_to(&self, email: &str) -> Result<Vec<(PersonSource, Invitation)>> {
        let tx = self.read_tx()?;
        let found: Vec<_> = tx
            .prepare_cached(&format!(
                "SELECT i.json, {SOURCE_COLUMNS} FROM invitations i
                   JOIN organizations o ON o.key = i.org_key
                   JOIN accounts a ON a.id = o.account_id
                   {LIST_STATE}
                 WHERE i.email = ?1 COLLATE NOCASE AND a.signed_in = 1
                 ORDER BY o.name, {BY_ACCOUNT}, i.id"
            ))?
            .query_map(params![email.trim(), Entity::Invitations.as_str()], source)?
            .collect::<rusqlite::Result<_>>()?;
        tx.commit()?;
        let mut out = Vec::new();
        for columns in found {
            let (source, json) = parse_source(columns)?;
            out.push((source, serde_json::from_str::<Invitation>(&json)?));
        }
        Ok(out)
    }

    /// How many accounts and organizations a people search covers, the oldest of their member lists,
    /// and a failure of their last refresh if there was one: a few aggregate reads.
    pub fn people_coverage(&self) -> Result<PeopleCoverage> {
        let tx = self.read_tx()?;
        let (accounts, organizations, oldest): (i64, i64, Option<String>) = tx.query_row(
            "SELECT COUNT(DISTINCT o.account_id), COUNT(*), MIN(COALESCE(s.fetched_at, o.fetched_at))
               FROM organizations o
               JOIN accounts a ON a.id = o.account_id AND a.signed_in = 1
               LEFT JOIN sync_state s ON s.account_id = o.account_id AND s.org_id = o.id
                                      AND s.entity = 'members' AND s.fetched_at IS NOT NULL",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let signed_in: i64 =
            tx.query_row("SELECT COUNT(*) FROM accounts WHERE signed_in = 1", [], |r| r.get(0))?;
        let last_error: Option<Option<String>> = tx
            .query_row(
                "SELECT s.error FROM sync_state s JOIN accounts a ON a.id = s.account_id AND a.signed_in = 1
                 WHERE s.outcome = 'error'
                   AND s.entity IN ('organizations', 'organization', 'members', 'invitations')
                 ORDER BY s.attempted_at DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        tx.commit()?;
        Ok(PeopleCoverage {
            accounts: signed_in.max(accounts) as usize,
            organizations: organizations as usize,
            oldest: oldest.as_deref().map(parse_ts).transpose()?,
            last_error: last_error.map(|e| e.unwrap_or_else(|| "the last refresh failed".to_owned())),
        })
    }
}
