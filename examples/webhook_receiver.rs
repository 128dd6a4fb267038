//! A webhook receiver: verifies each delivery's signature, then decodes it.
//!
//! ```sh
//! THEIRSTACK_WEBHOOK_SECRET=... PORT=3000 cargo run --example webhook_receiver
//! ```
//!
//! Answers 200 to a verified delivery, 401 to a missing or wrong signature and 400 to a signed
//! body that does not decode. A real receiver would also drop deliveries whose id it has seen.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use theirstack::webhooks::{Verifier, WebhookError};

/// The receiver's routes: `POST /` takes deliveries.
pub fn app(verifier: Verifier) -> Router {
    Router::new().route("/", post(receive)).with_state(verifier)
}

async fn receive(
    State(verifier): State<Verifier>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, String) {
    match verifier.verify_and_decode_headers(&headers, &body) {
        Ok(delivery) => {
            let id = delivery
                .id()
                .map_or_else(|| "none".to_owned(), |id| id.to_string());
            println!("received {} {id}", delivery.event_type());
            (StatusCode::OK, String::new())
        }
        Err(WebhookError::Signature(e)) => {
            eprintln!("refused: {e}");
            (StatusCode::UNAUTHORIZED, e.to_string())
        }
        Err(e) => {
            eprintln!("undecodable: {e}");
            (StatusCode::BAD_REQUEST, e.to_string())
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secret =
        std::env::var("THEIRSTACK_WEBHOOK_SECRET").map_err(|_| "set THEIRSTACK_WEBHOOK_SECRET")?;
    let verifier = Verifier::new(secret)?;
    let port = match std::env::var("PORT") {
        Ok(port) => port
            .parse::<u16>()
            .map_err(|_| format!("PORT is not a port number: {port}"))?,
        Err(_) => 3000,
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app(verifier)).await?;
    Ok(())
}
