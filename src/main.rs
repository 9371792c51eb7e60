//! The binary: parse flags, set up logging, load the fixtures, bind, print the listening line,
//! serve until SIGTERM or SIGINT. Everything else lives in the library.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use aliyun_vpc_emulator::config::{Cli, Command, Config, LogFormat};
use aliyun_vpc_emulator::tls::Tls;
use aliyun_vpc_emulator::{AppState, healthcheck, logbuf, run_with_tls};
use clap::Parser;
use clap::error::ErrorKind;
use tokio::net::TcpListener;
use tokio::sync::Notify;

// A faster allocator: about a sixth of a request's CPU time went to glibc malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long requests in flight get after a stop signal.
const DRAIN: Duration = Duration::from_millis(4500);

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("aliyun-vpc-emulator: {message}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line: clap's first, without its "error: " prefix.
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            return fail(first.strip_prefix("error: ").unwrap_or(first));
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the runtime: {e}")),
    };
    match cli.command {
        Some(Command::Healthcheck { port }) => {
            if runtime.block_on(healthcheck::healthy(port)) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Some(Command::Ca { port }) => match runtime.block_on(healthcheck::ca_pem(port)) {
            Ok(pem) => {
                print!("{pem}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("aliyun-vpc-emulator: {e}");
                ExitCode::from(1)
            }
        },
        None => runtime.block_on(serve(cli.config)),
    }
}

/// Logs go to stderr through [`logbuf`], flushed every 50 ms and at exit.
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_writer(|| &logbuf::STDERR)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn serve(config: Config) -> ExitCode {
    logbuf::STDERR.set_json(config.log_format == LogFormat::Json);
    init_logging(config.log_format);
    logbuf::start_writer();
    let code = serve_until_stopped(config).await;
    // Bounded: a stderr that nobody reads must not keep the process from exiting.
    logbuf::STDERR.flush_within(std::time::Duration::from_secs(1));
    code
}

async fn serve_until_stopped(config: Config) -> ExitCode {
    let host = config.host.clone();
    let port = config.port;
    let app = match AppState::new(config) {
        Ok(app) => app,
        Err(e) => return fail(e),
    };
    let tls = if app.config.tls {
        let regions: Vec<String> = app
            .read_world()
            .regions()
            .iter()
            .map(|r| r.region_id.clone())
            .collect();
        let own = app
            .config
            .tls_cert
            .as_deref()
            .zip(app.config.tls_key.as_deref());
        match Tls::setup(
            app.config.state_file.as_deref(),
            &regions,
            &app.config.tls_names,
            own,
        ) {
            Ok(tls) => {
                if let Some(pem) = &tls.ca_pem {
                    let _ = app.tls_ca.set(pem.clone());
                }
                Some(Arc::new(tls))
            }
            Err(e) => return fail(format!("cannot set up TLS: {e}")),
        }
    } else {
        None
    };
    let listener = match TcpListener::bind((host.as_str(), port)).await {
        Ok(l) => l,
        Err(e) => return fail(format!("cannot listen on {host}:{port}: {e}")),
    };
    let address = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => return fail(format!("cannot listen on {host}:{port}: {e}")),
    };
    let stopping = match stop_signal() {
        Ok(s) => s,
        Err(e) => return fail(format!("cannot handle stop signals: {e}")),
    };
    println!("aliyun-vpc-emulator listening on http://{address}");
    let _ = std::io::stdout().flush();

    let stop = Arc::new(Notify::new());
    let stopped = stop.clone();
    let server = run_with_tls(listener, app.clone(), tls, async move {
        stopped.notified().await
    });
    let deadline = async {
        stopping.await;
        tracing::info!("stopping: finishing requests in flight");
        stop.notify_one();
        tokio::time::sleep(DRAIN).await;
    };
    tokio::select! {
        result = server => {
            if let Err(e) = result {
                tracing::error!(error = %e, "server failed");
                return ExitCode::FAILURE;
            }
        }
        () = deadline => tracing::warn!("requests still in flight after the drain period"),
    }
    if let Err(e) = app.close() {
        tracing::error!(error = %e, "cannot write the state file at stop");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// SIGTERM or SIGINT. The handlers are installed when this is called, not when it is first
/// awaited: a stop signal sent right after the listening line must not be lost (or kill the
/// process by its default action).
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}
