//! The daemon `rapiddiskd` (spec §6): routes, their actions (the command's
//! own operations), answers, logs and metrics. The HTTP library only moves
//! bytes (`http`); start-up and daemonizing are in `daemon`.

mod actions;
pub mod auth;
pub mod daemon;
mod detach;
pub mod http;
pub mod instance;
pub mod log;
pub mod metrics;
mod nvme;
pub mod options;
mod persist;
pub mod response;
pub mod route;
mod signals;
mod size;

pub use response::Response;

use crate::discover::Roots;
use route::Refusal;
use std::sync::Mutex;

/// What answers the requests.
pub struct Server {
    pub roots: Roots,
    pub log: std::sync::Arc<log::Log>,
    /// When set, every request needs `Authorization: Bearer <token>`.
    pub token: Option<Vec<u8>>,
    requests: metrics::Requests,
    /// Held by actions that change the system, one at a time.
    lock: Mutex<()>,
}

/// One request as the handler sees it.
pub struct Request<'a> {
    pub method: &'a [u8],
    /// The path: no query string, `%XX` decoded.
    pub path: &'a [u8],
    pub authorization: Option<&'a [u8]>,
}

impl Server {
    pub fn new(roots: Roots, log: std::sync::Arc<log::Log>, token: Option<Vec<u8>>) -> Self {
        Server {
            roots,
            log,
            token,
            requests: metrics::Requests::default(),
            lock: Mutex::new(()),
        }
    }

    /// Answers one request and counts it.
    pub fn respond(&self, request: &Request) -> Response {
        let matched = route::route(request.method, request.path);
        let response = match &self.token {
            Some(token) if !auth::authorized(token, request.authorization) => {
                self.log
                    .line(log::Priority::Err, b"Unauthorized request refused.");
                Response::unauthorized()
            }
            _ => self.dispatch(matched.route, matched.action),
        };
        self.requests.count(matched.route, response.status);
        response
    }

    fn dispatch(&self, route: &'static str, action: Result<route::Action, Refusal>) -> Response {
        let refusal = match action {
            Err(Refusal::Method) => {
                return Response::json(400, crate::json::render::status(-1, b""))
            }
            Err(Refusal::Unsupported) => Refusal::Unsupported,
            Err(other) => {
                self.received(route);
                other
            }
            Ok(action) => {
                self.received(route);
                return self.run(action);
            }
        };
        let message = refusal.message().unwrap_or_default();
        self.log.line(log::Priority::Err, message.as_bytes());
        Response::failure(400, message)
    }

    fn received(&self, route: &str) {
        let line = format!("Received request '{route}'.");
        self.log.verbose_line(line.as_bytes());
    }
}

#[cfg(test)]
mod tests;
