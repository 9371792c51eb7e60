//! The admin API under `/_emulator/` (SPEC section 8): plain JSON, never part of the Alibaba
//! surface. Errors are `{"error": "..."}` with 400, 401, 404 or 405.

use std::sync::{Arc, PoisonError};

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::server::AppState;

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
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

pub async fn handle(
    State(app): State<Arc<AppState>>,
    method: Method,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    if path == "health" {
        return match method {
            Method::GET => Json(json!({
                "status": "ok",
                "version": env!("CARGO_PKG_VERSION"),
            }))
            .into_response(),
            _ => refuse(StatusCode::METHOD_NOT_ALLOWED, "health takes GET"),
        };
    }
    if !authorized(&app, &headers) {
        return refuse(
            StatusCode::UNAUTHORIZED,
            "this call needs Authorization: Bearer <admin token>",
        );
    }
    match (path.as_str(), &method) {
        ("state", &Method::GET) => {
            let world = app.world.read().unwrap_or_else(PoisonError::into_inner);
            Json(world.to_doc()).into_response()
        }
        ("state", _) => refuse(StatusCode::METHOD_NOT_ALLOWED, "state takes GET"),
        _ => refuse(
            StatusCode::NOT_FOUND,
            &format!("no admin call /_emulator/{path}"),
        ),
    }
}
