//! The admin API under `/_emulator/` (SPEC section 8): plain JSON, never part of the Alibaba
//! surface. Refusals are `{"error": "..."}` with 400, 401, 404 or 405.

use std::sync::Arc;

use axum::Json;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::Uri;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

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

fn wrong_method(call: &str, allowed: &str) -> Response {
    refuse(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("/_emulator/{call} takes {allowed}"),
    )
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

/// Reads a JSON body into `T`; the error names the JSON path.
async fn json_body<T: for<'de> Deserialize<'de>>(body: Body) -> Result<T, Response> {
    let bytes = axum::body::to_bytes(body, MAX_ADMIN_BODY)
        .await
        .map_err(|e| bad_request(format!("cannot read the body: {e}")))?;
    crate::json::from_slice(&bytes).map_err(|e| bad_request(e.to_string()))
}

pub async fn handle(
    State(app): State<Arc<AppState>>,
    method: Method,
    uri: Uri,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // Everything under `/_emulator/`, the bare prefix included, is the admin namespace.
    let path = uri.path().strip_prefix("/_emulator/").unwrap_or_default();
    // HEAD answers as GET; the HTTP layer sends no body for it (SPEC section 13).
    let method = if method == Method::HEAD {
        Method::GET
    } else {
        method
    };
    if path == "health" {
        return match method {
            Method::GET => Json(json!({
                "status": "ok",
                "version": env!("CARGO_PKG_VERSION"),
            }))
            .into_response(),
            _ => wrong_method("health", "GET"),
        };
    }
    if !authorized(&app, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "this call needs Authorization: Bearer <admin token>",
        );
    }
    match path {
        "state" => match method {
            Method::GET => match app.read_durable(World::to_doc).await {
                Some(doc) => Json(doc).into_response(),
                None => refuse(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the state file could not be written",
                ),
            },
            Method::PUT => put_state(&app, body).await,
            _ => wrong_method("state", "GET or PUT"),
        },
        "reset" => match method {
            Method::POST => reset(&app).await,
            _ => wrong_method("reset", "POST"),
        },
        "requests" => match method {
            Method::GET => requests(&app, query.as_deref().unwrap_or("")),
            Method::DELETE => {
                app.journal.clear();
                Json(json!({ "status": "ok" })).into_response()
            }
            _ => wrong_method("requests", "GET or DELETE"),
        },
        "faults" => match method {
            Method::GET => Json(app.faults.list()).into_response(),
            Method::POST => add_fault(&app, body).await,
            Method::DELETE => {
                app.faults.clear();
                Json(json!({ "status": "ok" })).into_response()
            }
            _ => wrong_method("faults", "GET, POST or DELETE"),
        },
        "clock" => match method {
            Method::GET => Json(json!({ "Now": app.clock.now_ms() })).into_response(),
            Method::POST => move_clock(&app, body).await,
            _ => wrong_method("clock", "GET or POST"),
        },
        _ => refuse(
            StatusCode::NOT_FOUND,
            format!("no admin call /_emulator/{path}"),
        ),
    }
}

fn summary(app: &AppState) -> Value {
    let doc = app.read_world().to_doc();
    json!({
        "status": "ok",
        "Regions": doc.regions.len(),
        "Accounts": doc.accounts.len(),
        "VpnGateways": doc.vpn_gateways.len(),
        "SslVpnServers": doc.ssl_vpn_servers.len(),
        "SslVpnClientCerts": doc.ssl_vpn_client_certs.len(),
    })
}

async fn put_state(app: &AppState, body: Body) -> Response {
    let bytes = match axum::body::to_bytes(body, MAX_ADMIN_BODY).await {
        Ok(b) => b,
        Err(e) => return bad_request(format!("cannot read the body: {e}")),
    };
    let text = String::from_utf8_lossy(&bytes);
    let doc = match state::parse_doc(&text) {
        Ok(doc) => doc,
        Err(e) => return bad_request(e.to_string()),
    };
    match app.replace_world(doc).await {
        Ok(()) => Json(summary(app)).into_response(),
        Err(e @ ReplaceError::Invalid(_)) => bad_request(e.to_string()),
        Err(e @ ReplaceError::NotDurable) => {
            refuse(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
    }
}

async fn reset(app: &AppState) -> Response {
    if let Err(e) = app.replace_world(app.startup.clone()).await {
        return refuse(StatusCode::INTERNAL_SERVER_ERROR, e.to_string());
    }
    app.journal.clear();
    app.faults.clear();
    app.clock.reset();
    Json(summary(app)).into_response()
}

fn requests(app: &AppState, query: &str) -> Response {
    let mut action = None;
    let mut limit = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "action" => action = Some(value.into_owned()),
            "limit" => match value.parse::<usize>() {
                Ok(n) => limit = Some(n),
                Err(_) => return bad_request(format!("limit: not a whole number ({value})")),
            },
            other => return bad_request(format!("unknown query parameter ({other})")),
        }
    }
    Json(app.journal.list(action.as_deref(), limit)).into_response()
}

async fn add_fault(app: &AppState, body: Body) -> Response {
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

async fn move_clock(app: &AppState, body: Body) -> Response {
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
