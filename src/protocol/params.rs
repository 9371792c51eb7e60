//! Turning the query string and a form body into parameters (SPEC section 3.1).

use axum::http::{HeaderMap, Method, header};
use bytes::Bytes;

use crate::error::ApiError;

/// The parameters of one API call: query string and form body together, form-decoded, each
/// name once (the first occurrence wins; [`decode_request`] reports the repeat).
///
/// Kept as one string holding every name and value, plus their positions sorted by name: the
/// V1 signature, the idempotency fingerprint and the journal all want them sorted, and this
/// costs two allocations per call where a map of `String`s cost two per parameter.
#[derive(Clone, Default)]
pub struct Params {
    /// The raw input, then any name or value that needed decoding, decoded.
    text: String,
    /// Sorted by name, names unique.
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    name: Span,
    value: Span,
    /// The pair's place on the wire, counting from 0.
    wire: u32,
}

/// A byte range of [`Params::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn of(self, text: &str) -> &str {
        &text[self.start as usize..self.end as usize]
    }

    /// The same range as bytes: comparing these skips the checks of `str` slicing.
    fn bytes(self, text: &str) -> &[u8] {
        &text.as_bytes()[self.start as usize..self.end as usize]
    }

    fn len(self) -> usize {
        (self.end - self.start) as usize
    }
}

/// Up to this many parameters a lookup scans them (comparing lengths first, which settles most
/// names without reading them); past it, it searches by halves.
const SCAN_UP_TO: usize = 32;

impl Params {
    /// A parameter's value as given, the empty string included.
    pub fn get(&self, name: &str) -> Option<&str> {
        let found = if self.entries.len() <= SCAN_UP_TO {
            self.entries
                .iter()
                .find(|e| e.name.len() == name.len() && e.name.bytes(&self.text) == name.as_bytes())
        } else {
            self.entries
                .binary_search_by(|e| e.name.bytes(&self.text).cmp(name.as_bytes()))
                .ok()
                .map(|i| &self.entries[i])
        };
        found.map(|e| e.value.of(&self.text))
    }

    /// A parameter that must be present and non-empty (SPEC 3.1: empty counts as missing).
    pub fn required(&self, name: &str) -> Result<&str, ApiError> {
        match self.get(name) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(ApiError::MissingActionParameter(name.to_owned())),
        }
    }

    /// An optional filter: absent and empty both mean "no filter".
    pub fn filter(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// Every parameter, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|e| (e.name.of(&self.text), e.value.of(&self.text)))
    }

    /// The heap memory this holds, for the journal's byte bound.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.entries.capacity() * std::mem::size_of::<Entry>()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for Params {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Params {}

/// As a JSON object, sorted by name.
impl serde::Serialize for Params {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// Collects `(name, value)` pairs; the first of a repeated name wins.
impl<N: AsRef<str>, V: AsRef<str>> FromIterator<(N, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> Self {
        let mut builder = Builder::default();
        for (name, value) in iter {
            let name = builder.span(name.as_ref());
            let value = builder.span(value.as_ref());
            builder.push(name, value);
        }
        builder.finish().0
    }
}

/// Builds [`Params`] from pairs in wire order.
#[derive(Default)]
struct Builder {
    text: String,
    /// In wire order.
    entries: Vec<Entry>,
    /// Room to decode one escaped name or value in.
    scratch: Vec<u8>,
}

impl Builder {
    /// Room for `raw_bytes` of form-encoded input holding at most `pairs` pairs, plus the
    /// decoded form of its escaped parts (a signed query's timestamp and signature, mostly).
    /// Sized tightly: the journal keeps the last 10,000 calls' parameters, and a smaller
    /// footprint measurably speeds up every call.
    fn with_capacity(raw_bytes: usize, pairs: usize) -> Builder {
        Builder {
            text: String::with_capacity(raw_bytes + raw_bytes / 4 + 16),
            entries: Vec::with_capacity(pairs),
            scratch: Vec::new(),
        }
    }

    /// Appends `s` to the text.
    fn span(&mut self, s: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        Span {
            start,
            end: self.text.len() as u32,
        }
    }

    fn push(&mut self, name: Span, value: Span) {
        let wire = self.entries.len() as u32;
        self.entries.push(Entry { name, value, wire });
    }

    /// Pushes the pairs of a form-encoded string (`application/x-www-form-urlencoded`, as
    /// `form_urlencoded::parse` reads it), leaving out pairs with an empty name.
    fn push_form(&mut self, input: &[u8]) {
        match std::str::from_utf8(input) {
            Ok(text) => self.push_form_text(text),
            Err(_) => {
                for (name, value) in form_pairs(input).filter(|(name, _)| !name.is_empty()) {
                    let name = self.span_decoded(name);
                    let value = self.span_decoded(value);
                    self.push(name, value);
                }
            }
        }
    }

