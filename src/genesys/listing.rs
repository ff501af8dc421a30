//! The one paging loop: every listing that pages (the OAuth clients by page
//! number, the integration credentials by cursor) is read whole through
//! [`all`]. What it keeps true: it ends, whatever the server answers (a
//! page that brings no entity not seen before ends it, so a server that
//! ignores the paging parameters cannot make it loop, and [`MAX_PAGES`]
//! bounds it); an entity is listed once (de-duplicated by id); and the next
//! page is always asked of the listing's own path on the configured host
//! (a cursor is taken out of `nextUri`, never the `nextUri` followed).

use std::collections::HashSet;
use std::future::Future;

use serde::Deserialize;

use super::error::GenesysError;

/// Pages read at most by one listing (at 100 a page, a million entities).
pub const MAX_PAGES: u32 = 10_000;

/// One page, as both kinds of listing answer it: the page-number listings
/// add `pageCount`, the cursor listings leave it out.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// The entities of this page.
    #[serde(default = "Vec::new")]
    pub entities: Vec<T>,
    /// Number of pages (page-number listings only).
    #[serde(default)]
    pub page_count: Option<u32>,
    /// Relative URI of the next page, when there is one.
    #[serde(default)]
    pub next_uri: Option<String>,
}

/// How a listing pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// `pageSize` and `pageNumber` (from 1), until `pageCount` or a page
    /// without `nextUri`.
    Numbered {
        /// The listing's path.
        path: &'static str,
        /// Entities asked for per page.
        page_size: u32,
    },
    /// `pageSize` and `after` (the cursor `nextUri` carries), until a page
    /// without `nextUri`.
    Cursor {
        /// The listing's path.
        path: &'static str,
        /// Entities asked for per page.
        page_size: u32,
    },
}

impl Listing {
    /// The path and query of the first page.
    fn first(self) -> String {
        match self {
            Listing::Numbered { path, page_size } => {
                format!("{path}?pageSize={page_size}&pageNumber=1")
            }
            Listing::Cursor { path, page_size } => format!("{path}?pageSize={page_size}"),
        }
    }

    /// The path and query of the page after `page`, page number `number`;
    /// `None` when `page` is the last.
    fn next<T>(self, number: u32, page: &Page<T>) -> Option<String> {
        let next_uri = page.next_uri.as_deref()?;
        if page.entities.is_empty() {
            return None;
        }
        match self {
            Listing::Numbered { path, page_size } => {
                if page.page_count.is_some_and(|count| number >= count) {
                    return None;
                }
                Some(format!(
                    "{path}?pageSize={page_size}&pageNumber={}",
                    number + 1
                ))
            }
            Listing::Cursor { path, page_size } => {
                let after = cursor_of(next_uri)?;
                let after: String =
                    url::form_urlencoded::byte_serialize(after.as_bytes()).collect();
                Some(format!("{path}?pageSize={page_size}&after={after}"))
            }
        }
    }
}

/// The `after` cursor a `nextUri` carries.
fn cursor_of(next_uri: &str) -> Option<String> {
    let query = next_uri.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "after")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}

