//! Paging through list routes whose server gives no total count: page requests, bounds, what was
//! learned about the server's page size, and the fetch loops.

use std::future::Future;
use std::sync::atomic::Ordering;

use crate::error::{ApiError, ErrorDetail, Result};

/// One page request: `offset` and `limit` query parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u32,
}

impl Page {
    pub fn first(limit: u32) -> Self {
        Self { offset: 0, limit }
    }
}

impl Default for Page {
    /// ZenML's own defaults: offset 0, limit 20.
    fn default() -> Self {
        Self { offset: 0, limit: 20 }
    }
}

/// Bounds of one paged read, so no server can keep a list going for ever.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PagingBounds {
    /// At most this many pages of one list.
    pub max_pages: usize,
    /// At most this many rows of one list.
    pub max_rows: usize,
}

impl Default for PagingBounds {
    fn default() -> Self {
        Self { max_pages: 10_000, max_rows: 1_000_000 }
    }
}

/// What paging has learned about one server, shared by every list read through one client: the
/// largest `limit` it takes (from a 422 that names `limit`, or from a silent cap), and the largest page
/// it has served in full (a shorter page than that is surely the end of its list).
#[derive(Debug, Default)]
pub struct PagingMemory {
    /// The server's maximum `limit`; 0 while unknown.
    cap: std::sync::atomic::AtomicU32,
    /// The longest page the server has served.
    proven: std::sync::atomic::AtomicU32,
}

impl PagingMemory {
    /// The largest `limit` the server was found to take, if one was found.
    pub fn cap(&self) -> Option<u32> {
        Some(self.cap.load(Ordering::Relaxed)).filter(|c| *c > 0)
    }

    /// Remembers the server's maximum `limit` (keeps the smallest one seen).
    pub fn set_cap(&self, cap: u32) {
        let cap = cap.max(1);
        let _ = self
            .cap
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| (old == 0 || cap < old).then_some(cap));
    }

    fn prove(&self, served: usize) {
        self.proven.fetch_max(served.min(u32::MAX as usize) as u32, Ordering::Relaxed);
    }

    fn proven(&self) -> usize {
        self.proven.load(Ordering::Relaxed) as usize
    }

    /// The page size to ask for: `wanted`, or the server's cap when smaller.
    pub fn limit_for(&self, wanted: u32) -> u32 {
        match self.cap() {
            Some(cap) => wanted.clamp(1, cap),
            None => wanted.max(1),
        }
    }
}

/// The `limit` to retry with after `error`, when it is a 422 (or 400) that names `limit`: the maximum
/// the message states, else half of `current`. `None` for any other error, or when no smaller limit
/// is left.
pub fn smaller_limit(error: &ApiError, current: u32) -> Option<u32> {
    let ApiError::InvalidInput(detail) = error else {
        return None;
    };
    let message = match detail {
        ErrorDetail::Validation(fields) => fields
            .iter()
            .find(|f| f.field == "limit" || f.loc.last().is_some_and(|l| l == "limit"))?
            .message
            .clone(),
        other => {
            let m = other.message();
            if !m.to_ascii_lowercase().contains("limit") {
                return None;
            }
            m
        }
    };
    let stated = stated_maximum(&message).filter(|n| *n >= 1 && *n < current);
    let next = stated.unwrap_or(current / 2);
    (next >= 1 && next < current).then_some(next)
}

/// The maximum a validation message states: "less than or equal to 100" → 100, "less than 101" → 100,
/// otherwise the last number in it.
fn stated_maximum(message: &str) -> Option<u32> {
    let lower = message.to_ascii_lowercase();
    let numbers: Vec<(usize, u64)> = {
        let mut out = Vec::new();
        let bytes = lower.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_digit() {
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                if let Ok(n) = lower[start..i].parse::<u64>() {
                    out.push((start, n));
                }
            } else {
                i += 1;
            }
        }
        out
    };
    let (pos, n) = *numbers.last()?;
    let before = &lower[..pos];
    let strict = before.trim_end().ends_with("less than") || before.trim_end().ends_with('<');
    let n = if strict { n.checked_sub(1)? } else { n };
    u32::try_from(n).ok()
}

/// Fetches every page of a list, one page after another. See [`fetch_pages`].
pub async fn fetch_all<T, F, Fut>(limit: u32, fetch: F) -> Result<Vec<T>>
where
    T: PartialEq,
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
{
    fetch_pages(limit, 1, PagingBounds::default(), &PagingMemory::default(), fetch).await
}

/// Like [`fetch_all`], with `concurrency` pages asked for at once after a full first page, and twice
/// as many after each full round (up to 32).
pub async fn fetch_all_concurrent<T, F, Fut>(limit: u32, concurrency: usize, fetch: F) -> Result<Vec<T>>
where
    T: PartialEq,
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
{
    fetch_pages(limit, concurrency, PagingBounds::default(), &PagingMemory::default(), fetch).await
}

