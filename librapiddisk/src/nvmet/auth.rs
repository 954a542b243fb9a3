//! DH-HMAC-CHAP secrets for allowed hosts (kernels with nvmet
//! authentication). A secret is kept in a file only root can read; one is
//! generated (in the `DHHC-1:00:<base64(key || crc32)>:` form that
//! `nvme gen-dhchap-key` makes) when its file does not exist yet. Secrets
//! never appear in messages.

use crate::error::{strerror, Error, Result};
use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// A secret in its `DHHC-1:` text form.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// A new random 32-byte key with no hash transformation.
    pub fn generate() -> io::Result<Secret> {
        let mut key = [0u8; 32];
        let mut got = 0;
        while got < key.len() {
            // SAFETY: the pointer and length describe the unfilled tail.
            let n = unsafe { libc::getrandom(key[got..].as_mut_ptr().cast(), key.len() - got, 0) };
            if n < 0 {
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(e);
                }
                continue;
            }
            got += n as usize;
        }
        Ok(Secret::from_key(0, &key))
    }

    /// The text form of `key` for hash identifier `hash` (0 to 3).
    fn from_key(hash: u8, key: &[u8]) -> Secret {
        let mut payload = key.to_vec();
        payload.extend_from_slice(&crc32(key).to_le_bytes());
        let text = format!("DHHC-1:{hash:02}:{}:", base64(&payload));
        Secret(text.into_bytes())
    }

    /// Parses a secret; `None` unless it is well formed: a hash identifier
    /// 00 to 03, a key of 32, 48 or 64 bytes and a matching checksum.
    pub fn parse(text: &[u8]) -> Option<Secret> {
        let rest = text.strip_prefix(b"DHHC-1:")?;
        let (hash, rest) = (rest.get(..2)?, rest.get(2..)?);
        if !matches!(hash, b"00" | b"01" | b"02" | b"03") {
            return None;
        }
        let body = rest.strip_prefix(b":")?.strip_suffix(b":")?;
        let payload = unbase64(body)?;
        let (key, crc) = payload.split_at(payload.len().checked_sub(4)?);
        let wanted_len = [32, 48, 64].contains(&key.len());
        (wanted_len && crc == crc32(key).to_le_bytes()).then(|| Secret(text.to_vec()))
    }

    /// The text written to configfs.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

/// A secret and the file that holds it (or will, once the export it is
/// for has succeeded).
#[derive(Debug)]
pub struct SecretFile {
    pub path: PathBuf,
    pub secret: Secret,
    /// Made by this call: the file is written only after the export.
    pub generated: bool,
}

fn file_error(what: &str, path: &Path, tail: &str) -> Error {
    let msg = [
        format!("Error. {what} ").as_bytes(),
        path.as_os_str().as_bytes(),
        tail.as_bytes(),
    ]
    .concat();
    Error::new(-1, msg)
}

impl SecretFile {
    /// Reads the secret in `path`, refusing a file that group or others
    /// can read, or generates one if there is no such file.
    pub fn load_or_generate(path: &Path) -> Result<SecretFile> {
        let meta = match fs::metadata(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let secret = Secret::generate().map_err(|e| {
                    file_error(
                        "Unable to generate a secret for",
                        path,
                        &format!(": {}.", strerror(&e)),
                    )
                })?;
                return Ok(SecretFile {
                    path: path.to_path_buf(),
                    secret,
                    generated: true,
                });
            }
            Err(e) => {
                return Err(file_error(
                    "Unable to read secret file",
                    path,
                    &format!(": {}.", strerror(&e)),
                ))
            }
            Ok(meta) => meta,
        };
        if meta.mode() & 0o077 != 0 {
            let tail = " can be read by group or others; make it private (chmod 600).";
            return Err(file_error("The secret file", path, tail));
        }
        let text = fs::read(path).map_err(|e| {
            file_error(
                "Unable to read secret file",
                path,
                &format!(": {}.", strerror(&e)),
            )
        })?;
        let line = text.strip_suffix(b"\n").unwrap_or(&text);
        let secret = Secret::parse(line).ok_or_else(|| {
            file_error(
                "The secret file",
                path,
                " does not hold a DH-HMAC-CHAP secret (DHHC-1:...).",
            )
        })?;
        Ok(SecretFile {
            path: path.to_path_buf(),
            secret,
            generated: false,
        })
    }

    /// Writes a generated secret to its file (mode 0600, never over an
    /// existing file).
    pub fn persist(&self) -> Result<()> {
        if !self.generated {
            return Ok(());
        }
        let fail = |e: io::Error| {
            file_error(
                "Unable to create secret file",
                &self.path,
                &format!(": {}.", strerror(&e)),
            )
        };
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&self.path)
            .map_err(fail)?;
        let written = f
            .write_all(&[self.secret.expose(), b"\n"].concat())
            .and_then(|()| f.sync_all());
        if let Err(e) = written {
            let _ = fs::remove_file(&self.path);
            return Err(fail(e));
        }
        Ok(())
    }
}