    /// [`Builder::push_form`] for input known to be UTF-8, such as a query string. The input
    /// is copied once, whole, and a name or value without `%` or `+` is kept where it is in
    /// that copy: one copy whatever the number of parameters. The `&`, `=` and `%` are found
    /// with one vectorised search (`memchr3`) rather than byte by byte; a `+` anywhere makes
    /// every piece look closer ([`Builder::span_text`]).
    fn push_form_text(&mut self, input: &str) {
        let base = self.text.len();
        self.text.push_str(input);
        let in_copy = |start: usize, end: usize| Span {
            start: (base + start) as u32,
            end: (base + end) as u32,
        };
        let bytes = input.as_bytes();
        let plus = memchr::memchr(b'+', bytes).is_some();
        let mut piece_start = 0;
        let mut equals: Option<usize> = None;
        let mut escaped = plus;
        // Each `&`, `=` and `%`, then the end of the input as the last piece's end.
        for i in memchr::memchr3_iter(b'&', b'=', b'%', bytes).chain([bytes.len()]) {
            match bytes.get(i).copied().unwrap_or(b'&') {
                b'&' => {
                    let name_end = equals.unwrap_or(i);
                    // A piece with an empty name (`&=x&`, `&&`) is left out.
                    if name_end > piece_start {
                        let value_start = equals.map_or(i, |eq| eq + 1);
                        let (name, value) = if escaped {
                            (
                                self.span_text(&input[piece_start..name_end]),
                                self.span_text(&input[value_start..i]),
                            )
                        } else {
                            (in_copy(piece_start, name_end), in_copy(value_start, i))
                        };
                        self.push(name, value);
                    }
                    piece_start = i + 1;
                    equals = None;
                    escaped = plus;
                }
                b'=' if equals.is_none() => equals = Some(i),
                b'%' => escaped = true,
                _ => {}
            }
        }
    }

    fn span_text(&mut self, raw: &str) -> Span {
        if memchr::memchr2(b'%', b'+', raw.as_bytes()).is_some() {
            self.span_decoded(raw.as_bytes())
        } else {
            self.span(raw)
        }
    }

    fn span_decoded(&mut self, raw: &[u8]) -> Span {
        let mut scratch = std::mem::take(&mut self.scratch);
        form_decode_into(raw, &mut scratch);
        let span = self.span(&String::from_utf8_lossy(&scratch));
        self.scratch = scratch;
        span
    }