/// Fetches every page of a list whose server gives no total count, and adapts to how the server pages:
/// - it asks for `limit` rows a page (or the server's known cap); once a page comes back full it asks
///   for `concurrency` pages at once, in order, and twice as many each time a whole round comes back
///   full, up to 32 at once (or `concurrency`, if larger): a long list costs a few rounds rather than
///   one per `concurrency` pages, a short one costs what it did, and the waste at the end (empty pages
///   asked for past the end) stays below one round. `concurrency` 1 pages strictly one after another;
///   no round asks for more pages than `bounds` could still take;
/// - a 422 that names `limit` makes it ask again with the maximum the message states (or half), and
///   `memory` keeps that for the server's other lists;
/// - it stops on an empty page or a short one. A short page as long as a plausible cap (a multiple of
///   ten, longer than any page the server has served in full) may be a silent cap: the next page is
///   asked for too, and if it has rows, the short page's length is the server's cap;
/// - a page equal to the one before (a server that ignores `offset`) ends it with an error, as does
///   going past `bounds`: never a loop without end;
/// - a page longer than asked for (a server that ignores `limit`) is taken as the whole rest.
pub async fn fetch_pages<T, F, Fut>(
    limit: u32,
    concurrency: usize,
    bounds: PagingBounds,
    memory: &PagingMemory,
    mut fetch: F,
) -> Result<Vec<T>>
where
    T: PartialEq,
    F: FnMut(Page) -> Fut,
    Fut: Future<Output = Result<Vec<T>>>,
{
    // The most pages one round asks for, once a list has proved long.
    const MAX_BATCH: usize = 32;
    let concurrency = concurrency.max(1);
    let max_batch = if concurrency == 1 { 1 } else { MAX_BATCH.max(concurrency) };
    let mut limit = memory.limit_for(limit);
    let mut all: Vec<T> = Vec::new();
    let mut offset = 0u64;
    let mut batch = 1usize;
    // Pages the next round asks for, if the current one comes back full.
    let mut next_batch = concurrency;
    let mut pages = 0usize;
    // Where the previous page starts in `all`, and how long it is.
    let mut previous: Option<(usize, usize)> = None;
    // A short page's length that may be a silent cap, while the page after it is awaited.
    let mut suspect: Option<u32> = None;
    loop {
        let requests: Vec<Fut> =
            (0..batch).map(|i| fetch(Page { offset: offset + i as u64 * u64::from(limit), limit })).collect();
        let results = match futures::future::try_join_all(requests).await {
            Ok(r) => r,
            Err(e) => match smaller_limit(&e, limit) {
                Some(smaller) => {
                    tracing::info!(
                        limit,
                        smaller,
                        "the server refused the page size; asking for smaller pages"
                    );
                    memory.set_cap(smaller);
                    limit = smaller;
                    batch = 1;
                    next_batch = concurrency;
                    continue;
                }
                None => return Err(e),
            },
        };
        let mut probing = false;
        for page in results {
            pages += 1;
            let n = page.len();
            if n == 0 {
                return Ok(all);
            }
            if let Some((start, len)) = previous {
                if len == n && all[start..] == page[..] {
                    return Err(ApiError::Paging(format!(
                        "the server sent the same page twice (it seems to ignore `offset`); {} rows were \
                         read and the rest could not be",
                        all.len()
                    )));
                }
            }
            if pages > bounds.max_pages || all.len() + n > bounds.max_rows {
                return Err(ApiError::Paging(format!(
                    "the list goes on past {} pages or {} rows; stopped there",
                    bounds.max_pages, bounds.max_rows
                )));
            }
            if let Some(cap) = suspect.take() {
                // The page after a suspiciously short one has rows: the server caps its pages.
                tracing::info!(cap, "the server caps its pages without saying so; asking for that many");
                memory.set_cap(cap);
            }
            previous = Some((all.len(), n));
            all.extend(page);
            offset += n as u64;
            if n > limit as usize {
                tracing::warn!(
                    limit,
                    got = n,
                    "server ignored the page limit; taking the page as the whole list"
                );
                return Ok(all);
            }
            if n < limit as usize {
                if n % 10 == 0 && n > memory.proven() {
                    suspect = Some(n as u32);
                    limit = n as u32;
                    probing = true;
                    break;
                }
                return Ok(all);
            }
            memory.prove(n);
        }
        if probing {
            // The page size changes: the list proves itself long again from one page.
            batch = 1;
            next_batch = concurrency;
        } else {
            // Enough to reach the page or row past the bounds, never more.
            let to_bound = (bounds.max_pages + 1).saturating_sub(pages);
            let rows_to_bound = bounds.max_rows.saturating_sub(all.len()) / (limit as usize).max(1) + 1;
            batch = next_batch.min(to_bound).min(rows_to_bound).max(1);
            next_batch = (next_batch * 2).min(max_batch);
        }
    }
}

#[cfg(test)]
mod tests;
