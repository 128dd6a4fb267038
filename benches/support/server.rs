//! The loopback job-search server the benchmarks talk to.
//!
//! Rule: it listens on 127.0.0.1 only, runs on its own one-worker runtime thread (so the client
//! under test keeps the other core), and does as little work per request as a server can: fixed
//! pages are prebuilt `Bytes`, paged responses are assembled by copying prebuilt rows. Every byte
//! it writes to a socket (status line, headers, body) is counted, so "bytes on the wire" is what
//! the server actually wrote. Routes, all `POST {mode}/v1/jobs/search`:
//! `/static` the prebuilt page, never compressed; `/gzip` the same page, gzip-compressed when the
//! request accepts gzip (compressed once at start-up, like a cache); `/paged` honours
//! `offset`/`limit`/`include_total_results` from the body; `/slow` is `/paged` after the
//! configured latency.

use super::data::Template;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::post;
use bytes::Bytes;
use std::io::Write;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// What the server serves.
pub struct Config {
    /// Rows in the fixed page (and in the row template).
    pub page_rows: usize,
    /// `total_results` the paged routes report when asked.
    pub total: u64,
    /// Delay before each `/slow` response.
    pub latency: Duration,
}

/// A running server.
pub struct Server {
    /// `http://127.0.0.1:PORT` (no trailing slash); append a route prefix such as `/static`.
    pub base_url: String,
    /// The fixed page's body.
    pub page: Bytes,
    /// The fixed page, gzip-compressed (default level).
    pub page_gzip: Bytes,
    /// Time it took to compress the fixed page once.
    pub gzip_time: Duration,
    written: Arc<AtomicU64>,
}

impl Server {
    /// Bytes written to all sockets so far.
    pub fn bytes_written(&self) -> u64 {
        self.written.load(Ordering::SeqCst)
    }
}

struct Shared {
    template: Template,
    page: Bytes,
    page_gzip: Bytes,
    total: u64,
    latency: Duration,
}

/// Builds the pages and starts the server on its own thread.
pub fn start(config: Config) -> Server {
    let template = Template::new(config.page_rows);
    let page = Bytes::from(template.page(0, config.page_rows, None));
    let started = Instant::now();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&page).expect("gzip in memory");
    let page_gzip = Bytes::from(gz.finish().expect("gzip in memory"));
    let gzip_time = started.elapsed();
    let shared = Arc::new(Shared {
        template,
        page: page.clone(),
        page_gzip: page_gzip.clone(),
        total: config.total,
        latency: config.latency,
    });
    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("bench-server".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind loopback");
                let addr = listener.local_addr().expect("local addr");
                tx.send(addr).expect("report address");
                let app = Router::new()
                    .route("/{mode}/v1/jobs/search", post(search))
                    .with_state(shared);
                let listener = CountingListener {
                    inner: listener,
                    written: counter,
                };
                axum::serve(listener, app).await.expect("serve");
            });
        })
        .expect("server thread");
    let addr = rx.recv().expect("server starts");
    Server {
        base_url: format!("http://{addr}"),
        page,
        page_gzip,
        gzip_time,
        written,
    }
}

async fn search(
    State(shared): State<Arc<Shared>>,
    Path(mode): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let json = |bytes: Bytes| {
        let mut response = Response::new(Body::from(bytes));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    };
    match mode.as_str() {
        "static" => json(shared.page.clone()),
        "gzip" => {
            let accepts = headers
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("gzip"));
            if accepts {
                let mut response = json(shared.page_gzip.clone());
                response
                    .headers_mut()
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                response
            } else {
                json(shared.page.clone())
            }
        }
        "paged" | "slow" => {
            if mode == "slow" {
                tokio::time::sleep(shared.latency).await;
            }
            let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            let number = |key: &str| request.get(key).and_then(serde_json::Value::as_u64);
            let limit = number("limit").unwrap_or(25);
            let offset = match (number("offset"), number("page")) {
                (Some(o), _) if o > 0 => o,
                (_, Some(p)) => p * limit,
                _ => 0,
            };
            let rows = limit.min(shared.total.saturating_sub(offset)) as usize;
            let include_total = request
                .get("include_total_results")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            let total = include_total.then_some(shared.total);
            json(Bytes::from(shared.template.page(offset, rows, total)))
        }
        _ => {
            let mut response =
                Response::new(Body::from("{\"error\":{\"title\":\"no such mode\"}}"));
            *response.status_mut() = StatusCode::NOT_FOUND;
            response
        }
    }
}

/// A listener whose connections count the bytes they write.
struct CountingListener {
    inner: TcpListener,
    written: Arc<AtomicU64>,
}

impl axum::serve::Listener for CountingListener {
    type Io = CountingStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    let io = CountingStream {
                        inner: stream,
                        written: self.written.clone(),
                    };
                    return (io, addr);
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// A TCP stream that adds every byte it writes to a shared counter.
struct CountingStream {
    inner: TcpStream,
    written: Arc<AtomicU64>,
}

impl AsyncRead for CountingStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountingStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        if let Poll::Ready(Ok(n)) = &result {
            this.written.fetch_add(*n as u64, Ordering::SeqCst);
        }
        result
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        if let Poll::Ready(Ok(n)) = &result {
            this.written.fetch_add(*n as u64, Ordering::SeqCst);
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
