//! Paged listings as Genesys answers them: `entities`, `pageSize`,
//! `pageNumber`, `total`, `pageCount`, the `…Uri` links, and a 400 for a
//! page size outside 1..=100 or a non-numeric parameter.

use serde_json::{json, Value};

/// Page size when the query names none (the Platform API's default).
const DEFAULT_PAGE_SIZE: u64 = 25;
/// Largest page size accepted.
const MAX_PAGE_SIZE: u64 = 100;

/// A listing request refused: the message and the field it is about.
pub(crate) type PageError = (&'static str, &'static str);

fn query_number(query: &str, key: &str) -> Result<Option<u64>, ()> {
    match query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
    {
        None => Ok(None),
        Some((_, v)) => v.parse().map(Some).map_err(|_| ()),
    }
}

/// The page `query` asks for, out of every entity (already in JSON), with
/// links relative to `base` (the listing's path).
pub(crate) fn page(query: &str, base: &str, all: Vec<Value>) -> Result<Value, PageError> {
    let (Ok(size), Ok(number)) = (
        query_number(query, "pageSize"),
        query_number(query, "pageNumber"),
    ) else {
        return Err(("pageSize and pageNumber must be numbers", "pageSize"));
    };
    let size = size.unwrap_or(DEFAULT_PAGE_SIZE);
    let number = number.unwrap_or(1).max(1);
    if size == 0 || size > MAX_PAGE_SIZE {
        return Err(("pageSize must be between 1 and 100", "pageSize"));
    }
    let total = all.len() as u64;
    let page_count = total.div_ceil(size).max(1);
    let start = ((number - 1) * size) as usize;
    let entities: Vec<Value> = all.into_iter().skip(start).take(size as usize).collect();
    let uri = |n: u64| format!("{base}?pageSize={size}&pageNumber={n}");
    let mut v = json!({
        "entities": entities,
        "pageSize": size,
        "pageNumber": number,
        "total": total,
        "pageCount": page_count,
        "firstUri": uri(1),
        "selfUri": uri(number),
        "lastUri": uri(page_count),
    });
    if number < page_count {
        v["nextUri"] = json!(uri(number + 1));
    }
    if number > 1 {
        v["previousUri"] = json!(uri(number - 1));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_link_to_their_neighbours() {
        let all: Vec<Value> = (0..5).map(|i| json!(i)).collect();
        let p = page("pageSize=2&pageNumber=2", "/x", all.clone()).expect("page");
        assert_eq!(p["entities"], json!([2, 3]));
        assert_eq!(p["pageCount"], 3);
        assert_eq!(p["total"], 5);
        assert_eq!(p["nextUri"], "/x?pageSize=2&pageNumber=3");
        assert_eq!(p["previousUri"], "/x?pageSize=2&pageNumber=1");
        let last = page("pageSize=2&pageNumber=3", "/x", all.clone()).expect("page");
        assert!(last.get("nextUri").is_none());
        assert_eq!(page("", "/x", vec![]).expect("page")["pageCount"], 1);
        assert!(page("pageSize=101", "/x", all.clone()).is_err());
        assert!(page("pageNumber=one", "/x", all).is_err());
    }
}
