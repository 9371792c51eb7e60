//! The admin API under `/_emulator/` (SPEC section 8): plain JSON, never part of the Alibaba
//! surface. Refusals are `{"error": "..."}` with 400, 401, 403, 404, 405 or 415; 410 for
//! `after=` a call the journal no longer holds, 500 for a state that could not be written.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::extract::{RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::app::{AppState, ReplaceError};
use crate::faults::FaultRule;
use crate::state::{self, World};

/// Large enough for a 100,000-certificate state.
const MAX_ADMIN_BODY: usize = 1 << 30;

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

fn bad_request(message: impl Into<String>) -> Response {
    refuse(StatusCode::BAD_REQUEST, message)
}

fn authorized(app: &AppState, headers: &HeaderMap) -> bool {
    let Some(token) = &app.config.admin_token else {
        return true;
    };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| given == token)
}

/// A body of at most [`MAX_ADMIN_BODY`] bytes, arrived within the connection's body time.
async fn read_body(body: Body) -> Result<axum::body::Bytes, Response> {
    let read = axum::body::to_bytes(body, MAX_ADMIN_BODY);
    match tokio::time::timeout(crate::connection::BODY_READ_TIMEOUT, read).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => Err(bad_request(format!("cannot read the body: {e}"))),
        Err(_) => Err(bad_request(format!(
            "cannot read the body: it did not arrive within {} s",
            crate::connection::BODY_READ_TIMEOUT.as_secs()
        ))),
    }
}

/// Reads a JSON body into `T`; the error names the JSON path.
async fn json_body<T: for<'de> Deserialize<'de>>(body: Body) -> Result<T, Response> {
    let bytes = read_body(body).await?;
    crate::json::from_slice(&bytes).map_err(|e| bad_request(e.to_string()))
}

/// The admin API's calls and the methods each takes, for the `405` message.
const CALLS: &[(&str, &str)] = &[
    ("health", "GET"),
    ("state", "GET or PUT"),
    ("reset", "POST"),
    ("requests", "GET or DELETE"),
    ("requests/{RequestId}", "GET"),
    ("faults", "GET, POST or DELETE"),
    ("clock", "GET or POST"),
    ("ui", "GET"),
    ("view", "GET"),
    ("catalogue", "GET"),
    ("coverage", "GET"),
    ("ca.pem", "GET"),
];

/// The web console (one page, everything inline, embedded in the binary).
const CONSOLE: &str = include_str!("console.html");

/// The admin API as an axum `Router` (the RPC path keeps its own fast path in
/// [`crate::server::handle`]), built once; each call gives it the app it serves. `HEAD`
/// answers as `GET` without a body (SPEC section 13).
fn router() -> &'static Router<Arc<AppState>> {
    static ROUTER: OnceLock<Router<Arc<AppState>>> = OnceLock::new();
    ROUTER.get_or_init(|| {
        Router::new()
            .route("/_emulator/health", get(health))
            .route("/_emulator/state", get(get_state).put(put_state))
            .route("/_emulator/reset", post(reset))
            .route("/_emulator/requests", get(requests).delete(clear_requests))
            .route("/_emulator/requests/{id}", get(one_request))
            .route(
                "/_emulator/faults",
                get(list_faults).post(add_fault).delete(clear_faults),
            )
            .route("/_emulator/clock", get(read_clock).post(move_clock))
            .route("/_emulator/ui", get(console))
            .route("/_emulator/view", get(view))
            .route("/_emulator/catalogue", get(catalogue))
            .route("/_emulator/coverage", get(coverage))
            .route("/_emulator/ca.pem", get(ca_pem))
            .fallback(unknown_call)
            .method_not_allowed_fallback(wrong_method)
    })
}

/// The calls that need no admin token: the health check, the console's page itself (it holds
/// no data; it asks for the token and sends it with every call it makes), and the TLS CA.
const OPEN_CALLS: [&str; 3] = ["/_emulator/health", "/_emulator/ui", "/_emulator/ca.pem"];

