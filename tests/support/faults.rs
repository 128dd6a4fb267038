//! A loopback HTTP/1.1 server that misbehaves at the socket level, for the fault and secret
//! tests. Unlike `scripted`, every connection gets its own thread (a stalled answer does not
//! hold up the retry behind it), a handler decides per request what to do, connections can be
//! reset (RST, `SO_LINGER` 0) as well as closed, bodies can be tens of megabytes, and the server
//! records how each connection ended: how many bytes it wrote and whether the client hung up
//! before it was done. Every answer carries `Connection: close`, so one request is one connection.
//! A [`RefusingPort`] refuses connections until it is told to listen.

use super::scripted::reason;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What to do with one request.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with this status, extra headers and body (with a correct `Content-Length`).
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Read the request, then reset the connection without answering.
    Reset,
    /// Send the head announcing `declared` body bytes and `sent` of them, then reset.
    ResetMidBody {
        status: u16,
        declared: usize,
        sent: Vec<u8>,
    },
    /// Send the head announcing `declared` body bytes and `sent` of them, then close cleanly.
    CutBody {
        status: u16,
        declared: usize,
        sent: Vec<u8>,
    },
    /// Send the head and `sent`, then wait up to `pause` for the client to hang up, then close.
    Stall {
        status: u16,
        declared: usize,
        sent: Vec<u8>,
        pause: Duration,
    },
    /// Read the request and send nothing; wait up to `pause` for the client to hang up.
    Silent { pause: Duration },
    /// Answer with a body of `len` bytes (`prefix`, then filler), written as fast as the client
    /// reads it.
    Huge {
        status: u16,
        content_type: String,
        prefix: Vec<u8>,
        len: usize,
    },
}

impl Fault {
    /// A JSON response.
    pub fn json(status: u16, body: &serde_json::Value) -> Fault {
        Fault::Respond {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// A response with these headers and body.
    pub fn raw(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Fault {
        Fault::Respond {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.into(),
        }
    }
}

/// A request as received.
#[derive(Clone, Debug)]
pub struct Request {
    /// 0 for the first request the server read.
    pub index: usize,
    pub method: String,
    /// The request target, such as `/v1/jobs/search`.
    pub target: String,
    /// Names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
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

/// How one connection ended.
#[derive(Clone, Debug)]
pub struct Served {
    /// The index of the request it carried.
    pub index: usize,
    /// Bytes written to the socket, head included.
    pub bytes_written: usize,
    /// Whether the client closed or reset the connection before the server was done with it.
    pub client_hung_up: bool,
    /// From the end of the request to the end of the connection.
    pub duration: Duration,
}

#[derive(Default)]
struct Log {
    requests: Vec<Request>,
    served: Vec<Served>,
}

type Handler = dyn Fn(&Request) -> Fault + Send + Sync;

/// The running server. It lives as long as the test process (its threads are detached).
pub struct FaultServer {
    /// `http://<host>:<port>` with the host name it was started for.
    pub base_url: String,
    pub port: u16,
    log: Arc<(Mutex<Log>, Condvar)>,
}

impl FaultServer {
    /// A server on 127.0.0.1 whose handler decides what each request gets.
    pub fn start(handler: impl Fn(&Request) -> Fault + Send + Sync + 'static) -> FaultServer {
        FaultServer::start_named("127.0.0.1", handler)
    }

    /// A server listening on 127.0.0.1 whose base URL names it `host` (such as `localhost`, to
    /// look like another host than `127.0.0.1`).
    pub fn start_named(
        host: &str,
        handler: impl Fn(&Request) -> Fault + Send + Sync + 'static,
    ) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        FaultServer::serve_on(listener, host, handler)
    }

    /// Serves `listener` (bound to 127.0.0.1), with a base URL naming it `host`.
    fn serve_on(
        listener: TcpListener,
        host: &str,
        handler: impl Fn(&Request) -> Fault + Send + Sync + 'static,
    ) -> FaultServer {
        let port = listener.local_addr().unwrap().port();
        let log: Arc<(Mutex<Log>, Condvar)> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let shared = log.clone();
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, handler) = (shared.clone(), handler.clone());
                thread::spawn(move || serve(stream, &log, &*handler));
            }
        });
        FaultServer {
            base_url: format!("http://{host}:{port}"),
            port,
            log,
        }
    }

    /// A server that gives the n-th request the n-th fault, and a 599 past the end.
    pub fn script(faults: Vec<Fault>) -> FaultServer {
        FaultServer::start(move |request| {
            faults
                .get(request.index)
                .cloned()
                .unwrap_or_else(|| Fault::raw(599, &[], "script exhausted"))
        })
    }

    /// The requests read so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.log
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .requests
            .clone()
    }

    /// Waits (at most 10 s) until `n` connections have ended and returns them by request index.
    /// Async because on a current-thread runtime the client's connection tasks, which close the
    /// sockets, must keep running meanwhile.
    pub async fn served(&self, n: usize) -> Vec<Served> {
        let log = self.log.clone();
        let (mut served, ended) = tokio::task::spawn_blocking(move || {
            let (lock, ended) = &*log;
            let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
            let (guard, _) = ended
                .wait_timeout_while(guard, Duration::from_secs(10), |log| log.served.len() < n)
                .unwrap_or_else(|e| e.into_inner());
            (guard.served.clone(), guard.served.len())
        })
        .await
        .expect("waiting thread");
        assert!(ended >= n, "only {ended} of {n} connections ended");
        served.sort_by_key(|s| s.index);
        served
    }
}

/// A loopback port whose socket is bound but not listening, so that connecting to it is refused
/// (Linux answers the SYN with a RST) until [`RefusingPort::listen`].
pub struct RefusingPort {
    socket: socket2::Socket,
    pub port: u16,
}

