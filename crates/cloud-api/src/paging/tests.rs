//! Tests of paging: short pages, concurrent rounds, limits refused or silently capped, and servers
//! that never end a list.

use std::future::Future;

use super::*;

#[tokio::test]
async fn fetch_all_stops_on_a_short_page() {
    let data: Vec<u32> = (0..45).collect();
    let mut calls = Vec::new();
    let all = fetch_all(20, |p| {
        calls.push(p);
        let chunk: Vec<u32> = data.iter().copied().skip(p.offset as usize).take(p.limit as usize).collect();
        async move { Ok(chunk) }
    })
    .await
    .unwrap();
    assert_eq!(all, data);
    assert_eq!(calls.iter().map(|p| p.offset).collect::<Vec<_>>(), vec![0, 20, 40]);
}

#[tokio::test]
async fn fetch_all_makes_one_extra_call_on_an_exact_multiple() {
    let mut n = 0;
    let all = fetch_all(10, |p| {
        n += 1;
        let chunk: Vec<u64> = (p.offset..20).take(p.limit as usize).collect();
        async move { Ok(chunk) }
    })
    .await
    .unwrap();
    assert_eq!(all.len(), 20);
    assert_eq!(n, 3);
}

#[tokio::test]
async fn concurrent_paging_returns_the_same_list_in_fewer_rounds() {
    let data: Vec<u32> = (0..95).collect();
    let calls = std::sync::Mutex::new(Vec::new());
    let all = fetch_all_concurrent(10, 4, |p| {
        calls.lock().unwrap().push(p.offset);
        let chunk: Vec<u32> = data.iter().copied().skip(p.offset as usize).take(p.limit as usize).collect();
        async move { Ok(chunk) }
    })
    .await
    .unwrap();
    assert_eq!(all, data, "in order, nothing repeated or lost");
    // The first page alone, then 10..40, then 50..120 (twice as many): the page at 90 is short.
    let calls = calls.into_inner().unwrap();
    assert_eq!(calls, vec![0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
    let small = fetch_all_concurrent(10, 4, |_| async { Ok(vec![1, 2, 3]) }).await.unwrap();
    assert_eq!(small, vec![1, 2, 3], "a short first page costs one request");
}

#[tokio::test]
async fn fetch_all_stops_when_the_server_ignores_the_limit() {
    let mut n = 0;
    let all = fetch_all(10, |_| {
        n += 1;
        async { Ok((0..25).collect::<Vec<u32>>()) }
    })
    .await
    .unwrap();
    assert_eq!((all.len(), n), (25, 1));
}

/// A list of `n` numbers served by a fake server with the given rules, recording each request.
struct FakeList {
    n: u32,
    /// 422 for a larger `limit`, with this message.
    max_limit: Option<(u32, &'static str)>,
    /// Serve at most this many rows whatever `limit` says.
    silent_cap: Option<u32>,
    ignore_offset: bool,
    calls: std::sync::Mutex<Vec<Page>>,
}

impl FakeList {
    fn new(n: u32) -> Self {
        Self { n, max_limit: None, silent_cap: None, ignore_offset: false, calls: Default::default() }
    }

    fn page(&self, p: Page) -> impl Future<Output = Result<Vec<u32>>> {
        self.calls.lock().unwrap().push(p);
        let result = match self.max_limit {
            Some((max, msg)) if p.limit > max => {
                let body = format!(
                    r#"{{"detail":[{{"type":"less_than_equal","loc":["query","limit"],"msg":"{msg}"}}]}}"#
                );
                Err(ApiError::from_status(422, body.as_bytes(), None))
            }
            _ => {
                let offset = if self.ignore_offset { 0 } else { p.offset as u32 };
                let take = p.limit.min(self.silent_cap.unwrap_or(u32::MAX));
                Ok((offset..self.n).take(take as usize).collect())
            }
        };
        async move { result }
    }

    fn limits(&self) -> Vec<u32> {
        self.calls.lock().unwrap().iter().map(|p| p.limit).collect()
    }
}

#[tokio::test]
async fn a_422_naming_limit_shrinks_the_page_to_the_stated_maximum_and_is_remembered() {
    let mut server = FakeList::new(250);
    server.max_limit = Some((100, "Input should be less than or equal to 100"));
    let memory = PagingMemory::default();
    let all = fetch_pages(1000, 4, PagingBounds::default(), &memory, |p| server.page(p)).await.unwrap();
    assert_eq!(all, (0..250).collect::<Vec<_>>());
    assert_eq!(server.limits()[..2], [1000, 100]);
    assert_eq!(memory.cap(), Some(100));
    // The next list of the same server asks for 100 at once.
    let again = fetch_pages(1000, 4, PagingBounds::default(), &memory, |p| server.page(p)).await.unwrap();
    assert_eq!(again.len(), 250);
    assert!(server.limits()[server.limits().len() - 4..].iter().all(|l| *l == 100));
}

#[tokio::test]
async fn a_422_that_states_no_maximum_halves_the_page() {
    let mut server = FakeList::new(30);
    server.max_limit = Some((20, "the page is too big"));
    let memory = PagingMemory::default();
    let all = fetch_pages(80, 1, PagingBounds::default(), &memory, |p| server.page(p)).await.unwrap();
    assert_eq!(all.len(), 30);
    assert_eq!(server.limits()[..3], [80, 40, 20]);
    assert_eq!(memory.cap(), Some(20));
}

#[tokio::test]
async fn a_silent_cap_is_found_and_nothing_is_lost() {
    let mut server = FakeList::new(175);
    server.silent_cap = Some(50);
    let memory = PagingMemory::default();
    let all = fetch_pages(1000, 4, PagingBounds::default(), &memory, |p| server.page(p)).await.unwrap();
    assert_eq!(all, (0..175).collect::<Vec<_>>());
    assert_eq!(memory.cap(), Some(50));
    // A short list whose length is not a plausible cap costs one request.
    let short = FakeList::new(7);
    let got = fetch_pages(100, 4, PagingBounds::default(), &memory, |p| short.page(p)).await.unwrap();
    assert_eq!((got.len(), short.limits().len()), (7, 1));
}

#[tokio::test]
async fn a_short_page_below_a_served_full_page_is_the_end() {
    let memory = PagingMemory::default();
    let long = FakeList::new(150);
    fetch_pages(100, 1, PagingBounds::default(), &memory, |p| long.page(p)).await.unwrap();
    let forty = FakeList::new(40);
    let got = fetch_pages(100, 1, PagingBounds::default(), &memory, |p| forty.page(p)).await.unwrap();
    assert_eq!((got.len(), forty.limits().len()), (40, 1), "100 rows were served once: 40 is the end");
}

#[tokio::test]
async fn a_server_that_ignores_offset_ends_with_a_clear_error_not_a_loop() {
    let mut server = FakeList::new(500);
    server.ignore_offset = true;
    let e = fetch_pages(100, 4, PagingBounds::default(), &PagingMemory::default(), |p| server.page(p))
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Paging(_)), "{e:?}");
    assert!(e.to_string().contains("ignore `offset`"), "{e}");
    assert!(server.limits().len() <= 5);
}

#[tokio::test]
async fn an_empty_first_page_is_an_empty_list() {
    let server = FakeList::new(0);
    let all = fetch_pages(100, 4, PagingBounds::default(), &PagingMemory::default(), |p| server.page(p))
        .await
        .unwrap();
    assert!(all.is_empty());
    assert_eq!(server.limits().len(), 1);
}

#[tokio::test]
async fn a_list_without_end_stops_at_the_bound() {
    let server = FakeList::new(u32::MAX);
    let bounds = PagingBounds { max_pages: 30, max_rows: 1_000_000 };
    let e = fetch_pages(10, 4, bounds, &PagingMemory::default(), |p| server.page(p)).await.unwrap_err();
    assert!(e.to_string().contains("past 30 pages"), "{e}");
}

#[test]
fn limits_stated_in_validation_messages() {
    let e = |msg: &str| {
        let body = format!(r#"{{"detail":[{{"loc":["query","limit"],"msg":"{msg}","type":"x"}}]}}"#);
        ApiError::from_status(422, body.as_bytes(), None)
    };
    assert_eq!(smaller_limit(&e("Input should be less than or equal to 100"), 1000), Some(100));
    assert_eq!(smaller_limit(&e("ensure this value is less than 101"), 1000), Some(100));
    assert_eq!(smaller_limit(&e("must be at most 500"), 1000), Some(500));
    assert_eq!(smaller_limit(&e("too big"), 1000), Some(500));
    assert_eq!(smaller_limit(&e("too big"), 1), None);
    let other =
        ApiError::from_status(422, br#"{"detail":[{"loc":["body","email"],"msg":"bad","type":"x"}]}"#, None);
    assert_eq!(smaller_limit(&other, 1000), None, "a 422 about another field is not about paging");
    let text = ApiError::from_status(400, br#"{"detail":"limit must be <= 50"}"#, None);
    assert_eq!(smaller_limit(&text, 100), Some(50));
}

/// Long lists take few rounds: after the first page, rounds ask for `concurrency` pages, then
/// twice as many each time a round comes back full, up to 32; the rows stay in order.
#[tokio::test]
async fn rounds_grow_as_a_list_proves_long() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let server = FakeList::new(10_000);
    // A round is the requests made before any of them is awaited.
    let polled = std::sync::Arc::new(AtomicBool::new(true));
    let rounds = std::sync::Mutex::new(Vec::<usize>::new());
    let all = fetch_pages(100, 4, PagingBounds::default(), &PagingMemory::default(), |p| {
        let mut r = rounds.lock().unwrap();
        if polled.swap(false, Ordering::SeqCst) {
            r.push(0);
        }
        *r.last_mut().unwrap() += 1;
        let page = server.page(p);
        let polled = polled.clone();
        async move {
            polled.store(true, Ordering::SeqCst);
            page.await
        }
    })
    .await
    .unwrap();
    assert_eq!(all, (0..10_000).collect::<Vec<_>>());
    let rounds = rounds.into_inner().unwrap();
    assert_eq!(rounds[..5], [1, 4, 8, 16, 32], "{rounds:?}");
    assert!(rounds[5..].iter().all(|n| *n <= 32), "{rounds:?}");
    assert!(rounds.len() <= 9, "101 pages in few rounds: {rounds:?}");
    // One page after another when asked so.
    let strict = FakeList::new(500);
    fetch_pages(100, 1, PagingBounds::default(), &PagingMemory::default(), |p| strict.page(p)).await.unwrap();
    assert_eq!(strict.limits().len(), 6);
}
