//! Random secrets and their digests.

use sha2::{Digest, Sha256};

/// A bearer secret: 256 random bits from the thread's CSPRNG, hex-encoded.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    hex::encode(bytes)
}

/// What the database keeps instead of a token: its SHA-256, hex-encoded.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
