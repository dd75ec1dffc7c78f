//! Wall-clock timestamps for the progress file, stored as RFC 3339 UTC
//! strings (`2025-11-25T18:19:00Z`). Whole seconds; no time-zone database.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Seconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current wall-clock time. `STATEDIST_NOW` (an RFC 3339 UTC
    /// timestamp) overrides it, so tests and demos can travel in time.
    pub fn now() -> Timestamp {
        if let Ok(s) = std::env::var("STATEDIST_NOW")
            && let Some(t) = Timestamp::parse(&s)
        {
            return t;
        }
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Timestamp(secs)
    }

    pub fn plus_secs(self, secs: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(secs))
    }

    /// Parse `YYYY-MM-DDTHH:MM:SSZ` (a trailing `Z` or `+00:00`; fractional
    /// seconds are ignored).
    pub fn parse(s: &str) -> Option<Timestamp> {
        let s = s.trim();
        let s = s
            .strip_suffix('Z')
            .or_else(|| s.strip_suffix("+00:00"))
            .unwrap_or(s);
        let (date, time) = s.split_once(['T', ' '])?;
        let mut d = date.splitn(3, '-');
        let y: i64 = d.next()?.parse().ok()?;
        let m: u32 = d.next()?.parse().ok()?;
        let day: u32 = d.next()?.parse().ok()?;
        let time = time.split('.').next()?;
        let mut t = time.splitn(3, ':');
        let hh: i64 = t.next()?.parse().ok()?;
        let mm: i64 = t.next()?.parse().ok()?;
        let ss: i64 = t.next().unwrap_or("0").parse().ok()?;
        if !(0..=9999).contains(&y)
            || !(1..=12).contains(&m)
            || !(1..=31).contains(&day)
            || hh > 23
            || mm > 59
            || ss > 60
        {
            return None;
        }
        Some(Timestamp(
            days_from_civil(y, m, day) * 86_400 + hh * 3600 + mm * 60 + ss,
        ))
    }

    /// (year, month, day, hour, minute, second), UTC.
    pub fn parts(self) -> (i64, u32, u32, u32, u32, u32) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (
            y,
            m,
            d,
            (secs / 3600) as u32,
            (secs % 3600 / 60) as u32,
            (secs % 60) as u32,
        )
    }

    /// `YYYYMMDD-HHMMSS`, for file names.
    pub fn compact(self) -> String {
        let (y, m, d, hh, mm, ss) = self.parts();
        format!("{y:04}{m:02}{d:02}-{hh:02}{mm:02}{ss:02}")
    }

    /// `YYYY-MM-DD HH:MM UTC`, for people.
    pub fn human(self) -> String {
        let (y, m, d, hh, mm, _) = self.parts();
        format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02} UTC")
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d, hh, mm, ss) = self.parts();
        write!(f, "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{s}\" is not a timestamp like 2025-01-31T12:00:00Z"
            ))
        })
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// "3 h 20 min", "2 days", "45 s": a rough duration for people.
pub fn human_duration(secs: i64) -> String {
    let s = secs.max(0);
    if s < 60 {
        format!("{s} s")
    } else if s < 3600 {
        format!("{} min", s / 60)
    } else if s < 86_400 {
        let h = s / 3600;
        let m = s % 3600 / 60;
        if m == 0 {
            format!("{h} h")
        } else {
            format!("{h} h {m} min")
        }
    } else {
        let d = s / 86_400;
        format!("{d} day{}", if d == 1 { "" } else { "s" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_known_values() {
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00Z");
        let t = Timestamp::parse("2025-11-25T18:19:07Z").unwrap();
        assert_eq!(t.0, 1_764_094_747);
        assert_eq!(t.to_string(), "2025-11-25T18:19:07Z");
        assert_eq!(t.compact(), "20251125-181907");
        for secs in [
            -86_400 * 400,
            -1,
            0,
            951_782_400,
            4_102_444_800,
            1_709_208_000,
        ] {
            let t = Timestamp(secs);
            assert_eq!(Timestamp::parse(&t.to_string()), Some(t), "{t}");
        }
        assert_eq!(
            Timestamp::parse("2024-02-29 12:00:00"),
            Some(Timestamp(1_709_208_000))
        );
        assert!(Timestamp::parse("yesterday").is_none());
        assert!(Timestamp::parse("2024-13-01T00:00:00Z").is_none());
        assert!(Timestamp::parse("999999999999999999-01-01T00:00:00Z").is_none());
        assert!(Timestamp::parse("-5-01-01T00:00:00Z").is_none());
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(5), "5 s");
        assert_eq!(human_duration(600), "10 min");
        assert_eq!(human_duration(3 * 3600 + 1200), "3 h 20 min");
        assert_eq!(human_duration(86_400 * 2), "2 days");
    }
}
