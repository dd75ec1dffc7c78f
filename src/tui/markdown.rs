//! Lesson Markdown → wrapped ratatui lines for one width.
//!
//! Headings, emphasis, inline code, fenced code (never wrapped: a line too
//! long is cut with `…`), lists, block quotes, GitHub call-outs, hidden model
//! answers, tables and links (as text). The result also says where each
//! line came from in the source (so a scroll position survives a resize) and
//! where the "Try it" headings and model answers are.

use std::collections::BTreeSet;

use pulldown_cmark::{Alignment, BlockQuoteKind, Event, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::theme::Theme;
use crate::lessons::{markdown_options, try_it_name};

/// A rendered lesson.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub lines: Vec<Line<'static>>,
    /// For each line, the byte offset in the source of the block it belongs to.
    pub src: Vec<usize>,
    /// (line, scenario) of each "Try it" heading.
    pub try_its: Vec<(usize, String)>,
    /// The line of each heading.
    pub headings: Vec<usize>,
    /// (line, answer number, revealed) of each model answer.
    pub answers: Vec<(usize, usize, bool)>,
}

impl Doc {
    /// The first line at or after source offset `offset`.
    pub fn line_at_src(&self, offset: usize) -> usize {
        self.src
            .iter()
            .position(|&s| s >= offset)
            .unwrap_or(self.lines.len().saturating_sub(1))
    }
}

/// Renders `md` to lines at most `width` columns wide. Model answers whose
/// number is in `revealed` are shown, the others collapsed.
pub fn render(md: &str, width: u16, revealed: &BTreeSet<usize>, theme: &Theme) -> Doc {
    let mut r = Renderer {
        theme,
        width: (width as usize).max(8),
        doc: Doc::default(),
        containers: Vec::new(),
        spans: Vec::new(),
        styles: Vec::new(),
        need_gap: false,
        block_src: 0,
        code: None,
        table: None,
        link: None,
        heading: None,
        revealed,
        answer_no: 0,
        skip_depth: 0,
    };
    r.run(md);
    r.doc
}

struct Container {
    first: Vec<Span<'static>>,
    rest: Vec<Span<'static>>,
    used: bool,
    kind: CKind,
}

#[derive(PartialEq)]
enum CKind {
    Quote,
    List(Option<u64>),
    Item,
}

struct Table {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<Vec<(String, Style)>>>,
    header_rows: usize,
    in_head: bool,
}

struct Renderer<'a> {
    theme: &'a Theme,
    width: usize,
    doc: Doc,
    containers: Vec<Container>,
    /// Inline content waiting to be wrapped; "\n" is a hard break.
    spans: Vec<(String, Style)>,
    styles: Vec<Style>,
    need_gap: bool,
    block_src: usize,
    /// The text of the fenced code block being read.
    code: Option<String>,
    table: Option<Table>,
    link: Option<(String, usize)>,
    heading: Option<(HeadingLevel, usize)>,
    revealed: &'a BTreeSet<usize>,
    answer_no: usize,
    /// Inside a model answer's block quote, skipping its events.
    skip_depth: usize,
}

fn width_of(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| width_of(&s.content)).sum()
}

