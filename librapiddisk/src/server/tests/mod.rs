//! Host tests of the daemon: routes, answers on fixture trees, metrics,
//! options, and a real daemon on 127.0.0.1.

mod answers;
mod live;
mod metrics;
mod options;
mod routes;

use super::log::{Log, Memory, Priority};
use super::{Request, Response, Server};
use crate::fixture::Tree;
use std::sync::Arc;

/// A fixture tree with both modules "loaded" and RAM disks `disks`
/// (64 MiB each).
fn tree(disks: &[&str]) -> Tree {
    let mut tree = Tree::new()
        .file("sys/kernel/rapiddisk/mgmt", b"")
        .file("sys/module/rapiddisk_cache/refcnt", b"0\n");
    for d in disks {
        tree = tree.block(d, 131072).file(&format!("dev/{d}"), b"");
    }
    tree
}

/// A server on `tree` whose log lines are kept.
fn server(tree: &Tree, token: Option<&str>) -> (Server, Arc<Memory>) {
    let memory = Arc::new(Memory::default());
    let log = Arc::new(Log {
        sink: memory.clone(),
        verbose: true,
    });
    let token = token.map(|t| t.as_bytes().to_vec());
    (Server::new(tree.roots.clone(), log, token), memory)
}

fn ask(server: &Server, method: &str, path: &str) -> Response {
    server.respond(&Request {
        method: method.as_bytes(),
        path: path.as_bytes(),
        authorization: None,
    })
}

fn body(r: &Response) -> &str {
    std::str::from_utf8(&r.body).unwrap()
}

fn stderr(memory: &Memory) -> String {
    String::from_utf8(memory.stderr.lock().unwrap().clone()).unwrap()
}

fn syslog(memory: &Memory) -> Vec<(Priority, String)> {
    let lines = memory.syslog.lock().unwrap();
    lines
        .iter()
        .map(|(p, m)| (*p, String::from_utf8(m.clone()).unwrap()))
        .collect()
}

fn mgmt_text(tree: &Tree) -> String {
    String::from_utf8(std::fs::read(tree.roots.mgmt()).unwrap()).unwrap()
}
