//! The `-N` and `-n` listings (spec §5.4, Appendix A.5), text and JSON.

use super::scan::{Port, Target};
use crate::json::{wrap, Array, Object};

/// `-N` text.
pub fn ports_text(ports: &[Port]) -> Vec<u8> {
    let mut out = b"Exported NVMe Ports\n\n".to_vec();
    if ports.is_empty() {
        out.extend_from_slice(b"\tNone.\n\n");
    }
    for (i, p) in ports.iter().enumerate() {
        out.extend_from_slice(format!("\t{}: Port: {} - ", i + 1, p.port).as_bytes());
        out.extend_from_slice(&[&p.address[..], b" (", &p.protocol, b")\n"].concat());
    }
    out
}

fn port_object(p: &Port) -> Object {
    Object::new()
        .int(c"port", i64::from(p.port))
        .string(c"address", &p.address)
        .string(c"protocol", &p.protocol)
}

/// `{"targets": [{"<key>": [...]}]}`
fn targets_document(key: &core::ffi::CStr, items: Array) -> Vec<u8> {
    Object::new()
        .array(c"targets", Array::new().push(wrap(key, items)))
        .dump()
}

/// `-N` JSON, without the trailing newline.
pub fn ports_json(ports: &[Port]) -> Vec<u8> {
    targets_document(c"nvmet_ports", ports.iter().map(port_object).collect())
}

/// `-n` text.
pub fn targets_text(targets: &[Target]) -> Vec<u8> {
    let mut out = b"NVMe Target Exports\n\n".to_vec();
    if targets.is_empty() {
        out.extend_from_slice(b"\tNone.\n\n");
    }
    for (i, t) in targets.iter().enumerate() {
        let enabled: &[u8] = if t.enabled == 0 { b"False" } else { b"True" };
        let ns = format!(" \tNamespace: {}\tDevice: ", t.namespace);
        out.extend_from_slice(format!("\t{}: NQN: ", i + 1).as_bytes());
        out.extend_from_slice(&[&t.nqn[..], ns.as_bytes(), &t.device].concat());
        out.extend_from_slice(&[&b" \tEnabled: "[..], enabled, b"\n"].concat());
        for host in &t.allowed_hosts {
            out.extend_from_slice(&[&b"\t\tAllowed host: "[..], host, b"\n"].concat());
        }
        for p in &t.assigned_ports {
            let port = format!("\t\tLinked port: {}\tIP address: ", p.port);
            out.extend_from_slice(
                &[port.as_bytes(), &p.address, b" (", &p.protocol, b")\n"].concat(),
            );
        }
    }
    out
}

/// `-n` JSON, without the trailing newline; `enabled` is `"true"` only
/// for exactly 1.
pub fn targets_json(targets: &[Target]) -> Vec<u8> {
    let items = targets
        .iter()
        .map(|t| {
            let hosts: Array = t
                .allowed_hosts
                .iter()
                .map(|h| Object::new().string(c"host", h))
                .collect();
            Object::new()
                .string(c"nqn", &t.nqn)
                .int(c"namespace", i64::from(t.namespace))
                .string(c"device", &t.device)
                .string(c"enabled", if t.enabled == 1 { "true" } else { "false" })
                .array(c"allowed_hosts", hosts)
                .array(
                    c"assigned_ports",
                    t.assigned_ports.iter().map(port_object).collect(),
                )
        })
        .collect();
    targets_document(c"nvmet_targets", items)
}