/// Cuts `s` to at most `w` columns.
fn cut(s: &str, w: usize) -> (String, bool) {
    if width_of(s) <= w {
        return (s.to_string(), false);
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if used + cw > w.saturating_sub(1) {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    (out, true)
}

/// The model answer marker: a block quote whose first line is `[!ANSWER]`.
fn answer_body(quote_src: &str) -> Option<String> {
    let lines: Vec<&str> = quote_src
        .lines()
        .map(|l| {
            let t = l.trim_start();
            let t = t.strip_prefix('>').unwrap_or(t);
            t.strip_prefix(' ').unwrap_or(t)
        })
        .collect();
    let first = lines.iter().position(|l| !l.trim().is_empty())?;
    if lines[first].trim() != "[!ANSWER]" {
        return None;
    }
    Some(lines[first + 1..].join("\n"))
}

impl Renderer<'_> {
    fn style(&self) -> Style {
        self.styles.iter().fold(Style::new(), |a, s| a.patch(*s))
    }

    fn prefix_width(&self) -> usize {
        self.containers
            .iter()
            .map(|c| spans_width(if c.used { &c.rest } else { &c.first }))
            .sum()
    }

    /// Emits one line under the current containers' prefixes.
    fn push_line(&mut self, mut content: Vec<Span<'static>>) {
        let mut spans = Vec::new();
        for c in &mut self.containers {
            spans.extend(if c.used {
                c.rest.clone()
            } else {
                c.first.clone()
            });
            c.used = true;
        }
        spans.append(&mut content);
        self.doc.lines.push(Line::from(spans));
        self.doc.src.push(self.block_src);
    }

    /// A blank line between blocks (keeping quote bars).
    fn gap(&mut self) {
        if self.need_gap && !self.doc.lines.is_empty() {
            let mut spans = Vec::new();
            for c in &self.containers {
                if c.kind == CKind::Quote {
                    spans.extend(
                        c.rest
                            .iter()
                            .map(|s| Span::styled(s.content.trim_end().to_string(), s.style)),
                    );
                }
            }
            self.doc.lines.push(Line::from(spans));
            self.doc.src.push(self.block_src);
        }
        self.need_gap = false;
    }

    fn start_block(&mut self, src: usize) {
        self.flush();
        self.block_src = src;
        self.gap();
    }

    /// Wraps the pending inline spans into lines.
    fn flush(&mut self) {
        if self.spans.is_empty() {
            return;
        }
        let spans = std::mem::take(&mut self.spans);
        // Words, keeping styles; spaces are their own tokens.
        let mut toks: Vec<(String, Style, bool)> = Vec::new();
        for (text, style) in spans {
            if text == "\n" {
                toks.push(("\n".into(), style, true));
                continue;
            }
            let mut cur = String::new();
            let mut cur_space = None;
            for c in text.chars() {
                let sp = c == ' ' || c == '\t';
                if cur_space.is_some_and(|s| s != sp) {
                    toks.push((std::mem::take(&mut cur), style, cur_space.unwrap_or(false)));
                }
                cur.push(if c == '\t' { ' ' } else { c });
                cur_space = Some(sp);
            }
            if !cur.is_empty() {
                toks.push((cur, style, cur_space.unwrap_or(false)));
            }
        }
        // A word is a run of tokens with no space between them, whatever
        // their styles: "**P**artition" must not break after the P.
        let mut words: Vec<(Vec<(String, Style)>, bool)> = Vec::new();
        for (text, style, space) in toks {
            let joins = !space
                && text != "\n"
                && words
                    .last()
                    .is_some_and(|(w, sp)| !sp && w.last().is_some_and(|(t, _)| t != "\n"));
            match words.last_mut() {
                Some((w, _)) if joins => w.push((text, style)),
                _ => words.push((vec![(text, style)], space)),
            }
        }
        let mut line: Vec<Span<'static>> = Vec::new();
        let mut used = 0usize;
        let mut avail = self.width.saturating_sub(self.prefix_width()).max(4);
        let mut pending_space: Option<(String, Style)> = None;
        for (parts, space) in words {
            if parts.len() == 1 && parts[0].0 == "\n" {
                self.push_line(std::mem::take(&mut line));
                avail = self.width.saturating_sub(self.prefix_width()).max(4);
                used = 0;
                pending_space = None;
                continue;
            }
            if space {
                if used > 0 {
                    pending_space = parts.into_iter().next();
                }
                continue;
            }
            let w: usize = parts.iter().map(|(t, _)| width_of(t)).sum();
            let sp = pending_space.as_ref().map_or(0, |(s, _)| width_of(s));
            if used > 0 && used + sp + w > avail {
                self.push_line(std::mem::take(&mut line));
                avail = self.width.saturating_sub(self.prefix_width()).max(4);
                used = 0;
                pending_space = None;
            }
            if let Some((s, st)) = pending_space.take() {
                used += width_of(&s);
                line.push(Span::styled(s, st));
            }
            if w <= avail - used.min(avail) {
                used += w;
                line.extend(parts.into_iter().map(|(t, st)| Span::styled(t, st)));
                continue;
            }
            // A word longer than the line: break it by characters.
            for (text, style) in parts {
                let mut piece = String::new();
                for c in text.chars() {
                    let cw = c.width().unwrap_or(0);
                    if used + cw > avail && used > 0 {
                        line.push(Span::styled(std::mem::take(&mut piece), style));
                        self.push_line(std::mem::take(&mut line));
                        avail = self.width.saturating_sub(self.prefix_width()).max(4);
                        used = 0;
                    }
                    piece.push(c);
                    used += cw;
                }
                if !piece.is_empty() {
                    line.push(Span::styled(piece, style));
                }
            }
        }
        if !line.is_empty() {
            self.push_line(line);
        }
    }

    fn text(&mut self, t: &str) {
        if let Some(code) = &mut self.code {
            code.push_str(t);
            return;
        }
        let style = self.style();
        if let Some(table) = &mut self.table {
            if let Some(cell) = table.rows.last_mut().and_then(|r| r.last_mut()) {
                cell.push((t.to_string(), style));
            }
            return;
        }
        self.spans.push((t.to_string(), style));
    }

    fn run(&mut self, md: &str) {
        let parser = Parser::new_ext(md, markdown_options()).into_offset_iter();
        for (ev, range) in parser {
            let src = range.start;
            if self.skip_depth > 0 {
                match ev {
                    Event::Start(Tag::BlockQuote(_)) => self.skip_depth += 1,
                    Event::End(TagEnd::BlockQuote(_)) => self.skip_depth -= 1,
                    _ => {}
                }
                continue;
            }
            match ev {
                Event::Start(tag) => self.start(tag, src, &md[range.clone()]),
                Event::End(tag) => self.end(tag),
                Event::Text(t) => self.text(&t),
                Event::Code(t) => {
                    let mut st = self.style().patch(self.theme.code());
                    let t = if self.theme.code_ticks() {
                        format!("`{t}`")
                    } else {
                        t.to_string()
                    };
                    if self.heading.is_some() {
                        st = self.style();
                    }
                    self.push_styled(t, st);
                }
                Event::SoftBreak => self.text(" "),
                Event::HardBreak => {
                    if self.table.is_none() {
                        self.spans.push(("\n".into(), Style::new()));
                    }
                }
                Event::Rule => {
                    self.start_block(src);
                    let w = self.width.saturating_sub(self.prefix_width());
                    let rule = Span::styled("─".repeat(w), self.theme.dim());
                    self.push_line(vec![rule]);
                    self.need_gap = true;
                }
                Event::Html(h) | Event::InlineHtml(h) => {
                    let st = self.theme.dim();
                    self.push_styled(h.trim_end().to_string(), st);
                }
                Event::FootnoteReference(f) => {
                    let st = self.theme.dim();
                    self.push_styled(format!("[^{f}]"), st);
                }
                Event::TaskListMarker(done) => {
                    let t = if done { "[x] " } else { "[ ] " };
                    self.push_styled(t.into(), self.style());
                }
                Event::InlineMath(m) | Event::DisplayMath(m) => {
                    let st = self.theme.code();
                    self.push_styled(m.to_string(), st);
                }
            }
        }
        self.flush();
    }

    fn push_styled(&mut self, t: String, st: Style) {
        if let Some(table) = &mut self.table {
            if let Some(cell) = table.rows.last_mut().and_then(|r| r.last_mut()) {
                cell.push((t, st));
            }
        } else {
            self.spans.push((t, st));
        }
    }

    fn start(&mut self, tag: Tag<'_>, src: usize, raw: &str) {
        match tag {
            Tag::Paragraph => self.start_block(src),
            Tag::Heading { level, .. } => {
                self.start_block(src);
                self.heading = Some((level, src));
                self.doc.headings.push(self.doc.lines.len());
                let st = match level {
                    HeadingLevel::H1 => self.theme.h1(),
                    HeadingLevel::H2 => self.theme.h2(),
                    _ => self.theme.h3(),
                };
                self.styles.push(st);
            }
            Tag::BlockQuote(kind) => {
                self.start_block(src);
                if let Some(body) = kind.is_none().then(|| answer_body(raw)).flatten() {
                    self.answer(&body);
                    self.skip_depth = 1;
                    return;
                }
                let (label, st) = match kind {
                    Some(BlockQuoteKind::Note) => ("ℹ Note", self.theme.note()),
                    Some(BlockQuoteKind::Tip) => ("✱ Tip", self.theme.tip()),
                    Some(BlockQuoteKind::Important) => ("! Important", self.theme.note()),
                    Some(BlockQuoteKind::Warning) => ("⚠ Warning", self.theme.caution()),
                    Some(BlockQuoteKind::Caution) => ("⚠ Caution", self.theme.bad()),
                    None => ("", self.theme.dim()),
                };
                let bar = if kind.is_some() { "┃ " } else { "│ " };
                self.containers.push(Container {
                    first: vec![Span::styled(bar, st.remove_modifier(Modifier::REVERSED))],
                    rest: vec![Span::styled(bar, st.remove_modifier(Modifier::REVERSED))],
                    used: false,
                    kind: CKind::Quote,
                });
                if !label.is_empty() {
                    self.push_line(vec![Span::styled(label, st)]);
                }
            }
            Tag::CodeBlock(_) => {
                self.start_block(src);
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush();
                if !self
                    .containers
                    .iter()
                    .any(|c| matches!(c.kind, CKind::List(_)))
                {
                    self.start_block(src);
                }
                self.containers.push(Container {
                    first: vec![],
                    rest: vec![],
                    used: true,
                    kind: CKind::List(start),
                });
            }
            Tag::Item => {
                self.flush();
                self.block_src = src;
                let depth = self
                    .containers
                    .iter()
                    .filter(|c| matches!(c.kind, CKind::List(_)))
                    .count();
                let marker = match self.containers.last_mut() {
                    Some(Container {
                        kind: CKind::List(Some(n)),
                        ..
                    }) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => if depth > 1 { "◦ " } else { "• " }.to_string(),
                };
                let pad = " ".repeat(width_of(&marker));
                self.containers.push(Container {
                    first: vec![Span::styled(marker, self.theme.accent())],
                    rest: vec![Span::raw(pad)],
                    used: false,
                    kind: CKind::Item,
                });
                self.need_gap = false;
            }
            Tag::Emphasis => self
                .styles
                .push(Style::new().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.styles.push(Style::new().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self
                .styles
                .push(Style::new().add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.styles.push(self.theme.link());
                let at = self.spans.len();
                self.link = Some((dest_url.to_string(), at));
            }
            Tag::Image { dest_url, .. } => {
                self.styles.push(self.theme.dim());
                self.push_styled("[image: ".into(), self.theme.dim());
                self.link = Some((dest_url.to_string(), usize::MAX));
            }
            Tag::Table(aligns) => {
                self.start_block(src);
                self.table = Some(Table {
                    aligns,
                    rows: Vec::new(),
                    header_rows: 0,
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                if let Some(r) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    r.push(Vec::new());
                }
            }
            Tag::FootnoteDefinition(name) => {
                self.start_block(src);
                let st = self.theme.dim();
                self.push_styled(format!("[^{name}]: "), st);
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                self.need_gap = true;
            }
            TagEnd::Heading(level) => {
                self.styles.pop();
                let text: String = self.spans.iter().map(|(t, _)| t.as_str()).collect();
                let try_it = (level == HeadingLevel::H3)
                    .then(|| try_it_name(&text).map(str::to_string))
                    .flatten();
                let marker = match level {
                    HeadingLevel::H1 => "",
                    HeadingLevel::H2 => "■ ",
                    _ => "",
                };
                if let Some(name) = try_it {
                    // The reader adds "press t" or "running" after it.
                    self.spans.insert(0, ("▶ ".into(), self.theme.h3()));
                    self.doc.try_its.push((self.doc.lines.len(), name));
                } else if !marker.is_empty() {
                    self.spans.insert(0, (marker.into(), self.theme.h2()));
                }
                self.flush();
                self.heading = None;
                self.need_gap = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                if let Some(i) = self.containers.iter().rposition(|c| c.kind == CKind::Quote) {
                    self.containers.truncate(i);
                }
                self.need_gap = true;
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                let bar = Span::styled("│ ", self.theme.dim());
                for l in code.trim_end_matches('\n').split('\n') {
                    let l = l.replace('\t', "    ");
                    let avail = self.width.saturating_sub(self.prefix_width() + 2).max(1);
                    let (text, _) = cut(&l, avail);
                    self.push_line(vec![
                        bar.clone(),
                        Span::styled(text, self.theme.code_block()),
                    ]);
                }
                self.need_gap = true;
            }
            TagEnd::List(_) => {
                self.flush();
                if let Some(i) = self
                    .containers
                    .iter()
                    .rposition(|c| matches!(c.kind, CKind::List(_)))
                {
                    self.containers.truncate(i);
                }
                if !self
                    .containers
                    .iter()
                    .any(|c| matches!(c.kind, CKind::List(_)))
                {
                    self.need_gap = true;
                }
            }
            TagEnd::Item => {
                self.flush();
                if let Some(i) = self.containers.iter().rposition(|c| c.kind == CKind::Item) {
                    self.containers.truncate(i);
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => {
                self.styles.pop();
                if let Some((url, at)) = self.link.take() {
                    let text: String = self
                        .spans
                        .get(at.min(self.spans.len())..)
                        .unwrap_or_default()
                        .iter()
                        .map(|(t, _)| t.as_str())
                        .collect();
                    let external = url.starts_with("http");
                    if external && text.trim() != url && !url.contains(text.trim()) {
                        let st = self.theme.dim();
                        self.push_styled(format!(" ({url})"), st);
                    }
                }
            }
            TagEnd::Image => {
                self.styles.pop();
                self.link = None;
                self.push_styled("]".into(), self.theme.dim());
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = false;
                    t.header_rows = t.rows.len();
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.draw_table(t);
                }
                self.need_gap = true;
            }
            TagEnd::FootnoteDefinition => {
                self.flush();
                self.need_gap = true;
            }
            _ => {}
        }
    }

    fn answer(&mut self, body: &str) {
        let n = self.answer_no;
        self.answer_no += 1;
        let revealed = self.revealed.contains(&n);
        self.doc.answers.push((self.doc.lines.len(), n, revealed));
        let st = self.theme.answer();
        let dim = self.theme.dim();
        if !revealed {
            self.spans.push(("▸ Model answer".into(), st));
            self.spans
                .push((" — try your own first, then press a to reveal".into(), dim));
            self.flush();
            self.need_gap = true;
            return;
        }
        self.spans.push(("▾ Model answer".into(), st));
        self.spans.push((" (press a to hide)".into(), dim));
        self.flush();
        let bar = Span::styled("┃ ", st.remove_modifier(Modifier::REVERSED));
        let inner_w = self.width.saturating_sub(self.prefix_width() + 2);
        let inner = render(body, inner_w as u16, &BTreeSet::new(), self.theme);
        for line in inner.lines {
            let mut spans = vec![bar.clone()];
            spans.extend(line.spans);
            self.push_line(spans);
        }
        self.need_gap = true;
    }

    fn draw_table(&mut self, t: Table) {
        let cols = t.rows.iter().map(|r| r.len()).max().unwrap_or(0);
        if cols == 0 {
            return;
        }
        let text_of = |cell: &Vec<(String, Style)>| -> String {
            cell.iter().map(|(s, _)| s.as_str()).collect::<String>()
        };
        let mut widths = vec![1usize; cols];
        for r in &t.rows {
            for (i, c) in r.iter().enumerate() {
                widths[i] = widths[i].max(width_of(text_of(c).trim()));
            }
        }
        // Separators: "│ " between columns, so 3 per gap.
        let avail = self.width.saturating_sub(self.prefix_width());
        let total = |w: &[usize]| w.iter().sum::<usize>() + 3 * (w.len().saturating_sub(1));
        while total(&widths) > avail {
            let (i, &m) = widths
                .iter()
                .enumerate()
                .max_by_key(|(_, w)| **w)
                .unwrap_or((0, &1));
            if m <= 3 {
                break;
            }
            widths[i] -= 1;
        }
        if total(&widths) > avail {
            self.draw_table_as_records(&t, cols, avail);
            return;
        }
        let sep = Span::styled(" │ ", self.theme.dim());
        for (ri, row) in t.rows.iter().enumerate() {
            let header = ri < t.header_rows;
            // Wrap each cell within its column.
            let wrapped: Vec<Vec<String>> = (0..cols)
                .map(|i| {
                    let text = row.get(i).map(text_of).unwrap_or_default();
                    crate::wrap::lines(text.trim(), widths[i])
                })
                .collect();
            let height = wrapped.iter().map(|c| c.len()).max().unwrap_or(1).max(1);
            for li in 0..height {
                let mut spans = Vec::new();
                for (i, cell) in wrapped.iter().enumerate() {
                    if i > 0 {
                        spans.push(sep.clone());
                    }
                    let text = cell.get(li).cloned().unwrap_or_default();
                    let pad = widths[i].saturating_sub(width_of(&text));
                    let (l, r) = match t.aligns.get(i) {
                        Some(Alignment::Right) => (pad, 0),
                        Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                        _ => (0, pad),
                    };
                    let st = if header {
                        self.theme.bold()
                    } else {
                        row.get(i)
                            .and_then(|c| c.first())
                            .map_or(Style::new(), |(_, s)| *s)
                    };
                    spans.push(Span::styled(
                        format!("{}{text}{}", " ".repeat(l), " ".repeat(r)),
                        st,
                    ));
                }
                self.push_line(spans);
            }
            if header && ri + 1 == t.header_rows {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                self.push_line(vec![Span::styled(rule.join("─┼─"), self.theme.dim())]);
            }
        }
    }
}

impl Renderer<'_> {
    /// A table too wide for the screen: one record per row, "header: value".
    fn draw_table_as_records(&mut self, t: &Table, cols: usize, avail: usize) {
        let text_of = |cell: Option<&Vec<(String, Style)>>| -> String {
            cell.map(|c| c.iter().map(|(s, _)| s.as_str()).collect::<String>())
                .unwrap_or_default()
                .trim()
                .to_string()
        };
        let header: Vec<String> = (0..cols)
            .map(|i| {
                text_of(
                    t.rows
                        .first()
                        .filter(|_| t.header_rows > 0)
                        .and_then(|r| r.get(i)),
                )
            })
            .collect();
        for (ri, row) in t.rows.iter().enumerate().skip(t.header_rows) {
            if ri > t.header_rows {
                self.push_line(vec![]);
            }
            for (i, h) in header.iter().enumerate() {
                let value = text_of(row.get(i));
                let text = if h.is_empty() {
                    value
                } else {
                    format!("{h}: {value}")
                };
                for (k, part) in crate::wrap::lines(&text, avail.saturating_sub(2))
                    .into_iter()
                    .enumerate()
                {
                    let lead = if i == 0 && k == 0 { "• " } else { "  " };
                    self.push_line(vec![
                        Span::styled(lead, self.theme.accent()),
                        Span::raw(part),
                    ]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(doc: &Doc) -> Vec<String> {
        doc.lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    const T: Theme = Theme { color: true };

    #[test]
    fn a_word_split_across_styles_wraps_whole() {
        // "**P**artition" is one word: it moves to the next line whole.
        let md = "if there is a **P**artition, choose **A** or **C**; **e**lse choose **L**atency or **C**onsistency.";
        for width in 10..40 {
            let doc = render(md, width, &BTreeSet::new(), &T);
            for l in plain(&doc) {
                let first = l.split_whitespace().next().unwrap_or("");
                assert!(
                    !["artition,", "lse", "atency", "onsistency."].contains(&first),
                    "width {width}: {:?}",
                    plain(&doc)
                );
            }
        }
    }

    #[test]
    fn wraps_paragraphs_and_keeps_code_lines_whole() {
        let md = "# Title\n\nSome *long* text that goes on and on and on.\n\n```\nlet x = a_very_long_identifier_that_does_not_fit_anywhere;\n```\n";
        let doc = render(md, 20, &BTreeSet::new(), &T);
        let lines = plain(&doc);
        assert_eq!(lines[0], "Title");
        assert!(lines.iter().all(|l| width_of(l) <= 20), "{lines:#?}");
        let code: Vec<_> = lines.iter().filter(|l| l.starts_with("│ ")).collect();
        assert_eq!(code.len(), 1, "code is cut, not wrapped: {lines:#?}");
        assert!(code[0].ends_with('…'));
        assert_eq!(doc.lines.len(), doc.src.len());
    }

    #[test]
    fn callouts_answers_try_its_lists_tables() {
        let md = "> [!WARNING]\n> Careful.\n\n### Try it: cap-cp\n\n1. one\n2. two\n   - nested\n\nQ1?\n\n> [!ANSWER]\n> Because.\n\n| a | b |\n|---|--:|\n| x | 10 |\n";
        let doc = render(md, 40, &BTreeSet::new(), &T);
        let lines = plain(&doc);
        let all = lines.join("\n");
        assert!(all.contains("┃ ⚠ Warning"), "{all}");
        assert!(all.contains("┃ Careful."), "{all}");
        assert!(all.contains("▶ Try it: cap-cp"), "{all}");
        assert!(all.contains("1. one\n2. two\n   ◦ nested"), "{all}");
        assert!(all.contains("▸ Model answer"), "{all}");
        assert!(!all.contains("Because"), "hidden until revealed: {all}");
        assert!(all.contains("a │  b"), "{all}");
        assert!(all.contains("x │ 10"), "{all}");
        assert_eq!(doc.try_its.len(), 1);
        assert_eq!(lines[doc.try_its[0].0], "▶ Try it: cap-cp");
        assert_eq!(doc.answers.len(), 1);

        let shown = render(md, 40, &BTreeSet::from([0]), &T);
        let all = plain(&shown).join("\n");
        assert!(all.contains("▾ Model answer"), "{all}");
        assert!(all.contains("┃ Because."), "{all}");
        assert!(!all.contains("[!ANSWER]"), "{all}");
    }

    #[test]
    fn real_lessons_render_within_width_at_any_width() {
        for l in crate::lessons::load(None).lessons {
            for w in [8u16, 20, 41, 80, 120] {
                let doc = render(&l.body, w, &BTreeSet::new(), &T);
                assert_eq!(doc.lines.len(), doc.src.len());
                if w >= 20 {
                    for line in &doc.lines {
                        assert!(line.width() <= w as usize, "{} at {w}: {line:?}", l.file);
                    }
                }
            }
        }
    }
}
