//! ACS-style user access tokens: JWT-shaped `header.payload.signature`, signed with HMAC-SHA256
//! and a secret that only this emulator instance knows, so forged or altered tokens fail.
//!
//! The payload is JSON with `skypeid`, `scp`, `acsScope`, `resourceId`, `iat`, `exp` (epoch
//! seconds) and the user's revocation generation `rev`. The base64url payload is made free of
//! `-` and `_` (and a multiple of 4 long): the official Python SDK decodes it with the standard
//! alphabet, which would silently drop those characters and read a wrong `exp`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use time::OffsetDateTime;

type HmacSha256 = Hmac<Sha256>;

const HEADER: &str = r#"{"alg":"HS256","kid":"acs-emulator","typ":"JWT"}"#;

/// The claims of a token the emulator issued.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Claims {
    /// The user id without its `8:` prefix, as real ACS tokens carry it.
    pub(crate) skypeid: String,
    /// Scope bit set (as the service shows it; informational).
    pub(crate) scp: u32,
    /// The scopes, comma separated (`chat`, `voip`, ...).
    #[serde(rename = "acsScope")]
    pub(crate) acs_scope: String,
    /// The emulated resource id.
    #[serde(rename = "resourceId")]
    pub(crate) resource_id: String,
    /// The full raw id of the token's identity (`8:acs:...`, or `8:orgid:...` for Teams users).
    pub(crate) sub: String,
    /// Issued at, epoch seconds.
    pub(crate) iat: i64,
    /// Expiry, epoch seconds.
    pub(crate) exp: i64,
    /// The user's revocation generation when the token was issued.
    pub(crate) rev: u64,
    /// A unique token id.
    pub(crate) jti: String,
    /// Filler that keeps the encoded payload free of `-` and `_`.
    #[serde(default)]
    pub(crate) pad: String,
}

impl Claims {
    pub(crate) fn scopes(&self) -> impl Iterator<Item = &str> {
        self.acs_scope.split(',').map(str::trim).filter(|s| !s.is_empty())
    }

    pub(crate) fn expires_on(&self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(self.exp).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

/// Signs and checks tokens with one secret.
#[derive(Clone)]
pub(crate) struct TokenSigner {
    secret: [u8; 32],
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSigner(<redacted>)")
    }
}

/// Why a bearer token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Malformed,
    BadSignature,
    Expired,
}

impl TokenSigner {
    /// A signer with a fresh random secret.
    pub(crate) fn random() -> Self {
        let mut secret = [0u8; 32];
        secret[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        secret[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self { secret }
    }

    /// A signer with a kept secret (of a data file).
    pub(crate) fn from_secret(secret: [u8; 32]) -> Self {
        Self { secret }
    }

    /// The secret, to keep in a data file.
    pub(crate) fn secret(&self) -> [u8; 32] {
        self.secret
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC accepts keys of any length, so this cannot fail.
        match HmacSha256::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
        }
    }

    /// Encodes and signs `claims` (its `pad` is chosen here).
    pub(crate) fn issue(&self, mut claims: Claims) -> String {
        let header = URL_SAFE_NO_PAD.encode(HEADER);
        let mut payload = String::new();
        for width in 0..64 {
            claims.pad = " ".repeat(width);
            let json = serde_json::to_vec(&claims).unwrap_or_default();
            payload = URL_SAFE_NO_PAD.encode(&json);
            if payload.len().is_multiple_of(4) && !payload.contains(['-', '_']) {
                break;
            }
        }
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// Checks the signature and expiry of `token` and returns its claims.
    pub(crate) fn verify(&self, token: &str, now: OffsetDateTime) -> Result<Claims, TokenProblem> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenProblem::Malformed);
        };
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenProblem::Malformed)?;
        let mut mac = self.mac();
        mac.update(header.as_bytes());
        mac.update(b".");
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature).map_err(|_| TokenProblem::BadSignature)?;
        let json = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenProblem::Malformed)?;
        let claims: Claims = serde_json::from_slice(&json).map_err(|_| TokenProblem::Malformed)?;
        if claims.exp <= now.unix_timestamp() {
            return Err(TokenProblem::Expired);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::STANDARD;

    fn claims(exp: i64) -> Claims {
        Claims {
            skypeid: "acs:0b5e7c57-3a4f-4bde-9a55-0fc2bdc0ae41_e4bd1b7a-9f4e-4f0e-8c7a-6b2d1c3e4f50".into(),
            scp: 1792,
            acs_scope: "chat,voip".into(),
            resource_id: "0b5e7c57-3a4f-4bde-9a55-0fc2bdc0ae41".into(),
            sub: "8:acs:0b5e7c57-3a4f-4bde-9a55-0fc2bdc0ae41_e4bd1b7a-9f4e-4f0e-8c7a-6b2d1c3e4f50".into(),
            iat: exp - 3600,
            exp,
            rev: 0,
            jti: uuid::Uuid::new_v4().to_string(),
            pad: String::new(),
        }
    }

    #[test]
    fn payload_decodes_with_the_standard_alphabet_like_python() {
        let signer = TokenSigner::random();
        for exp in 1_700_000_000..1_700_000_200 {
            let token = signer.issue(claims(exp));
            let payload = token.split('.').nth(1).unwrap();
            assert!(!payload.contains(['-', '_']), "{payload}");
            let json = STANDARD.decode(payload).unwrap();
            let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
            assert_eq!(value["exp"], exp);
        }
    }

    #[test]
    fn verify_round_trip_and_rejections() {
        let signer = TokenSigner::random();
        let now = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        let token = signer.issue(claims(1_700_000_100));
        assert_eq!(signer.verify(&token, now).unwrap().exp, 1_700_000_100);
        let later = OffsetDateTime::from_unix_timestamp(1_700_000_100).unwrap();
        assert_eq!(signer.verify(&token, later), Err(TokenProblem::Expired));
        assert_eq!(TokenSigner::random().verify(&token, now), Err(TokenProblem::BadSignature));
        assert_eq!(signer.verify("abc", now), Err(TokenProblem::Malformed));
        assert_eq!(signer.verify("a.b.c.d", now), Err(TokenProblem::Malformed));
        // A payload swapped for another token's fails the signature.
        let other = signer.issue(claims(1_800_000_000));
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[1] = other.split('.').nth(1).unwrap();
        assert_eq!(signer.verify(&parts.join("."), now), Err(TokenProblem::BadSignature));
    }

    #[test]
    fn acs_common_reads_the_expiry() {
        let signer = TokenSigner::random();
        let token = signer.issue(claims(1_900_000_000));
        let expiry = acs_common::jwt::token_expiry(&token).unwrap();
        assert_eq!(expiry.unix_timestamp(), 1_900_000_000);
    }
}
