//! The HTTP server: [`handle`] (the admin API or an API call, by path), the RPC pipeline of
//! SPEC section 3.3 (method and path → body size → Format → duplicate parameter →
//! Action/Version → authentication → action), logging, and [`run`].

use std::borrow::Cow;
use std::cell::Cell;
use std::convert::Infallible;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, SystemTime};

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, Uri, header};
use axum::response::Response;
use bytes::Bytes;
use futures_util::FutureExt;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::actions::{self, Call, Operation, Product, api_table};
use crate::app::AppState;
use crate::auth::{Authenticator, Principal};
use crate::clock::epoch_ms;
use crate::config::{AuthMode, LogFormat};
use crate::connection::{BODY_READ_TIMEOUT, HEAD_READ_TIMEOUT, Watch, Watched, watchdog};
use crate::error::ApiError;
use crate::journal::{Entry, MAX_USER_AGENT_BYTES, cut_to};
use crate::logbuf::CallLine;
use crate::protocol::params::{Decoded, decode_request, parse_format};
use crate::protocol::render::{error_response, error_response_with_body, success_response};
use crate::protocol::{Format, Params, Reply, RpcRequest};
use crate::state;

/// The whole application, one request at a time: `/_emulator/` and below is the admin API
/// (SPEC section 8), everything else the Alibaba surface (SPEC section 3). A panic anywhere
/// answers `InternalError` and the server goes on.
///
/// One function rather than an axum `Router`: two prefixes need no route table, and skipping
/// one (its matching, boxed futures and per-request extensions) made every API call cheaper.
pub async fn handle(app: Arc<AppState>, request: Request) -> Response {
    handle_on(app, request, false).await
}

/// [`handle`] for a request that came over HTTPS (`https`) or plain HTTP, as the journal
/// records it.
pub async fn handle_on(app: Arc<AppState>, request: Request, https: bool) -> Response {
    let admin = request.uri().path().starts_with("/_emulator/");
    let answer = async move {
        if admin {
            crate::admin::handle(app, request).await
        } else {
            rpc(app, request, https).await
        }
    };
    AssertUnwindSafe(answer)
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| {
            tracing::error!(
                panic = panic_message(panic.as_ref()),
                "a request panicked; answered InternalError"
            );
            error_response(
                &ApiError::InternalError,
                &uuid::Uuid::new_v4().hyphenated().to_string().to_uppercase(),
                Format::Json,
            )
        })
}

/// A request refused before its body was read (413 by `Content-Length`, a wrong path or
/// method) still has this much of its body read and dropped, for at most [`DRAIN_TIME`], so
/// that the client, still writing, reads the answer instead of a reset (SPEC 14).
pub const DRAIN_BYTES: u64 = 64 * 1024 * 1024;
pub const DRAIN_TIME: Duration = Duration::from_secs(5);
/// A request head larger than this is answered by the HTTP layer: `414` for a long request
/// line, `431` for long headers.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Serves until `shutdown` completes, then finishes the requests in flight.
///
/// The accept loop is ours rather than `axum::serve`, to set the HTTP/1 limits above.
pub async fn run(
    listener: TcpListener,
    app: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    run_with_tls(listener, app, None, shutdown).await
}

