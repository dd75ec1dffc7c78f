//! Word wrapping, the one helper every layer uses (the event log, help,
//! lesson tables, quiz text, node boxes), on `textwrap`: greedy, measured
//! in terminal columns, words longer than a line broken.

use textwrap::{Options, WordSeparator, WrapAlgorithm};

fn options(width: usize) -> Options<'static> {
    Options::new(width.max(1))
        .break_words(true)
        .word_separator(WordSeparator::AsciiSpace)
        .wrap_algorithm(WrapAlgorithm::FirstFit)
}

/// `text` (one paragraph) as lines of at most `width` columns; at least one
/// line, empty for empty text.
pub fn lines(text: &str, width: usize) -> Vec<String> {
    let out: Vec<String> = textwrap::wrap(text, options(width))
        .into_iter()
        .map(|l| l.into_owned())
        .collect();
    if out.is_empty() {
        vec![String::new()]
    } else {
        out
    }
}

/// `text` as it fits in `width` columns: whole, or cut at a word and
/// ended with `…`.
pub fn shorten(text: &str, width: usize) -> String {
    if unicode_width::UnicodeWidthStr::width(text) <= width {
        return text.to_string();
    }
    let first = lines(text, width.saturating_sub(1)).swap_remove(0);
    format!("{}…", first.trim_end())
}

/// `text` wrapped to `width` columns where its first line starts after
/// `taken` columns (a label beside it) and the others are indented by
/// `indent` spaces (included in them).
pub fn beside(text: &str, width: usize, taken: usize, indent: usize) -> Vec<String> {
    let first = " ".repeat(taken);
    let rest = " ".repeat(indent);
    let opts = options(width)
        .initial_indent(&first)
        .subsequent_indent(&rest);
    let mut out: Vec<String> = textwrap::wrap(text, opts)
        .into_iter()
        .map(|l| l.into_owned())
        .collect();
    match out.first_mut() {
        Some(l) => *l = l.chars().skip(taken).collect(),
        None => out.push(String::new()),
    }
    out
}

/// `text` wrapped to `width` columns (at least 20), keeping its line
/// breaks; every line is indented by `indent`, and a paragraph's
/// continuation lines hang under its text, past its own indentation and
/// list marker (`- `, `* `, `1. `, `a) `).
pub fn hanging(text: &str, width: usize, indent: usize) -> String {
    let width = width.max(20);
    let pad = " ".repeat(indent);
    let mut out = Vec::new();
    for para in text.lines() {
        if para.trim().is_empty() {
            out.push(String::new());
            continue;
        }
        let body = para.trim_start();
        let lead = &para[..para.len() - body.len()];
        let first = format!("{pad}{lead}");
        let rest = format!("{pad}{lead}{}", " ".repeat(marker_width(body)));
        let opts = options(width)
            .initial_indent(&first)
            .subsequent_indent(&rest);
        out.extend(
            textwrap::wrap(body, opts)
                .into_iter()
                .map(|l| l.into_owned()),
        );
    }
    out.join("\n")
}

/// How wide a list marker opening `s` is: `a) `, `12. `, `- `.
fn marker_width(s: &str) -> usize {
    let b = s.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if b.len() > 2 && b[0].is_ascii_lowercase() && b[1] == b')' && b[2] == b' ' {
        3
    } else if digits > 0 && b.len() > digits + 1 && b[digits] == b'.' && b[digits + 1] == b' ' {
        digits + 2
    } else if b.len() > 1 && b[0] == b'-' && b[1] == b' ' {
        2
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fit_the_width_and_break_long_words() {
        assert_eq!(lines("one two three", 7), ["one two", "three"]);
        assert_eq!(lines("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(lines("", 10), [""]);
        // Columns, not bytes: each of these is one column.
        assert_eq!(lines("ééé ééé", 3), ["ééé", "ééé"]);
    }

    #[test]
    fn shorten_cuts_at_a_word() {
        assert_eq!(shorten("fits here", 9), "fits here");
        assert_eq!(shorten("one two three", 9), "one two…");
        assert_eq!(shorten("abcdefghij", 5), "abcd…");
    }

    #[test]
    fn beside_leaves_room_for_a_label_on_the_first_line_only() {
        let l = beside("aaa bbb ccc ddd", 10, 6, 2);
        assert_eq!(l, ["aaa", "  bbb ccc", "  ddd"]);
    }

    #[test]
    fn hanging_keeps_breaks_and_hangs_list_items() {
        let t = hanging("a) first option that is long\nb) second", 20, 2);
        assert_eq!(t, "  a) first option\n     that is long\n  b) second");
        let t = hanging("- item with words enough to wrap", 20, 0);
        assert_eq!(t, "- item with words\n  enough to wrap");
    }

    #[test]
    fn wrapped_list_items_hang_under_their_text() {
        let w = hanging("  b) one two three four five six seven", 20, 0);
        let lines: Vec<&str> = w.lines().collect();
        assert_eq!(lines[0], "  b) one two three");
        assert!(lines[1].starts_with("     four"), "{w}");
        let w = hanging("12. alpha beta gamma delta epsilon", 16, 0);
        assert!(w.lines().nth(1).unwrap().starts_with("    "), "{w}");
    }

    #[test]
    fn wrap_breaks_long_lines() {
        let w = hanging("one two three four five six", 20, 2);
        for line in w.lines() {
            assert!(line.len() <= 20, "{line:?}");
            assert!(line.starts_with("  "));
        }
    }
}
