//! What the HTTP layer sends: a status, a body and, for this project's
//! own routes, a content type. Upstream's routes send none (spec §6.4),
//! and every answer closes the connection.

use crate::error::Error;
use crate::json::render;
use crate::ops::Done;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: Option<&'static str>,
    /// `WWW-Authenticate` of a 401.
    pub authenticate: Option<&'static str>,
}

impl Response {
    /// A JSON body without a content type, as upstream answers.
    pub fn json(status: u16, body: Vec<u8>) -> Self {
        Response {
            status,
            body,
            content_type: None,
            authenticate: None,
        }
    }

    /// `{"status": ..., "message": ...}` with HTTP 200 (failures too).
    pub fn outcome(result: &crate::Result<Done>) -> Self {
        match result {
            Ok(done) => Response::json(200, render::status(0, &done.message)),
            Err(err) => Response::failed(200, err),
        }
    }

    /// `{"status": "Failed", ...}` of `err` with HTTP `status`.
    pub fn failed(status: u16, err: &Error) -> Self {
        Response::json(status, render::error(err))
    }

    /// `{"status": "Failed", "message": message}`.
    pub fn failure(status: u16, message: &str) -> Self {
        Response::json(status, render::status(-1, message.as_bytes()))
    }

    /// A document with its content type (this project's routes).
    pub fn typed(body: Vec<u8>, content_type: &'static str) -> Self {
        Response {
            content_type: Some(content_type),
            ..Response::json(200, body)
        }
    }

    /// The answer to a request without the right bearer token.
    pub fn unauthorized() -> Self {
        Response {
            authenticate: Some("Bearer"),
            ..Response::failure(401, "Unauthorized.")
        }
    }
}