/// [`run`], and with `tls` HTTPS on the same port: a connection whose first byte starts a TLS
/// handshake is served through it, any other as plain HTTP.
pub async fn run_with_tls(
    listener: TcpListener,
    app: Arc<AppState>,
    tls: Option<Arc<crate::tls::Tls>>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let idle = Duration::from_secs(app.config.idle_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let watcher = graceful.watcher();
        // One connection: its requests mark the watch, and the watchdog closes it when it has
        // been idle too long or spends too long on a request's head.
        let watch = Watch::new();
        let service = {
            let watch = watch.clone();
            move |https: bool| {
                let watch = watch.clone();
                service_fn(move |request: hyper::Request<Incoming>| {
                    let app = app.clone();
                    let watch = watch.clone();
                    async move {
                        watch.serving();
                        let response = handle_on(app, request.map(Body::new), https).await;
                        watch.idle();
                        Ok::<_, Infallible>(response)
                    }
                })
            }
        };
        macro_rules! serve {
            ($io:expr, $https:expr) => {{
                // Idle from now: the wait for a first byte and a TLS handshake are not idle
                // time of the HTTP connection.
                watch.idle();
                let connection = http1::Builder::new()
                    .timer(TokioTimer::new())
                    // The watchdog keeps the time instead: hyper's timer would also run while
                    // the connection is idle.
                    .header_read_timeout(None)
                    // A client that shuts its side after sending still gets every answer (SPEC 13).
                    .half_close(true)
                    .max_buf_size(MAX_HEAD_BYTES)
                    .serve_connection(
                        TokioIo::new(Watched::new($io, watch.clone())),
                        service($https),
                    );
                tokio::select! {
                    served = watcher.watch(connection) => {
                        if let Err(e) = served {
                            tracing::debug!(error = %e, "connection ended with an error");
                        }
                    }
                    () = watchdog(&watch, idle) => {}
                }
            }};
        }
        let Some(tls) = tls.clone() else {
            tokio::spawn(async move {
                // A client that speaks TLS to a plain-HTTP server gets a bare protocol error
                // from its TLS library; the log says what to change (SPEC 14).
                let mut first = [0u8; 1];
                match tokio::time::timeout(idle, stream.peek(&mut first)).await {
                    Ok(Ok(1)) if first[0] == crate::tls::HANDSHAKE => {
                        let peer = stream
                            .peer_addr()
                            .map_or_else(|_| "a client".to_owned(), |a| a.to_string());
                        tracing::warn!(
                            "{peer} opened a TLS (HTTPS) handshake, but this emulator serves plain HTTP: \
                             start it with --tls, or set the client's protocol to HTTP (the Tea \
                             SDKs' Config protocol, the legacy SDKs' protocol or scheme, the \
                             Terraform provider's protocol, the aliyun CLI's --insecure)"
                        );
                        // HTTP's refusal of it is what the client's TLS library reports.
                        serve!(stream, false)
                    }
                    Ok(Ok(1)) => serve!(stream, false),
                    _ => {}
                }
            });
            continue;
        };
        tokio::spawn(async move {
            // The first byte tells TLS from plain HTTP; a client that sends nothing is dropped
            // after the idle time, and a handshake must end within the head's time.
            let mut first = [0u8; 1];
            match tokio::time::timeout(idle, stream.peek(&mut first)).await {
                Ok(Ok(1)) if first[0] == crate::tls::HANDSHAKE => {
                    match tokio::time::timeout(HEAD_READ_TIMEOUT, tls.acceptor.accept(stream)).await
                    {
                        Ok(Ok(stream)) => serve!(stream, true),
                        Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!("TLS handshake timed out"),
                    }
                }
                Ok(Ok(1)) => serve!(stream, false),
                _ => {}
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// What the pipeline learnt about a call, for the answer, the log line and the journal.
#[derive(Default)]
struct Seen {
    format: Format,
    /// The operation, when the action asked for is one the emulator knows.
    action: Option<&'static Operation>,
    /// The action asked for, known or not (SPEC 14).
    asked: Option<Cow<'static, str>>,
    product: Option<Product>,
    version: Option<Cow<'static, str>>,
    /// `V1`, `ACS3` or `none`.
    signature: &'static str,
    principal: Option<Principal>,
    params: Params,
}

/// A name the emulator does not know, as the journal keeps it: borrowed when it is a known
/// one, else a copy cut to [`MAX_USER_AGENT_BYTES`].
fn named(known: Option<&'static str>, asked: &str) -> Cow<'static, str> {
    match known {
        Some(name) => Cow::Borrowed(name),
        None => Cow::Owned(cut_to(asked, MAX_USER_AGENT_BYTES).into_owned()),
    }
}

async fn rpc(app: Arc<AppState>, request: Request, https: bool) -> Response {
    // Real time, read once: the signature window, token expiry, the emulator clock and the
    // journal all take it from here.
    let started = SystemTime::now();
    let real_now = epoch_ms(started);
    let request_id = app.ids.request_id();
    let mut seen = Seen {
        signature: "none",
        ..Seen::default()
    };
    // The whole request, not extractors: those would copy the headers.
    let (parts, body) = request.into_parts();
    let method: Cow<'static, str> = match parts.method {
        Method::GET => Cow::Borrowed("GET"),
        Method::POST => Cow::Borrowed("POST"),
        ref other => Cow::Owned(cut_to(other.as_str(), MAX_USER_AGENT_BYTES).into_owned()),
    };
    let user_agent = parts
        .headers
        .get(header::USER_AGENT)
        .map(|v| cut_to(&String::from_utf8_lossy(v.as_bytes()), MAX_USER_AGENT_BYTES).into_owned());
    let result = process(
        &app,
        &mut seen,
        real_now,
        parts.method,
        &parts.uri,
        parts.headers,
        body,
    )
    .await;
    let ((response, body), code) = match result {
        Ok(reply) => {
            let action = seen.action.map_or("", |op| op.name);
            (
                success_response(action, &request_id, seen.format, reply),
                None,
            )
        }
        Err(error) => (
            error_response_with_body(&error, &request_id, seen.format),
            Some(error.code()),
        ),
    };
    let status = response.status().as_u16();
    let principal = seen.principal.as_ref().map(Principal::label);
    let finished = SystemTime::now();
    let micros = finished
        .duration_since(started)
        .map_or(0, |d| d.as_micros() as u64);
    CallLine {
        request_id: &request_id,
        action: seen.asked.as_deref(),
        version: seen.version.as_deref(),
        principal: principal.as_deref(),
        status,
        code: code.as_deref(),
        micros,
    }
    .log(app.config.log_format == LogFormat::Json, finished);
    // Last, so that what the line borrowed moves into the journal rather than being copied.
    app.journal.push(Entry {
        time: real_now,
        request_id,
        action: seen.asked,
        product: seen.product.map(Product::name),
        version: seen.version,
        method,
        scheme: if https { "https" } else { "http" },
        signature: seen.signature,
        user_agent,
        account_id: seen.principal.map(|p| p.account_id),
        principal,
        params: seen.params,
        http_status: status,
        code,
        duration_us: micros,
        response: body,
    });
    response
}

fn param_or_header<'a>(req: &'a RpcRequest, param: &str, header: &str) -> Option<&'a str> {
    req.params
        .get(param)
        .filter(|v| !v.is_empty())
        .or_else(|| req.headers.get(header).and_then(|v| v.to_str().ok()))
        .filter(|v| !v.is_empty())
}

async fn process(
    app: &AppState,
    seen: &mut Seen,
    real_now: i64,
    method: Method,
    uri: &Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Reply, ApiError> {
    let limit = app.config.max_body_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let refused = if uri.path() != "/" {
        Some(ApiError::InvalidActionNotFound)
    } else if method != Method::GET && method != Method::POST {
        Some(ApiError::UnsupportedHttpMethod)
    } else if declared.is_some_and(|n| n > limit as u64) {
        Some(ApiError::RequestEntityTooLarge { limit })
    } else {
        None
    };
    if let Some(error) = refused {
        // A client that asked `Expect: 100-continue` is not invited to send a body that is
        // refused, and a body longer than what is drained closes the connection anyway: both
        // get the answer at once.
        let expects = headers.contains_key(header::EXPECT);
        if !expects && declared.is_none_or(|n| n <= DRAIN_BYTES) {
            drain(body).await;
        }
        return Err(error);
    }
    let body = if HttpBody::is_end_stream(&body) {
        // No body at all (a GET, mostly): nothing to wait for, so no timer to set.
        Bytes::new()
    } else {
        read_body(body, limit).await?
    };

    let decoded = decode_request(method, uri.query().unwrap_or(""), headers, body);
    let result = serve(app, seen, real_now, &decoded).await;
    seen.params = decoded.request.params;
    result
}

/// The whole body, within [`BODY_READ_TIMEOUT`] and `limit` bytes, each piece within
/// [`HEAD_READ_TIMEOUT`] of the one before. Past `limit`, the rest is drained before the 413.
async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let deadline = tokio::time::Instant::now() + BODY_READ_TIMEOUT;
    // One piece, the common case, is kept as it came; more are gathered.
    let mut first: Option<Bytes> = None;
    let mut gathered: Vec<u8> = Vec::new();
    loop {
        let wait = deadline
            .saturating_duration_since(tokio::time::Instant::now())
            .min(HEAD_READ_TIMEOUT);
        let frame = match tokio::time::timeout(wait, body.frame()).await {
            Err(_) => return Err(ApiError::InvalidParameter("Body".into())),
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                // A body that broke off or is not valid chunked encoding.
                tracing::debug!(error = %e, "cannot read the request body");
                return Err(ApiError::InvalidParameter("Body".into()));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        let held = first.as_ref().map_or(0, Bytes::len) + gathered.len();
        if held + data.len() > limit {
            drain(body).await;
            return Err(ApiError::RequestEntityTooLarge { limit });
        }
        match first.take() {
            None if gathered.is_empty() => first = Some(data),
            Some(earlier) => {
                gathered.extend_from_slice(&earlier);
                gathered.extend_from_slice(&data);
            }
            None => gathered.extend_from_slice(&data),
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(gathered)))
}

/// Reads and drops what is left of a refused request's body, up to [`DRAIN_BYTES`] and
/// [`DRAIN_TIME`]: a client still writing it then reads the answer rather than a reset. A
/// body left over past those limits closes the connection after the answer.
async fn drain(mut body: Body) {
    if HttpBody::is_end_stream(&body) {
        return;
    }
    let mut left = DRAIN_BYTES;
    let read = async {
        while let Some(Ok(frame)) = body.frame().await {
            if let Some(data) = frame.data_ref() {
                let Some(rest) = left.checked_sub(data.len() as u64) else {
                    return;
                };
                left = rest;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, read).await;
}

/// The checks of SPEC 3.3 from `Format` on, and the action.
async fn serve(
    app: &AppState,
    seen: &mut Seen,
    real_now: i64,
    decoded: &Decoded,
) -> Result<Reply, ApiError> {
    let req = &decoded.request;
    let asked_action = param_or_header(req, "Action", "x-acs-action");
    let asked_version = param_or_header(req, "Version", "x-acs-version");
    // `Version` tells the product (SPEC 14): VPC, or the ECS zone reads on the same port.
    let product = asked_version.and_then(Product::of_version);
    // SPEC 8 and 14: the journal names the action asked for, known or not, with its version,
    // even when the call is refused before the action is checked.
    seen.action = asked_action.and_then(|name| product.unwrap_or(Product::Vpc).find(name));
    seen.asked = asked_action.map(|name| named(seen.action.map(|op| op.name), name));
    seen.product = product;
    seen.version = asked_version.map(|v| {
        let known = [crate::protocol::API_VERSION, actions::ECS_VERSION]
            .into_iter()
            .find(|k| *k == v);
        named(known, v)
    });
    seen.signature = if req
        .headers
        .get(header::AUTHORIZATION)
        .is_some_and(|a| a.as_bytes().starts_with(b"ACS3-"))
    {
        "ACS3"
    } else if req.params.get("Signature").is_some() {
        "V1"
    } else {
        "none"
    };
    seen.format = parse_format(req.params.get("Format"))?;
    if let Some(name) = &decoded.duplicate {
        return Err(ApiError::InvalidParameter(name.clone()));
    }
    let limit = app.config.max_body_bytes;
    let action_name = asked_action.ok_or_else(|| ApiError::MissingParameter("Action".into()))?;
    asked_version.ok_or_else(|| ApiError::MissingParameter("Version".into()))?;
    let product = product.ok_or(ApiError::InvalidVersion)?;
    // Found when the action was named, above: the product is the one it was looked up in.
    let action = seen.action.ok_or_else(|| {
        // An action the API has is not emulated (SPEC 14); any other name is unknown, as on
        // the real gateway. Only ECS's zone reads are in the table, so every other ECS action
        // is simply not emulated.
        if product == Product::Ecs || api_table::lookup(product.name(), action_name).is_some() {
            ApiError::NotImplemented {
                product: product.label(),
                action: action_name.to_owned(),
            }
        } else {
            ApiError::InvalidActionNotFound
        }
    })?;

    let principal = {
        let world = app.world.read().unwrap_or_else(PoisonError::into_inner);
        Authenticator {
            mode: app.config.auth,
            lookup_key: |ak: &str| world.key(ak),
            default_account: world.first_account(),
            nonces: &app.nonces,
            real_now_ms: real_now,
        }
        .authenticate(req)?
    };
    let principal: &Principal = seen.principal.insert(principal);
    // Strict mode with a state file: the nonce this request used is durable before it is
    // answered, so that a replay stays refused after a restart (SPEC section 13).
    let mut nonce_seq = 0;
    if let (AuthMode::Strict, Some(persister)) = (app.config.auth, &app.persister)
        && let Some(mut nonce) = crate::auth::presented_nonce(req)
    {
        nonce.time = real_now;
        nonce_seq = persister.enqueue_nonce(&state::Change::Nonce(nonce));
    }

    if let Some(fault) = app.faults.take(action.name, limit) {
        if let Some(delay) = fault.delay {
            tokio::time::sleep(delay).await;
        }
        if let Some(error) = fault.error {
            durable(app, nonce_seq).await?;
            return Err(error);
        }
    }

    let call = Call {
        action,
        principal,
        params: &req.params,
        world: &app.world,
        ids: &app.ids,
        name_rule: app.config.name_rule,
        now_ms: app.clock.at(real_now),
        real_now_ms: real_now,
        gateway_busy_ms: app.config.gateway_busy_ms,
        persister: app.persister.as_ref(),
        committed: Cell::new(nonce_seq),
    };
    let dispatched = std::panic::catch_unwind(AssertUnwindSafe(|| actions::dispatch(&call)));
    let outcome = dispatched.unwrap_or_else(|panic| {
        let what = panic_message(panic.as_ref());
        tracing::error!(action = action.name, panic = what, "handler panicked");
        Err(ApiError::InternalError)
    });
    // Answer, success or refusal, only once the change it made and every change it saw are on
    // disk (SPEC section 9).
    durable(app, call.committed.get()).await?;
    outcome
}

/// What a panic said, for the log.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

/// Waits for persistence up to `seq`; a failed write is `InternalError`.
async fn durable(app: &AppState, seq: u64) -> Result<(), ApiError> {
    match &app.persister {
        Some(persister) => persister.wait(seq).await.map_err(|_| {
            tracing::error!("the state file could not be written: the change is not acknowledged");
            ApiError::InternalError
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use axum::http::Request;

    fn app() -> Arc<AppState> {
        AppState::new(Config {
            seed: Some(1),
            ..Config::default()
        })
        .expect("embedded fixtures load")
    }

    async fn call(app: Arc<AppState>, uri: &str) -> (u16, serde_json::Value) {
        let response = handle(app, Request::get(uri).body(Body::empty()).unwrap()).await;
        let status = response.status().as_u16();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, serde_json::from_slice(&body).unwrap())
    }

    #[tokio::test]
    async fn a_panic_is_an_internal_error_and_the_server_goes_on() {
        let app = app();
        let (status, body) = call(app.clone(), "/?Action=PanicForTest&Version=2016-04-28").await;
        assert_eq!(status, 500);
        assert_eq!(body["Code"], "InternalError");
        assert_eq!(
            body["Message"],
            "The request processing has failed due to some unknown error, exception or failure."
        );
        let (status, body) = call(app, "/?Action=DescribeRegions&Version=2016-04-28").await;
        assert_eq!(status, 200);
        assert!(
            body["Regions"]["Region"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        );
    }

    #[test]
    fn embedded_fixtures_hold_what_the_spec_promises() {
        let app = app();
        let world = app.world.read().unwrap();
        assert!(world.region_exists("cn-hangzhou"));
        assert_eq!(world.first_account(), "1000000000000001");
        assert!(
            world
                .key("LTAI5tEmulatorRootKey")
                .is_some_and(|k| k.user.is_none())
        );
        assert!(
            world
                .key("LTAI5tEmulatorReadOnly")
                .is_some_and(|k| k.user.is_some())
        );
        let names: Vec<&str> = world
            .certs_in("1000000000000001", "cn-hangzhou")
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["cert1", "cert2"]);
    }
}