    /// Sorts by name; returns the parameters and the name whose second occurrence comes first
    /// on the wire, if any name repeats.
    fn finish(self) -> (Params, Option<String>) {
        let Builder {
            text, mut entries, ..
        } = self;
        // Bytes order as `str` order does, without the checks of `str` slicing.
        let name = |e: &Entry| e.name.bytes(&text);
        // Most clients send their parameters sorted and each once (a V1 signer sorts them,
        // then appends `Signature`): the first place out of order tells which case this is.
        let disorder = entries.windows(2).position(|w| name(&w[0]) >= name(&w[1]));
        let end = entries.len().saturating_sub(1);
        match disorder {
            None => return (Params { text, entries }, None),
            // Only the last is out of place: moved into place by halves, unless it repeats a
            // name (then the general path reports it).
            Some(at) if at + 1 == end => {
                let last = entries[end];
                if let Err(to) = entries[..end].binary_search_by(|e| name(e).cmp(name(&last))) {
                    entries.copy_within(to..end, to + 1);
                    entries[to] = last;
                    return (Params { text, entries }, None);
                }
            }
            Some(_) => {}
        }
        // Stable, so the occurrences of one name stay in wire order.
        entries.sort_by(|a, b| name(a).cmp(name(b)));
        let mut first_repeat: Option<&Entry> = None;
        for pair in entries.windows(2) {
            let (earlier, later) = (&pair[0], &pair[1]);
            if name(earlier) == name(later) && first_repeat.is_none_or(|r| later.wire < r.wire) {
                first_repeat = Some(later);
            }
        }
        let duplicate = first_repeat.map(|e| e.name.of(&text).to_owned());
        if duplicate.is_some() {
            entries.dedup_by(|later, earlier| name(later) == name(earlier));
        }
        (Params { text, entries }, duplicate)
    }
}

/// The raw `name=value` pairs of a form-encoded string: split on `&`, empty pieces skipped, a
/// piece without `=` has an empty value.
fn form_pairs(input: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    input
        .split(|&b| b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| match piece.iter().position(|&b| b == b'=') {
            Some(eq) => (&piece[..eq], &piece[eq + 1..]),
            None => (piece, &piece[piece.len()..]),
        })
}

/// Decodes one name or value into `out`: `+` is a space, `%XX` a byte, and a `%` not followed
/// by two hex digits stays as it is. Runs between escapes are copied whole.
fn form_decode_into(raw: &[u8], out: &mut Vec<u8>) {
    fn hex(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }
    out.clear();
    out.reserve(raw.len());
    let mut rest = raw;
    while let Some(at) = memchr::memchr2(b'%', b'+', rest) {
        out.extend_from_slice(&rest[..at]);
        let escaped = match rest[at..] {
            [b'%', hi, lo, ..] => hex(hi).zip(hex(lo)).map(|(hi, lo)| hi << 4 | lo),
            _ => None,
        };
        match (rest[at], escaped) {
            (_, Some(byte)) => {
                out.push(byte);
                rest = &rest[at + 3..];
            }
            (b'+', None) => {
                out.push(b' ');
                rest = &rest[at + 1..];
            }
            (other, None) => {
                out.push(other);
                rest = &rest[at + 1..];
            }
        }
    }
    out.extend_from_slice(rest);
}

/// One name or value, decoded; bytes that are not UTF-8 become U+FFFD.
fn form_decode(raw: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(raw.len());
    form_decode_into(raw, &mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// An HTTP request to `/`, decoded but not yet authenticated.
#[derive(Debug, Clone)]
pub struct RpcRequest {
    pub method: Method,
    /// Query parameters in wire order, form-decoded, kept only when the request carries an
    /// `Authorization` header: the ACS3 canonical query is built from these alone.
    pub query: Vec<(String, String)>,
    /// Query and form body together.
    pub params: Params,
    pub headers: HeaderMap,
    /// The body as received (de-chunked), which ACS3 hashes.
    pub body: Bytes,
}

/// `Format` (SPEC 3.1): JSON unless a V1 caller asks for XML.
pub fn parse_format(value: Option<&str>) -> Result<super::Format, ApiError> {
    match value {
        None => Ok(super::Format::Json),
        Some(v) if v.eq_ignore_ascii_case("json") || v.eq_ignore_ascii_case("none") => {
            Ok(super::Format::Json)
        }
        Some(v) if v.eq_ignore_ascii_case("xml") => Ok(super::Format::Xml),
        Some(_) => Err(ApiError::InvalidParameter("Format".into())),
    }
}

/// Whether a body of this content type carries parameters.
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// What decoding found before the checks of SPEC 3.3 run: the request and the first repeated
/// name, if any.
pub struct Decoded {
    pub request: RpcRequest,
    pub duplicate: Option<String>,
}

/// Decodes the query string and, for a POST, a form body.
pub fn decode_request(method: Method, query: &str, headers: HeaderMap, body: Bytes) -> Decoded {
    // SPEC 3.1: a form body carries parameters on POST only.
    let raw_body: &[u8] = if method == Method::POST && is_form(&headers) {
        &body
    } else {
        &[]
    };
    let ampersands = |input: &[u8]| memchr::memchr_iter(b'&', input).count();
    let mut builder = Builder::with_capacity(
        query.len() + raw_body.len(),
        ampersands(query.as_bytes()) + ampersands(raw_body) + 2,
    );
    builder.push_form_text(query);
    builder.push_form(raw_body);
    let (params, duplicate) = builder.finish();
    let kept_query = if headers.contains_key(header::AUTHORIZATION) {
        form_pairs(query.as_bytes())
            .filter(|(name, _)| !name.is_empty())
            .map(|(name, value)| (form_decode(name), form_decode(value)))
            .collect()
    } else {
        Vec::new()
    };
    Decoded {
        request: RpcRequest {
            method,
            query: kept_query,
            params,
            headers,
            body,
        },
        duplicate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Format;

    fn form_headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=UTF-8"
                .parse()
                .unwrap(),
        );
        h
    }

    #[test]
    fn query_and_form_are_form_decoded_and_merged() {
        let d = decode_request(
            Method::POST,
            "Name=my+cert%2A~%2F%C3%A9&RegionId=cn-hangzhou",
            form_headers(),
            Bytes::from_static(b"SslVpnClientCertId=vsc-1&Empty="),
        );
        let p = &d.request.params;
        assert_eq!(p.get("Name"), Some("my cert*~/é"));
        assert_eq!(p.get("SslVpnClientCertId"), Some("vsc-1"));
        assert_eq!(p.get("Empty"), Some(""));
        assert!(p.required("Empty").is_err());
        assert_eq!(p.filter("Empty"), None);
        assert_eq!(d.duplicate, None);
    }

    #[test]
    fn a_form_body_counts_on_post_only() {
        let d = decode_request(
            Method::GET,
            "",
            form_headers(),
            Bytes::from_static(b"Action=X"),
        );
        assert_eq!(d.request.params.get("Action"), None);
    }

    #[test]
    fn bodies_of_other_types_are_ignored() {
        let d = decode_request(
            Method::POST,
            "",
            HeaderMap::new(),
            Bytes::from_static(b"Action=X"),
        );
        assert_eq!(d.request.params.get("Action"), None);
    }

    #[test]
    fn a_name_given_twice_is_found_across_query_and_body() {
        let d = decode_request(
            Method::POST,
            "Name=a",
            form_headers(),
            Bytes::from_static(b"Name=b"),
        );
        assert_eq!(d.duplicate.as_deref(), Some("Name"));
    }

    #[test]
    fn format_is_case_insensitive_and_none_is_json() {
        assert_eq!(parse_format(Some("xml")).unwrap(), Format::Xml);
        assert_eq!(parse_format(Some("JSON")).unwrap(), Format::Json);
        assert_eq!(parse_format(Some("None")).unwrap(), Format::Json);
        assert_eq!(parse_format(None).unwrap(), Format::Json);
        assert_eq!(
            parse_format(Some("yaml")),
            Err(ApiError::InvalidParameter("Format".into()))
        );
    }

    /// What decoding was before [`Params`] kept one string: `form_urlencoded` into a map, the
    /// first occurrence winning and the first repeat on the wire reported.
    fn reference(query: &[u8], body: &[u8]) -> (Vec<(String, String)>, Option<String>) {
        let mut map = std::collections::BTreeMap::new();
        let mut duplicate = None;
        let pairs = form_urlencoded::parse(query).chain(form_urlencoded::parse(body));
        for (name, value) in pairs.filter(|(k, _)| !k.is_empty()) {
            match map.entry(name.into_owned()) {
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(value.into_owned());
                }
                std::collections::btree_map::Entry::Occupied(e) => {
                    duplicate.get_or_insert_with(|| e.key().clone());
                }
            }
        }
        (map.into_iter().collect(), duplicate)
    }

    fn form_bytes() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        let pieces = proptest::sample::select(vec![
            b"&".to_vec(),
            b"=".to_vec(),
            b"%".to_vec(),
            b"+".to_vec(),
            b"%2".to_vec(),
            b"%41".to_vec(),
            b"%e9".to_vec(),
            b"%C3%A9".to_vec(),
            b"%FF".to_vec(),
            b"\xff".to_vec(),
            "é".as_bytes().to_vec(),
            b"a".to_vec(),
            b"B".to_vec(),
            b"Name".to_vec(),
            b"Format".to_vec(),
        ]);
        proptest::collection::vec(pieces, 0..24).prop_map(|p| p.concat())
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decoding_matches_form_urlencoded(query in form_bytes(), body in form_bytes()) {
            let mut builder = Builder::default();
            builder.push_form(&query);
            builder.push_form(&body);
            let (params, duplicate) = builder.finish();
            let got: Vec<(String, String)> =
                params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            prop_assert_eq!((got, duplicate), reference(&query, &body));
        }
    }