/// CRC-32 (IEEE 802.3, reflected, initial and final value all ones), the
/// checksum of the `DHHC-1` format.
fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, &b| {
        (0..8).fold(crc ^ u32::from(b), |c, _| {
            if c & 1 != 0 {
                (c >> 1) ^ 0xedb8_8320
            } else {
                c >> 1
            }
        })
    })
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 with padding; `None` on any other input.
fn unbase64(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for (at, quad) in text.chunks(4).enumerate() {
        let last = at + 1 == text.len() / 4;
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            let v = ALPHABET.iter().position(|&a| a == c)? as u32;
            n = n << 6 | v;
        }
        n <<= 6 * pad as u32;
        out.extend_from_slice(&n.to_be_bytes()[1..4 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        // the standard check value of CRC-32/ISO-HDLC
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn base64_round_trips_and_pads() {
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        for len in 0..70 {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(
                unbase64(base64(&data).as_bytes()).unwrap(),
                data,
                "len {len}"
            );
        }
        assert_eq!(unbase64(b"Zg=a"), None);
        assert_eq!(unbase64(b"Z==="), None);
        assert_eq!(unbase64(b"Zm9"), None);
        assert_eq!(unbase64(b"Zm9v!A=="), None);
    }

    #[test]
    fn generated_secrets_parse_and_differ() {
        let a = Secret::generate().unwrap();
        let b = Secret::generate().unwrap();
        assert_ne!(a, b);
        assert!(a.expose().starts_with(b"DHHC-1:00:"));
        // 36 bytes of key and checksum are 48 base64 characters
        assert_eq!(a.expose().len(), "DHHC-1:00:".len() + 48 + 1);
        assert_eq!(Secret::parse(a.expose()), Some(a.clone()));
        assert_eq!(format!("{a:?}"), "Secret(..)");
    }

    #[test]
    fn parse_refuses_bad_secrets() {
        let good = Secret::from_key(1, &[7u8; 32]).0;
        assert!(Secret::parse(&good).is_some());
        let mut bad_crc = good.clone();
        let at = bad_crc.len() - 3;
        bad_crc[at] = if bad_crc[at] == b'A' { b'B' } else { b'A' };
        let short = Secret::from_key(0, &[7u8; 16]).0;
        let bad_hash = [b"DHHC-1:07:", &good[10..]].concat();
        for bad in [
            &bad_crc[..],
            &short,
            &bad_hash,
            b"DHHC-1:00::",
            b"DHHC-2:00:AAAA:",
            &good[..good.len() - 1],
        ] {
            assert_eq!(Secret::parse(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        assert!(Secret::parse(&Secret::from_key(3, &[1u8; 64]).0).is_some());
    }

    #[test]
    fn files_generated_private_and_refused_when_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("host.key");
        let made = SecretFile::load_or_generate(&path).unwrap();
        assert!(made.generated && !path.exists(), "written only on persist");
        made.persist().unwrap();
        assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o600);
        let loaded = SecretFile::load_or_generate(&path).unwrap();
        assert!(!loaded.generated);
        assert_eq!(loaded.secret, made.secret);
        assert!(made.persist().is_err(), "never over an existing file");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = SecretFile::load_or_generate(&path).unwrap_err();
        assert!(
            err.to_string().contains("can be read by group or others"),
            "{err}"
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        fs::write(&path, b"not a secret\n").unwrap();
        let err = SecretFile::load_or_generate(&path).unwrap_err();
        assert!(
            err.to_string()
                .contains("does not hold a DH-HMAC-CHAP secret"),
            "{err}"
        );
        assert!(!err.to_string().contains("not a secret"));
    }
}