/// Serves one admin call (everything under `/_emulator/`, the bare prefix included). Only what
/// no other website could have sent ([`crate::guard`], SPEC 14) is served at all; every
/// call but `health` and the console's page needs `Authorization: Bearer TOKEN` when
/// `--admin-token` is set, unknown calls included (they answer 401 before 404).
pub async fn handle(app: Arc<AppState>, request: Request) -> Response {
    if let Err((status, message)) = crate::guard::check(
        &app.config,
        request.method(),
        request.uri(),
        request.headers(),
    ) {
        return refuse(status, message);
    }
    if !OPEN_CALLS.contains(&request.uri().path()) && !authorized(&app, request.headers()) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "this call needs Authorization: Bearer <admin token>",
        );
    }
    match router().clone().with_state(app).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

async fn unknown_call(uri: Uri) -> Response {
    let call = uri.path().strip_prefix("/_emulator/").unwrap_or_default();
    refuse(
        StatusCode::NOT_FOUND,
        format!("no admin call /_emulator/{call}"),
    )
}

async fn wrong_method(uri: Uri) -> Response {
    let call = uri.path().strip_prefix("/_emulator/").unwrap_or_default();
    // `requests/{RequestId}` is one call of the journal.
    let name = if call.starts_with("requests/") {
        "requests/{RequestId}"
    } else {
        call
    };
    let allowed = CALLS
        .iter()
        .find(|(known, _)| *known == name)
        .map_or("other methods", |(_, methods)| methods);
    refuse(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("/_emulator/{call} takes {allowed}"),
    )
}

async fn health() -> Response {
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}

async fn get_state(State(app): State<Arc<AppState>>) -> Response {
    match app.read_durable(World::to_doc).await {
        Some(doc) => Json(doc).into_response(),
        None => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            crate::persist::PersistError.to_string(),
        ),
    }
}

async fn clear_requests(State(app): State<Arc<AppState>>) -> Response {
    app.journal.clear();
    Json(json!({ "status": "ok" })).into_response()
}

async fn list_faults(State(app): State<Arc<AppState>>) -> Response {
    Json(app.faults.list()).into_response()
}

async fn clear_faults(State(app): State<Arc<AppState>>) -> Response {
    app.faults.clear();
    Json(json!({ "status": "ok" })).into_response()
}

/// The CA clients must trust for `--tls` (404 without `--tls`, or with the user's own
/// certificate).
async fn ca_pem(State(app): State<Arc<AppState>>) -> Response {
    match app.tls_ca.get() {
        Some(pem) => (
            [(header::CONTENT_TYPE, "application/x-pem-file")],
            pem.clone(),
        )
            .into_response(),
        None if app.config.tls => refuse(
            StatusCode::NOT_FOUND,
            "no emulator CA: --tls serves the certificate of --tls-cert",
        ),
        None => refuse(
            StatusCode::NOT_FOUND,
            "no emulator CA: TLS is off (start with --tls)",
        ),
    }
}

async fn console() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/html;charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        CONSOLE,
    )
        .into_response()
}

/// What the console shows beside the state: the clock, each gateway's status now (its busy
/// window included) and each certificate's status at the emulator clock. Like every read, it
/// answers only once what it shows is durable (SPEC 9).
async fn view(State(app): State<Arc<AppState>>) -> Response {
    let now = app.clock.now_ms();
    let shown = app
        .read_durable(|world| {
            let gateways: serde_json::Map<String, Value> = world
                .gateways()
                .map(|g| {
                    (
                        g.vpn_gateway_id.clone(),
                        json!({
                            "Status": world.gateway_status(g, now),
                            "BusyUntil": world.busy_end(&g.vpn_gateway_id, now),
                        }),
                    )
                })
                .collect();
            let certs: serde_json::Map<String, Value> = world
                .all_certs()
                .map(|c| (c.id.clone(), json!(state::cert_status(c.end_time, now))))
                .collect();
            json!({ "Now": now, "Gateways": gateways, "Certs": certs })
        })
        .await;
    match shown {
        Some(view) => Json(view).into_response(),
        None => refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            crate::persist::PersistError.to_string(),
        ),
    }
}

