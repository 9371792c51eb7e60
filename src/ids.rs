//! Generated identifiers: RequestIds and resource IDs, reproducible with `--seed`.

use std::sync::Mutex;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

const ID_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// The random source of every generated ID.
#[derive(Debug)]
pub struct Ids {
    /// With `--seed`: one sequence for the whole process, so that a run can be repeated.
    /// Without: `None`, and each thread draws from its own OS-seeded generator, which saves
    /// the threads from queueing for one lock on every request.
    seeded: Option<Mutex<ChaCha8Rng>>,
}

impl Ids {
    pub fn new(seed: Option<u64>) -> Self {
        Ids {
            seeded: seed.map(|seed| Mutex::new(ChaCha8Rng::seed_from_u64(seed))),
        }
    }

    fn with_rng<T>(&self, f: impl FnOnce(&mut dyn RngCore) -> T) -> T {
        match &self.seeded {
            Some(rng) => f(&mut *rng
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)),
            None => f(&mut rand::rng()),
        }
    }

    /// An upper-case UUID, as the real service's RequestIds are.
    pub fn request_id(&self) -> String {
        let mut bytes = [0u8; 16];
        self.with_rng(|rng| rng.fill_bytes(&mut bytes));
        let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
        let mut buf = [0u8; uuid::fmt::Hyphenated::LENGTH];
        uuid.hyphenated().encode_upper(&mut buf).to_owned()
    }

    /// A 15-digit order number, as CreateVpnGateway answers (`208240895400460`).
    pub fn order_id(&self) -> u64 {
        self.with_rng(|rng| 100_000_000_000_000 + rng.next_u64() % 900_000_000_000_000)
    }

    /// `{prefix}` + 21 characters of `[a-z0-9]`, e.g. `vsc-bp1n8wcf134yl0osrcg98`.
    pub fn resource_id(&self, prefix: &str) -> String {
        self.with_rng(|rng| {
            let mut id = String::with_capacity(prefix.len() + 21);
            id.push_str(prefix);
            for _ in 0..21 {
                let i = (rng.next_u32() as usize) % ID_ALPHABET.len();
                id.push(ID_ALPHABET[i] as char);
            }
            id
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_real_shapes_and_follow_the_seed() {
        let a = Ids::new(Some(7));
        let b = Ids::new(Some(7));
        let rid = a.request_id();
        assert_eq!(rid, b.request_id());
        assert_eq!(rid.len(), 36);
        assert!(
            rid.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        let id = a.resource_id("vsc-");
        assert_eq!(id, b.resource_id("vsc-"));
        assert_eq!(id.len(), 25);
        assert!(
            id[4..]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
    }
}