impl RefusingPort {
    /// Binds a socket on 127.0.0.1 on a free port, without listening.
    pub fn reserve() -> RefusingPort {
        use socket2::{Domain, Protocol, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).expect("socket");
        let any: std::net::SocketAddr = "127.0.0.1:0".parse().unwrap();
        socket.bind(&any.into()).expect("bind loopback");
        let port = socket
            .local_addr()
            .unwrap()
            .as_socket()
            .expect("an IP address")
            .port();
        RefusingPort { socket, port }
    }

    /// Starts listening and serves like [`FaultServer::start_named`] from then on.
    pub fn listen(
        self,
        host: &str,
        handler: impl Fn(&Request) -> Fault + Send + Sync + 'static,
    ) -> FaultServer {
        self.socket.listen(128).expect("listen");
        FaultServer::serve_on(self.socket.into(), host, handler)
    }
}

fn serve(mut stream: TcpStream, log: &(Mutex<Log>, Condvar), handler: &Handler) {
    let Some(mut request) = read_request(&mut stream) else {
        return;
    };
    {
        let mut log = log.0.lock().unwrap_or_else(|e| e.into_inner());
        request.index = log.requests.len();
        log.requests.push(request.clone());
    }
    let started = Instant::now();
    let mut written = 0;
    let hung_up = play(stream, handler(&request), &mut written);
    let (lock, ended) = log;
    lock.lock()
        .unwrap_or_else(|e| e.into_inner())
        .served
        .push(Served {
            index: request.index,
            bytes_written: written,
            client_hung_up: hung_up,
            duration: started.elapsed(),
        });
    ended.notify_all();
}

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let received = super::scripted::read_request(stream)?;
    let mut request_line = received.request_line.split(' ');
    Some(Request {
        index: 0,
        method: request_line.next()?.to_string(),
        target: request_line.next()?.to_string(),
        headers: received.headers,
        body: received.body,
    })
}

fn head(status: u16, length: usize, headers: &[(String, String)]) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-length: {length}\r\nconnection: close\r\n",
        reason(status)
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// Writes all of `bytes`, counting what the socket accepted.
fn write_counted(stream: &mut TcpStream, bytes: &[u8], written: &mut usize) -> std::io::Result<()> {
    let mut rest = bytes;
    while !rest.is_empty() {
        match stream.write(rest) {
            Ok(0) => return Err(ErrorKind::WriteZero.into()),
            Ok(n) => {
                *written += n;
                rest = &rest[n..];
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Makes the coming close (when the stream is dropped) a RST instead of a FIN.
fn reset(stream: &TcpStream) {
    let _ = socket2::SockRef::from(stream).set_linger(Some(Duration::ZERO));
}

/// Waits up to `pause` for the client to close its end; says whether it did.
fn wait_for_hang_up(stream: &mut TcpStream, pause: Duration) -> bool {
    let deadline = Instant::now() + pause;
    let mut buf = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        let _ = stream.set_read_timeout(Some(left));
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return true,
        }
    }
}

/// Plays one fault; returns whether the client hung up first.
fn play(mut stream: TcpStream, fault: Fault, written: &mut usize) -> bool {
    let stream = &mut stream;
    let json = vec![("content-type".to_string(), "application/json".to_string())];
    match fault {
        Fault::Respond {
            status,
            headers,
            body,
        } => {
            let mut bytes = head(status, body.len(), &headers);
            bytes.extend_from_slice(&body);
            let hung_up = write_counted(stream, &bytes, written).is_err();
            let _ = stream.flush();
            let _ = stream.shutdown(Shutdown::Both);
            hung_up
        }
        Fault::Reset => {
            reset(stream);
            false
        }
        Fault::ResetMidBody {
            status,
            declared,
            sent,
        } => {
            let mut bytes = head(status, declared, &json);
            bytes.extend_from_slice(&sent);
            let hung_up = write_counted(stream, &bytes, written).is_err();
            reset(stream);
            hung_up
        }
        Fault::CutBody {
            status,
            declared,
            sent,
        } => {
            let mut bytes = head(status, declared, &json);
            bytes.extend_from_slice(&sent);
            let hung_up = write_counted(stream, &bytes, written).is_err();
            let _ = stream.shutdown(Shutdown::Write);
            hung_up
        }
        Fault::Stall {
            status,
            declared,
            sent,
            pause,
        } => {
            let mut bytes = head(status, declared, &json);
            bytes.extend_from_slice(&sent);
            if write_counted(stream, &bytes, written).is_err() {
                return true;
            }
            let _ = stream.flush();
            let hung_up = wait_for_hang_up(stream, pause);
            let _ = stream.shutdown(Shutdown::Both);
            hung_up
        }
        Fault::Silent { pause } => {
            let hung_up = wait_for_hang_up(stream, pause);
            let _ = stream.shutdown(Shutdown::Both);
            hung_up
        }
        Fault::Huge {
            status,
            content_type,
            prefix,
            len,
        } => {
            let headers = vec![("content-type".to_string(), content_type)];
            if write_counted(stream, &head(status, len, &headers), written).is_err() {
                return true;
            }
            let filler = b"All work and no play makes a gateway a dull page. ".repeat(1300);
            let mut left = len;
            let first = &prefix[..prefix.len().min(left)];
            if write_counted(stream, first, written).is_err() {
                return true;
            }
            left -= first.len();
            while left > 0 {
                let chunk = &filler[..filler.len().min(left)];
                if write_counted(stream, chunk, written).is_err() {
                    return true;
                }
                left -= chunk.len();
            }
            let _ = stream.shutdown(Shutdown::Both);
            false
        }
    }
}
