use rand::{RngExt, SeedableRng};
fn main() { let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(7); let x: u64 = r.random_range(0..100); println!("{x}"); }
