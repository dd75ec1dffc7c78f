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

/// Whether a typed short answer says the same as an accepted one: equal
/// after [`canonical`], or, for formulas, the same linear inequality
/// (`W + R >= N + 1` is `W + R > N` over whole numbers).
pub fn same_answer(typed: &str, accepted: &str) -> bool {
    match (inequality(typed), inequality(accepted)) {
        (Some(a), Some(b)) => a == b,
        _ => {
            let t = canonical(typed);
            !t.is_empty() && t == canonical(accepted)
        }
    }
}

/// Words that only say what kind of thing the answer names ("read your
/// writes consistency", "the causal model"): dropped at the end.
const KIND_WORDS: [&str; 4] = ["consistency", "guarantee", "model", "property"];

/// A short answer reduced to what it says: [`normalize`]d word by word,
/// each word in the singular ("Data Types", "followers"), a trailing word
/// that only names the kind of thing dropped.
pub fn canonical(s: &str) -> String {
    let spaced: String = s
        .to_lowercase()
        .chars()
        .map(|c| match c {
            '-' | '_' | '/' | '\u{2010}'..='\u{2015}' => ' ',
            c => c,
        })
        .collect();
    let mut words: Vec<String> = spaced
        .split_whitespace()
        .map(normalize)
        .filter(|w| !w.is_empty())
        .collect();
    if words
        .first()
        .is_some_and(|w| ["the", "a", "an"].contains(&w.as_str()))
    {
        words.remove(0);
    }
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| KIND_WORDS.contains(&w.as_str()))
    {
        words.pop();
    }
    words.iter().map(|w| singular(w)).collect()
}

/// English plural to singular, by the regular rules, for comparing
/// answers (both sides go through it, so an odd word is harmless).
fn singular(w: &str) -> String {
    let n = w.chars().count();
    if n <= 3 || !w.is_ascii() {
        return w.to_string();
    }
    if let Some(stem) = w.strip_suffix("ies") {
        return format!("{stem}y");
    }
    for keep in ["ss", "us", "is"] {
        if w.ends_with(keep) {
            return w.to_string();
        }
    }
    for es in ["ches", "shes", "xes", "sses"] {
        if w.ends_with(es) {
            return w[..w.len() - 2].to_string();
        }
    }
    w.strip_suffix('s').unwrap_or(w).to_string()
}

/// A linear relation in canonical form: coefficients by variable, the
/// constant, and `>` or `=` (against zero).
type Relation = (Vec<(String, i64)>, i64, char);

/// A linear inequality or equation in whole numbers, in one canonical
/// form: the variables' coefficients (sorted) and a constant, so that
/// `sum + constant > 0` (or `= 0`). `None` when `s` is not one.
fn inequality(s: &str) -> Option<Relation> {
    let s = s
        .replace('≥', ">=")
        .replace('≤', "<=")
        .replace("=>", ">=")
        .replace("=<", "<=");
    let ops = [">=", "<=", ">", "<", "="];
    let (at, op) = ops.iter().find_map(|op| s.find(op).map(|i| (i, *op)))?;
    let (lhs, rhs) = (&s[..at], &s[at + op.len()..]);
    let mut coef = std::collections::BTreeMap::<String, i64>::new();
    let mut constant = 0i64;
    for (side, sign) in [(lhs, 1i64), (rhs, -1)] {
        let side = side.replace('-', "+-");
        let mut terms = 0;
        for term in side.split('+') {
            let t: String = term.chars().filter(|c| !c.is_whitespace()).collect();
            if t.is_empty() {
                continue;
            }
            terms += 1;
            let (neg, body) = match t.strip_prefix('-') {
                Some(b) => (-1, b.to_string()),
                None => (1, t),
            };
            // A number, a variable, or a number times a variable ("3f").
            let digits: String = body.chars().take_while(|c| c.is_ascii_digit()).collect();
            let var = &body[digits.len()..];
            let k = if digits.is_empty() {
                1
            } else {
                digits.parse::<i64>().ok()?
            };
            if var.is_empty() {
                constant += sign * neg * k;
            } else if var.chars().all(|c| c.is_ascii_alphabetic()) {
                *coef.entry(var.to_lowercase()).or_default() += sign * neg * k;
            } else {
                return None;
            }
        }
        if terms == 0 {
            return None;
        }
    }
    // expr op 0: turn < and <= round, then x >= 0 into x + 1 > 0.
    let (flip, kind) = match op {
        "<" | "<=" => (-1, op),
        _ => (1, op),
    };
    let mut vars: Vec<(String, i64)> = coef
        .into_iter()
        .filter(|(_, k)| *k != 0)
        .map(|(v, k)| (v, k * flip))
        .collect();
    if vars.is_empty() {
        return None;
    }
    let mut c = constant * flip;
    let rel = match kind {
        "=" => '=',
        ">=" | "<=" => {
            c += 1;
            '>'
        }
        _ => '>',
    };
    if rel == '=' && vars[0].1 < 0 {
        // An equation reads the same both ways round.
        vars.iter_mut().for_each(|v| v.1 = -v.1);
        c = -c;
    }
    Some((vars, c, rel))
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
    fn answers_that_say_the_same_are_the_same() {
        let same = [
            (
                "Conflict-free Replicated Data Types",
                "conflict-free replicated data type",
            ),
            ("read-your-writes consistency", "read your writes"),
            ("Read Your Writes", "read-your-writes"),
            ("followers", "follower"),
            ("candidates", "candidate"),
            ("leaders", "leader"),
            ("the leader", "leader"),
            ("replicas", "replica"),
            ("policies", "policy"),
            ("W + R >= N + 1", "W + R > N"),
            ("N < W + R", "W + R > N"),
            ("w+r>n", "R + W > N"),
            ("W + R ≥ N + 1", "W + R > N"),
            ("N + 1 <= R + W", "W + R > N"),
            ("R > N - W", "W + R > N"),
            ("n = 3f + 1", "3f + 1 = n"),
            ("causal consistency", "causal"),
            ("monotonic reads", "monotonic read"),
        ];
        for (typed, accepted) in same {
            assert!(same_answer(typed, accepted), "{typed:?} ~ {accepted:?}");
        }
        let different = [
            ("W + R >= N", "W + R > N"),
            ("W + R > N + 1", "W + R > N"),
            ("W > N", "W + R > N"),
            ("W + R < N", "W + R > N"),
            ("leader", "follower"),
            ("consistency", "availability"),
            ("eventual", "causal"),
            ("strong consistency", "eventual consistency"),
            ("", "leader"),
            ("n = 3f", "n = 3f + 1"),
        ];
        for (typed, accepted) in different {
            assert!(!same_answer(typed, accepted), "{typed:?} !~ {accepted:?}");
        }
        // A lone kind word stays: "consistency" is the C of CAP.
        assert_eq!(canonical("Consistency"), "consistency");
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