/// The codes a fault rule can name (SPEC 3.3's catalogue) and the actions it can target. A
/// code or message that names a parameter shows it as `{P}`: `Missing{P}` is named with the
/// parameter in its place, the others take the rule's `Parameter`.
async fn catalogue(State(app): State<Arc<AppState>>) -> Response {
    let mut codes: Vec<Value> = Vec::new();
    for e in crate::error::ApiError::each("{P}", app.config.max_body_bytes) {
        let code = e.code();
        if !codes.iter().any(|c| c["Code"] == code.as_str()) {
            codes.push(
                json!({ "Code": code, "HttpStatus": e.status().as_u16(), "Message": e.message() }),
            );
        }
    }
    let actions: Vec<&str> = crate::actions::OPERATIONS
        .iter()
        .map(|op| op.name)
        .collect();
    Json(json!({ "Codes": codes, "Actions": actions })).into_response()
}

/// `GET /_emulator/coverage` (SPEC 14): every action of the API's metadata, whether the
/// emulator implements it and, if so, which SDK suites and tool replays exercise it.
async fn coverage() -> Response {
    use crate::actions::{Product, api_table};
    let actions: Vec<Value> = api_table::all()
        .iter()
        .map(|a| {
            let product = if a.product == "Ecs" {
                Product::Ecs
            } else {
                Product::Vpc
            };
            let emulated = product.find(a.name).is_some();
            let mut item = json!({
                "Product": a.product,
                "Version": a.version,
                "Action": a.name,
                "Emulated": emulated,
            });
            if emulated {
                item["ExercisedBy"] = a
                    .exercised_by
                    .split(' ')
                    .filter(|s| !s.is_empty())
                    .collect();
            }
            item
        })
        .collect();
    let emulated = actions.iter().filter(|a| a["Emulated"] == true).count();
    Json(json!({ "Emulated": emulated, "Total": actions.len(), "Actions": actions }))
        .into_response()
}

async fn read_clock(State(app): State<Arc<AppState>>) -> Response {
    Json(json!({ "Now": app.clock.now_ms() })).into_response()
}

/// What `PUT state` and `reset` answer: the counts of the state they put in place (taken from
/// the document, so that no change made since, not yet durable, is counted).
fn summary(doc: &state::StateDoc) -> Value {
    json!({
        "status": "ok",
        "Regions": doc.regions.len(),
        "Accounts": doc.accounts.len(),
        "VpnGateways": doc.vpn_gateways.len(),
        "SslVpnServers": doc.ssl_vpn_servers.len(),
        "SslVpnClientCerts": doc.ssl_vpn_client_certs.len(),
        "CustomerGateways": doc.customer_gateways.len(),
        "VpnConnections": doc.vpn_connections.len(),
        "VpnRouteEntries": doc.vpn_route_entries.len(),
    })
}

