//! Text helpers for grading: normalising typed answers and parsing letters.

/// Normalise a short typed answer for comparison: lower case, without
/// whitespace, hyphens, underscores, quotes or sentence punctuation, and
/// without a leading article. Symbols that carry meaning in formulas
/// (`+ > < =`) are kept, so `W + R > N` and `w+r>n` compare equal.
pub fn normalize(s: &str) -> String {
    let lower = s.trim().to_lowercase();
    let mut rest = lower.as_str();
    for article in ["the ", "a ", "an "] {
        if let Some(r) = rest.strip_prefix(article) {
            rest = r;
            break;
        }
    }
    rest.chars()
        .filter(|c| {
            !c.is_whitespace()
                && !matches!(
                    c,
                    '-' | '_'
                        | '.'
                        | ','
                        | ';'
                        | ':'
                        | '!'
                        | '?'
                        | '\''
                        | '"'
                        | '`'
                        | '('
                        | ')'
                        | '\u{2010}'..='\u{2015}'
                        | '\u{2018}'..='\u{201f}'
                )
        })
        .collect()
}

/// Split a typed list ("consistency, availability and partition tolerance")
/// into its pieces: on commas, semicolons, slashes, ampersands, plus signs,
/// new lines and the word "and".
pub fn split_list(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in s.split([',', ';', '/', '&', '+', '\n']) {
        let words: Vec<&str> = chunk.split_whitespace().collect();
        let mut cur: Vec<&str> = Vec::new();
        for w in words {
            if w.eq_ignore_ascii_case("and") {
                if !cur.is_empty() {
                    out.push(cur.join(" "));
                    cur.clear();
                }
            } else {
                cur.push(w);
            }
        }
        if !cur.is_empty() {
            out.push(cur.join(" "));
        }
    }
    out
}

/// The letter shown before option `i` (a, b, c, ...).
pub fn letter(i: usize) -> char {
    // Banks are validated to have at most 26 options.
    char::from(b'a' + (i % 26) as u8)
}

/// Parse option letters ("a c", "a,c", "AC") into indices below `n`.
/// Digits and other characters are an error; repeated letters are kept so
/// the caller can decide whether they are allowed.
pub fn parse_letters(s: &str, n: usize) -> Result<Vec<usize>, String> {
    let mut out = Vec::new();
    for c in s.chars() {
        if c.is_whitespace() || matches!(c, ',' | ';' | '/' | ')' | '(' | '-' | '>') {
            continue;
        }
        let lc = c.to_ascii_lowercase();
        if lc.is_ascii_lowercase() {
            let idx = (lc as u8 - b'a') as usize;
            if idx >= n {
                return Err(format!(
                    "'{c}' is not an option here: use {}",
                    letter_range(n)
                ));
            }
            out.push(idx);
        } else {
            return Err(format!(
                "'{c}' is not an option letter: use {}",
                letter_range(n)
            ));
        }
    }
    Ok(out)
}

/// "a-d" style description of the valid letters for `n` options.
pub fn letter_range(n: usize) -> String {
    match n {
        0 => "no letters".to_string(),
        1 => "a".to_string(),
        _ => format!("a-{}", letter(n - 1)),
    }
}

/// 64-bit FNV-1a: a stable hash (unlike `DefaultHasher`) used to derive
/// per-item seeds from item ids.
pub fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_ignores_case_space_and_punctuation() {
        assert_eq!(normalize("  Read-Your-Writes. "), "readyourwrites");
        assert_eq!(normalize("read your writes"), "readyourwrites");
        assert_eq!(normalize("W + R > N"), "w+r>n");
        assert_eq!(normalize("The leader"), "leader");
        assert_eq!(normalize("“quoted”"), "quoted");
    }

    #[test]
    fn split_list_on_commas_and_and() {
        assert_eq!(
            split_list("Consistency, availability and partition tolerance"),
            vec!["Consistency", "availability", "partition tolerance"]
        );
        assert_eq!(split_list("a / b & c"), vec!["a", "b", "c"]);
        assert!(split_list("  ,, ").is_empty());
    }

    #[test]
    fn letters_parse_and_reject() {
        assert_eq!(parse_letters("a c", 3).unwrap(), vec![0, 2]);
        assert_eq!(parse_letters("AC", 3).unwrap(), vec![0, 2]);
        assert_eq!(parse_letters("b) ", 3).unwrap(), vec![1]);
        assert!(parse_letters("d", 3).is_err());
        assert!(parse_letters("1", 3).is_err());
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