    proptest! {
        /// The fast paths of [`Builder::finish`]: names already in order, or in order but for
        /// the last (where a V1 signer puts `Signature`), with or without a repeat.
        #[test]
        fn sorted_and_nearly_sorted_input_decodes_as_any_other(
            names in proptest::collection::btree_set("[A-Za-z]{1,6}", 0..12),
            last in "[A-Za-z]{1,6}",
            repeat in proptest::bool::ANY,
        ) {
            let mut pairs: Vec<String> = names.iter().enumerate().map(|(i, n)| format!("{n}={i}")).collect();
            let last = match (repeat, names.iter().next()) {
                (true, Some(first)) => first.clone(),
                _ => last,
            };
            pairs.push(format!("{last}=x%2By"));
            let query = pairs.join("&");
            let mut builder = Builder::default();
            builder.push_form(query.as_bytes());
            let (params, duplicate) = builder.finish();
            let got: Vec<(String, String)> =
                params.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
            prop_assert_eq!((got, duplicate), reference(query.as_bytes(), b""));
        }
    }

    #[test]
    fn lookups_find_every_name_and_only_those() {
        let params: Params = [("b", "2"), ("a", "1"), ("c", ""), ("a", "again")]
            .into_iter()
            .collect();
        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("b"), Some("2"));
        assert_eq!(params.get("c"), Some(""));
        assert_eq!(params.get("d"), None);
        assert_eq!(params.len(), 3);
        let many: Params = (0..100)
            .rev()
            .map(|n| (format!("p{n}"), n.to_string()))
            .collect();
        assert!(many.len() > SCAN_UP_TO);
        assert!((0..100).all(|n| many.get(&format!("p{n}")) == Some(n.to_string().as_str())));
        assert_eq!(many.get("p100"), None);
        assert_eq!(format!("{params:?}"), r#"{"a": "1", "b": "2", "c": ""}"#);
    }
}