async fn put_state(State(app): State<Arc<AppState>>, body: Body) -> Response {
    let bytes = match read_body(body).await {
        Ok(b) => b,
        Err(refusal) => return refusal,
    };
    let text = String::from_utf8_lossy(&bytes);
    let doc = match state::parse_doc(&text) {
        Ok(doc) => doc,
        Err(e) => return bad_request(e.to_string()),
    };
    let counts = summary(&doc);
    match app.replace_world(doc).await {
        Ok(()) => Json(counts).into_response(),
        Err(e @ ReplaceError::Invalid(_)) => bad_request(e.to_string()),
        Err(e @ ReplaceError::NotDurable) => {
            refuse(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
    }
}

async fn reset(State(app): State<Arc<AppState>>) -> Response {
    if let Err(e) = app.replace_world(app.startup.clone()).await {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    }
    app.journal.clear();
    app.faults.clear();
    app.clock.reset();
    Json(summary(&app.startup)).into_response()
}

/// How much of the journal one piece of a `GET requests` answer holds (at least one call).
const JOURNAL_CHUNK_BYTES: usize = 256 * 1024;

/// `GET requests[?action=A&limit=N&after=RequestId&response=false]`: the journal, oldest
/// first. `after` keeps the calls after that one (410 once it is no longer in the journal, so
/// that the reader starts over); `response=false` leaves the answers' bodies out (the console
/// asks for one when it is opened, `GET requests/{RequestId}`). The answer is written as it is
/// sent, a few calls at a time, so that readers share the journal rather than copy it.
async fn requests(State(app): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let query = query.unwrap_or_default();
    let (mut action, mut limit, mut after, mut with_response) = (None, None, None, true);
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "action" => action = Some(value.into_owned()),
            "limit" => match value.parse::<usize>() {
                Ok(n) => limit = Some(n),
                Err(_) => return bad_request(format!("limit: not a whole number ({value})")),
            },
            "after" => after = Some(value.into_owned()),
            "response" => match value.as_ref() {
                "true" => with_response = true,
                "false" => with_response = false,
                _ => return bad_request(format!("response: true or false ({value})")),
            },
            other => return bad_request(format!("unknown query parameter ({other})")),
        }
    }
    let (from, end) = match app
        .journal
        .window(action.as_deref(), limit, after.as_deref())
    {
        Ok(window) => window,
        Err(crate::journal::Gone) => {
            return refuse(
                StatusCode::GONE,
                format!(
                    "no call {} in the journal (it was cleared, or the call rotated out): ask again without after",
                    after.unwrap_or_default()
                ),
            );
        }
    };
    // Between pieces: where to go on from, and whether the array was opened, has an entry, is
    // closed. Every piece but the first and the last holds at least one entry.
    #[derive(Clone, Copy)]
    struct Reading {
        from: u64,
        opened: bool,
        any: bool,
        closed: bool,
    }
    let first = Reading {
        from,
        opened: false,
        any: false,
        closed: false,
    };
    let pieces = futures_util::stream::unfold(first, move |mut reading| {
        let (app, action) = (app.clone(), action.clone());
        async move {
            if reading.closed {
                return None;
            }
            let mut out = Vec::new();
            if !reading.opened {
                out.push(b'[');
                reading.opened = true;
            }
            loop {
                let (entries, next) = if reading.from < end {
                    let journal = &app.journal;
                    journal.chunk(action.as_deref(), reading.from, end, JOURNAL_CHUNK_BYTES)
                } else {
                    (Vec::new(), end)
                };
                for entry in &entries {
                    if reading.any {
                        out.push(b',');
                    }
                    crate::journal::write_entry(&mut out, entry, with_response);
                    reading.any = true;
                }
                reading.from = next;
                if reading.from >= end {
                    out.push(b']');
                    reading.closed = true;
                }
                if reading.closed || !entries.is_empty() {
                    let piece = Ok::<_, std::convert::Infallible>(bytes::Bytes::from(out));
                    return Some((piece, reading));
                }
            }
        }
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from_stream(pieces),
    )
        .into_response()
}

/// `GET requests/{RequestId}`: one call, with its answer's body.
async fn one_request(
    State(app): State<Arc<AppState>>,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    match app.journal.get(&id) {
        Some(entry) => {
            let mut out = Vec::new();
            crate::journal::write_entry(&mut out, &entry, true);
            ([(header::CONTENT_TYPE, "application/json")], out).into_response()
        }
        None => refuse(
            StatusCode::NOT_FOUND,
            format!("no call {id} in the journal"),
        ),
    }
}

async fn add_fault(State(app): State<Arc<AppState>>, body: Body) -> Response {
    let rule: FaultRule = match json_body(body).await {
        Ok(rule) => rule,
        Err(refusal) => return refusal,
    };
    if let Err(reason) = rule.validate(app.config.max_body_bytes) {
        return bad_request(reason);
    }
    app.faults.add(rule.clone());
    Json(rule).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
struct ClockMove {
    advance_seconds: Option<i64>,
    now: Option<i64>,
}

async fn move_clock(State(app): State<Arc<AppState>>, body: Body) -> Response {
    let change: ClockMove = match json_body(body).await {
        Ok(c) => c,
        Err(refusal) => return refusal,
    };
    let moved = match (change.advance_seconds, change.now) {
        (Some(seconds), None) => app.clock.advance(seconds),
        (None, Some(now)) => app.clock.set_now_ms(now),
        _ => return bad_request("give exactly one of AdvanceSeconds and Now"),
    };
    if let Err(e) = moved {
        return bad_request(e.to_string());
    }
    Json(json!({ "Now": app.clock.now_ms() })).into_response()
}
