//! A loopback HTTP server that plays a script: one action per connection, in order. It can do
//! what a mock server cannot: close a connection without answering, cut a body short, stall.
//! Every response carries `Connection: close`, so each request arrives on a new connection.
//! Arrival times are read on the clock of the tokio runtime that started the server (paused or
//! not), so tests can measure the client's waits between attempts.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What to do with one connection.
#[derive(Clone, Debug)]
pub enum Action {
    /// Answer with this status, extra headers and body.
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Read the request, then close the connection without answering.
    Close,
    /// Send the status line and headers announcing `declared` bytes, send `sent`, then close.
    CutBody {
        status: u16,
        declared: usize,
        sent: Vec<u8>,
    },
    /// Send headers and part of the body, then stall for this long before closing.
    Stall {
        after: Vec<u8>,
        declared: usize,
        pause: Duration,
    },
}

impl Action {
    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Action {
        Action::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// A response with headers and a raw body.
    pub fn raw(status: u16, headers: &[(&str, &str)], body: &str) -> Action {
        Action::Respond {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }
}

/// A request as received.
#[derive(Clone, Debug)]
pub struct Received {
    /// When the request had been read, on the starting runtime's clock (tokio's `Instant`).
    pub arrived: tokio::time::Instant,
    pub request_line: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// The running server.
pub struct ScriptedServer {
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl ScriptedServer {
    /// Starts a server on 127.0.0.1 that plays `script`; connections beyond it get a 599.
    pub fn start(script: Vec<Action>) -> ScriptedServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        // The clock to stamp arrivals with: the runtime's, even while it is paused.
        let runtime = tokio::runtime::Handle::try_current().ok();
        thread::spawn(move || {
            let mut script = script.into_iter();
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let Some(mut request) = read_request(&mut stream) else {
                    continue;
                };
                request.arrived = {
                    let _clock = runtime.as_ref().map(|r| r.enter());
                    tokio::time::Instant::now()
                };
                log.lock().unwrap().push(request);
                let action = script
                    .next()
                    .unwrap_or(Action::raw(599, &[], "script exhausted"));
                play(&mut stream, action);
            }
        });
        ScriptedServer { base_url, received }
    }

    /// The requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The time between each request's arrival and the next one's: the client's waits.
    pub fn gaps(&self) -> Vec<Duration> {
        let received = self.received();
        received
            .windows(2)
            .map(|w| w[1].arrived.duration_since(w[0].arrived))
            .collect()
    }
}

/// Reads one request (head and `Content-Length` body) from a connection.
pub fn read_request(stream: &mut TcpStream) -> Option<Received> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let mut lines = head.split("\r\n");
    let request_line = lines.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[header_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        arrived: tokio::time::Instant::now(),
        request_line,
        headers,
        body,
    })
}

/// The reason phrase of a status, for a status line.
pub fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Status")
}

fn play(stream: &mut TcpStream, action: Action) {
    match action {
        Action::Respond {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\nconnection: close\r\n",
                reason(status),
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
        Action::Close => {}
        Action::CutBody {
            status,
            declared,
            sent,
        } => {
            let head = format!(
                "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\nconnection: close\r\n\r\n",
                reason(status)
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&sent);
        }
        Action::Stall {
            after,
            declared,
            pause,
        } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {declared}\r\nconnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&after);
            let _ = stream.flush();
            thread::sleep(pause);
        }
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Both);
}
