//! Optional bearer-token access control: the token comes from a file only
//! root may read, and every request must carry `Authorization: Bearer
//! <token>`.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Reads the token of `path` (surrounding whitespace removed). The file
/// must not be readable or writable by group or others, and not empty.
pub fn read_token(path: &Path) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let meta =
        fs::metadata(path).map_err(|e| format!("{shown}: {}", crate::error::strerror(&e)))?;
    if meta.mode() & 0o077 != 0 {
        return Err(format!(
            "{shown}: the token file must not be accessible to group or others (chmod 600)."
        ));
    }
    let text = fs::read(path).map_err(|e| format!("{shown}: {}", crate::error::strerror(&e)))?;
    let token = text.trim_ascii().to_vec();
    if token.is_empty() {
        return Err(format!("{shown}: the token file is empty."));
    }
    Ok(token)
}

/// Whether the `Authorization` header value carries `token`. The
/// comparison takes the same time wherever the first difference is.
pub fn authorized(token: &[u8], header: Option<&[u8]>) -> bool {
    let Some(given) = header.and_then(|h| h.strip_prefix(b"Bearer ")) else {
        return false;
    };
    let given = given.trim_ascii();
    given.len() == token.len() && given.iter().zip(token).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn header_must_carry_the_exact_token() {
        let t = b"s3cret";
        assert!(authorized(t, Some(b"Bearer s3cret")));
        assert!(authorized(t, Some(b"Bearer s3cret ")));
        assert!(!authorized(t, None));
        assert!(!authorized(t, Some(b"Bearer s3cre")));
        assert!(!authorized(t, Some(b"Bearer s3cret2")));
        assert!(!authorized(t, Some(b"Bearer S3cret")));
        assert!(!authorized(t, Some(b"Basic s3cret")));
        assert!(!authorized(t, Some(b"s3cret")));
        assert!(!authorized(t, Some(b"Bearer ")));
    }

    #[test]
    fn token_file_must_be_private_and_not_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        fs::write(&path, "abc\n").unwrap();
        for mode in [0o644, 0o640, 0o604, 0o660, 0o602] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
            let err = read_token(&path).unwrap_err();
            assert!(err.contains("group or others"), "{mode:o}: {err}");
        }
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_token(&path).unwrap(), b"abc");
        fs::write(&path, " \n").unwrap();
        assert!(read_token(&path).unwrap_err().contains("empty"));
        let missing = read_token(&dir.path().join("none")).unwrap_err();
        assert!(missing.ends_with("No such file or directory"), "{missing}");
    }
}