/// Every entity of `listing`, all pages: `fetch` reads one page (given its
/// path and query), `id` names an entity.
pub async fn all<T, F, Fut>(
    listing: Listing,
    mut fetch: F,
    id: impl Fn(&T) -> &str,
) -> Result<Vec<T>, GenesysError>
where
    F: FnMut(String) -> Fut,
    Fut: Future<Output = Result<Page<T>, GenesysError>>,
{
    let mut all = Vec::new();
    let mut seen = HashSet::new();
    let mut next = Some(listing.first());
    let mut number = 0u32;
    while let Some(path) = next.take() {
        let mut page = fetch(path).await?;
        number += 1;
        let following = listing.next(number, &page);
        let before = all.len();
        all.extend(
            std::mem::take(&mut page.entities)
                .into_iter()
                .filter(|e| seen.insert(id(e).to_string())),
        );
        if all.len() > before && number < MAX_PAGES {
            next = following;
        }
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn page(ids: &[&str], page_count: Option<u32>, next_uri: Option<&str>) -> Page<String> {
        Page {
            entities: ids.iter().map(|s| s.to_string()).collect(),
            page_count,
            next_uri: next_uri.map(str::to_string),
        }
    }

    /// Runs the loop over `answer` (the page for a path), returning the
    /// entities and the paths asked for.
    fn run(listing: Listing, answer: impl Fn(&str) -> Page<String>) -> (Vec<String>, Vec<String>) {
        let asked = Mutex::new(Vec::new());
        let fetch = |path: String| {
            asked.lock().expect("lock").push(path.clone());
            let page = answer(&path);
            async move { Ok(page) }
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let got = runtime
            .block_on(all(listing, fetch, |s: &String| s.as_str()))
            .expect("listed");
        (got, asked.into_inner().expect("lock"))
    }

    const NUMBERED: Listing = Listing::Numbered {
        path: "/n",
        page_size: 2,
    };
    const CURSOR: Listing = Listing::Cursor {
        path: "/c/listing",
        page_size: 200,
    };

    #[test]
    fn page_numbers_are_followed_to_the_page_count() {
        let (got, asked) = run(NUMBERED, |path| match path {
            "/n?pageSize=2&pageNumber=1" => page(&["a", "b"], Some(2), Some("/n?p=2")),
            "/n?pageSize=2&pageNumber=2" => page(&["c"], Some(2), Some("/n?p=3")),
            other => panic!("asked for {other}"),
        });
        assert_eq!(got, ["a", "b", "c"]);
        assert_eq!(asked.len(), 2, "pageCount ends it even with a nextUri");
    }

    #[test]
    fn cursors_are_taken_from_next_uri_and_asked_of_the_listing_path() {
        let (got, asked) = run(CURSOR, |path| match path {
            "/c/listing?pageSize=200" => page(
                &["a", "b"],
                None,
                Some("https://elsewhere.example/c/listing?after=x%2By&pageSize=200"),
            ),
            "/c/listing?pageSize=200&after=x%2By" => {
                page(&["c"], None, Some("/c/listing?pageSize=200&after=z"))
            }
            "/c/listing?pageSize=200&after=z" => page(&["d"], None, None),
            other => panic!("asked for {other}"),
        });
        assert_eq!(got, ["a", "b", "c", "d"]);
        assert_eq!(asked.len(), 3);
    }

    #[test]
    fn a_server_that_ignores_paging_cannot_loop_or_repeat() {
        // Every page is the first again: the second brings nothing new.
        let (got, asked) = run(NUMBERED, |_| page(&["a", "b"], None, Some("/n?more")));
        assert_eq!((got.len(), asked.len()), (2, 2));
        let (got, asked) = run(CURSOR, |_| {
            page(&["a"], None, Some("/c/listing?after=same"))
        });
        assert_eq!((got.len(), asked.len()), (1, 2));
        // A nextUri without a cursor, an empty page: the end.
        let (_, asked) = run(CURSOR, |_| {
            page(&["a"], None, Some("/c/listing?pageSize=1"))
        });
        assert_eq!(asked.len(), 1);
        let (got, asked) = run(NUMBERED, |_| page(&[], Some(5), Some("/n?x")));
        assert_eq!((got.len(), asked.len()), (0, 1));
    }

    #[test]
    fn the_page_cap_ends_an_endless_listing() {
        let counter = Mutex::new(0u64);
        let (got, asked) = run(CURSOR, |_| {
            let mut n = counter.lock().expect("lock");
            *n += 1;
            let id = format!("e{n}");
            page(
                &[id.as_str()],
                None,
                Some(&format!("/c/listing?after={id}")),
            )
        });
        assert_eq!(asked.len(), MAX_PAGES as usize);
        assert_eq!(got.len(), MAX_PAGES as usize);
    }
}
