/// Virtual time in milliseconds since the start of a run.
pub type Millis = u64;

/// Formats virtual time for people: `1.250s`.
pub fn fmt_ms(t: Millis) -> String {
    format!("{}.{:03}s", t / 1000, t % 1000)
}
