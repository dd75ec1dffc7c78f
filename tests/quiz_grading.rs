//! Grading of every question kind: choices, numbers with tolerance, short
//! answers with synonyms, set answers in any order, ordering, and design
//! rubrics; and typed input that cannot be read is "try again", not wrong.

use std::collections::BTreeSet;

use statedist::quiz::{Item, ItemSpec, Question, Scored, Verdict};

fn q(spec: ItemSpec) -> Question {
    Item {
        id: "t.item".into(),
        spec,
        explanation: "because".into(),
        line: 1,
    }
    .instantiate(42)
}

fn verdict(q: &Question, input: &str) -> Verdict {
    q.grade_input(input)
        .unwrap_or_else(|e| panic!("{input:?} did not parse: {e}"))
        .verdict
}

fn credit(q: &Question, input: &str) -> f64 {
    q.grade_input(input).unwrap().credit
}

#[test]
fn single_choice() {
    let q = q(ItemSpec::Single {
        prompt: "p".into(),
        choices: vec!["x".into(), "y".into(), "z".into()],
        answer: 1,
        keep_order: true,
    });
    assert_eq!(verdict(&q, "b"), Verdict::Right);
    assert_eq!(verdict(&q, " B "), Verdict::Right);
    assert_eq!(verdict(&q, "b)"), Verdict::Right);
    assert_eq!(verdict(&q, "a"), Verdict::Wrong);
    // not an answer: ask again
    assert!(q.grade_input("d").is_err());
    assert!(q.grade_input("ab").is_err());
    assert!(q.grade_input("").is_err());
    assert!(q.grade_input("2").is_err());
    assert!(q.answer_text().starts_with("b) y"));
}

#[test]
fn choices_are_shown_shuffled_per_seed_with_the_key_following() {
    let choices: Vec<String> = ["w", "x", "y", "z"].map(String::from).to_vec();
    let item = Item {
        id: "t.shuffled".into(),
        spec: ItemSpec::Single {
            prompt: "p".into(),
            choices: choices.clone(),
            answer: 2,
            keep_order: false,
        },
        explanation: "e".into(),
        line: 1,
    };
    let mut right_letters = BTreeSet::new();
    for seed in 0..50 {
        let q = item.instantiate(seed);
        let statedist::quiz::Form::Choice { options } = &q.form else {
            panic!()
        };
        let mut sorted = options.clone();
        sorted.sort();
        assert_eq!(sorted, choices);
        let at = options.iter().position(|o| o == "y").unwrap();
        let letter = char::from(b'a' + at as u8).to_string();
        assert_eq!(verdict(&q, &letter), Verdict::Right);
        right_letters.insert(letter);
        assert_eq!(item.instantiate(seed).form, q.form, "same seed, same order");
    }
    assert_eq!(right_letters.len(), 4, "the right answer moves around");

    let multi = Item {
        id: "t.multi".into(),
        spec: ItemSpec::Multiple {
            prompt: "p".into(),
            choices: choices.clone(),
            answers: BTreeSet::from([0, 3]),
            keep_order: false,
        },
        explanation: "e".into(),
        line: 1,
    };
    for seed in 0..20 {
        let q = multi.instantiate(seed);
        let statedist::quiz::Form::MultiChoice { options } = &q.form else {
            panic!()
        };
        let letters: String = options
            .iter()
            .enumerate()
            .filter(|(_, o)| *o == "w" || *o == "z")
            .map(|(i, _)| char::from(b'a' + i as u8))
            .collect();
        assert_eq!(verdict(&q, &letters), Verdict::Right);
    }
}

#[test]
fn multiple_choice_all_or_partial() {
    let q = q(ItemSpec::Multiple {
        prompt: "p".into(),
        choices: vec!["a".into(), "b".into(), "c".into(), "d".into()],
        answers: BTreeSet::from([0, 2]),
        keep_order: true,
    });
    assert_eq!(verdict(&q, "a c"), Verdict::Right);
    assert_eq!(verdict(&q, "c,a"), Verdict::Right);
    assert_eq!(verdict(&q, "CA"), Verdict::Right);
    assert_eq!(verdict(&q, "a"), Verdict::Partial);
    assert!((credit(&q, "a") - 0.5).abs() < 1e-9);
    // a wrong pick cancels a right one
    assert_eq!(verdict(&q, "a b"), Verdict::Wrong);
    assert_eq!(verdict(&q, "a b c"), Verdict::Partial);
    assert_eq!(verdict(&q, "b d"), Verdict::Wrong);
    assert_eq!(credit(&q, "a b c d"), 0.0);
    assert!(q.grade_input("e").is_err());
}

#[test]
fn numeric_with_and_without_tolerance() {
    let exact = q(ItemSpec::Numeric {
        prompt: "p".into(),
        answer: 3.0,
        tolerance: 0.0,
        unit: Some("replicas".into()),
    });
    assert_eq!(verdict(&exact, "3"), Verdict::Right);
    assert_eq!(verdict(&exact, "3.0"), Verdict::Right);
    assert_eq!(verdict(&exact, "3 replicas"), Verdict::Right);
    assert_eq!(verdict(&exact, "=3"), Verdict::Right);
    assert_eq!(verdict(&exact, "4"), Verdict::Wrong);
    assert_eq!(verdict(&exact, "2.9"), Verdict::Wrong);
    assert!(exact.grade_input("three").is_err());
    assert!(exact.grade_input("3 or 4").is_err());

    let tol = q(ItemSpec::Numeric {
        prompt: "p".into(),
        answer: 525.6,
        tolerance: 5.0,
        unit: None,
    });
    assert_eq!(verdict(&tol, "525.6"), Verdict::Right);
    assert_eq!(verdict(&tol, "520.6"), Verdict::Right);
    assert_eq!(verdict(&tol, "530.6"), Verdict::Right);
    assert_eq!(verdict(&tol, "530.7"), Verdict::Wrong);
    assert_eq!(verdict(&tol, "~526"), Verdict::Right);
    assert_eq!(verdict(&tol, "1,000"), Verdict::Wrong);
    assert!(tol.answer_text().contains("±5"));
}

#[test]
fn short_answer_synonyms_case_and_spacing() {
    let q = q(ItemSpec::Short {
        prompt: "p".into(),
        accept: vec![
            "read your writes".into(),
            "ryw".into(),
            "read-after-write consistency".into(),
        ],
    });
    for ok in [
        "read your writes",
        "Read Your Writes",
        "read-your-writes",
        "  read   your writes. ",
        "RYW",
        "read after write consistency",
        "Read-After-Write Consistency",
    ] {
        assert_eq!(verdict(&q, ok), Verdict::Right, "{ok}");
    }
    for bad in [
        "read your write s and more",
        "monotonic reads",
        "r",
        "writes",
    ] {
        assert_eq!(verdict(&q, bad), Verdict::Wrong, "{bad}");
    }
}

#[test]
fn short_answer_formulas_keep_their_symbols() {
    let q = q(ItemSpec::Short {
        prompt: "p".into(),
        accept: vec!["W + R > N".into(), "R + W > N".into()],
    });
    assert_eq!(verdict(&q, "w+r>n"), Verdict::Right);
    assert_eq!(verdict(&q, "R + W > N"), Verdict::Right);
    assert_eq!(verdict(&q, "W + R >= N"), Verdict::Wrong);
    assert_eq!(verdict(&q, "W R N"), Verdict::Wrong);
}

fn cap() -> Question {
    q(ItemSpec::Set {
        prompt: "p".into(),
        parts: vec![
            vec!["consistency".into(), "linearizability".into()],
            vec!["availability".into()],
            vec!["partition tolerance".into(), "partition-tolerant".into()],
        ],
    })
}

#[test]
fn set_answers_in_any_order_with_synonyms() {
    let q = cap();
    for ok in [
        "consistency, availability, partition tolerance",
        "Partition tolerance, Consistency, Availability",
        "availability and consistency and partition-tolerance",
        "linearizability; availability; partition tolerant",
        "consistency / availability / partition tolerance",
        "consistency, availability and partition tolerance",
    ] {
        assert_eq!(verdict(&q, ok), Verdict::Right, "{ok}");
    }
    // two of three
    assert_eq!(verdict(&q, "consistency, availability"), Verdict::Partial);
    assert!((credit(&q, "consistency, availability") - 2.0 / 3.0).abs() < 1e-9);
    // the same part twice counts once, and the extra costs
    assert_eq!(
        verdict(&q, "consistency, consistency, availability"),
        Verdict::Partial
    );
    assert!((credit(&q, "consistency, linearizability, availability") - 1.0 / 3.0).abs() < 1e-9);
    // extra, wrong pieces cost as much as they could earn
    assert_eq!(
        verdict(&q, "consistency, availability, latency"),
        Verdict::Partial
    );
    assert_eq!(verdict(&q, "latency, durability"), Verdict::Wrong);
    assert_eq!(
        q.answer_text(),
        "consistency, availability, partition tolerance"
    );
}

#[test]
fn ordering_is_shown_shuffled_and_graded_by_pairs() {
    let steps: Vec<String> = ["one", "two", "three", "four"].map(String::from).to_vec();
    let q = q(ItemSpec::Order {
        prompt: "p".into(),
        steps: steps.clone(),
    });
    let statedist::quiz::Form::Order { steps: shown } = &q.form else {
        panic!()
    };
    assert_ne!(shown, &steps, "shown shuffled");
    // the right answer: the letters of one, two, three, four as shown
    let letters: String = steps
        .iter()
        .map(|s| {
            let i = shown.iter().position(|x| x == s).unwrap();
            char::from(b'a' + i as u8)
        })
        .collect();
    assert_eq!(verdict(&q, &letters), Verdict::Right);
    let spaced: String = letters.chars().map(|c| format!("{c} ")).collect();
    assert_eq!(verdict(&q, &spaced.to_uppercase()), Verdict::Right);
    let reversed: String = letters.chars().rev().collect();
    assert_eq!(verdict(&q, &reversed), Verdict::Wrong);
    // swap the first two: 5 of 6 pairs still in order
    let mut swapped: Vec<char> = letters.chars().collect();
    swapped.swap(0, 1);
    let swapped: String = swapped.into_iter().collect();
    assert_eq!(verdict(&q, &swapped), Verdict::Partial);
    assert!((credit(&q, &swapped) - 5.0 / 6.0).abs() < 1e-9);
    // must use every letter exactly once
    assert!(q.grade_input("abc").is_err());
    assert!(q.grade_input("aabc").is_err());
    assert!(q.grade_input("abce").is_err());
}

fn design() -> Question {
    let s = |text: &str, points: i32| Scored {
        text: text.into(),
        points,
        feedback: format!("{text} is worth {points}"),
    };
    q(ItemSpec::Design {
        prompt: "p".into(),
        options: vec![s("weak", 0), s("best", 3), s("ok", 1)],
        reasons: vec![s("r1", 1), s("r2", 1), s("bad", -1)],
        model: "best, because r1 and r2".into(),
        pass: 0.7,
    })
}

#[test]
fn design_rubric_scores_option_and_reasons() {
    let q = design();
    // max = 3 + 1 + 1 = 5
    assert_eq!(verdict(&q, "b 1 2"), Verdict::Right);
    assert_eq!(credit(&q, "b 1 2"), 1.0);
    assert_eq!(verdict(&q, "B, 2, 1"), Verdict::Right);
    assert!((credit(&q, "b 1") - 0.8).abs() < 1e-9);
    assert_eq!(verdict(&q, "b 1"), Verdict::Right); // 0.8 >= pass 0.7
    assert_eq!(verdict(&q, "b"), Verdict::Partial); // 0.6
    assert_eq!(verdict(&q, "b 1 2 3"), Verdict::Right); // 4/5
    assert_eq!(verdict(&q, "c 1"), Verdict::Partial);
    assert_eq!(verdict(&q, "a 3"), Verdict::Wrong); // clamped at 0
    assert!(
        q.grade_input("1 2").is_err(),
        "an option letter is required"
    );
    assert!(q.grade_input("a b").is_err(), "only one option");
    assert!(q.grade_input("b 4").is_err(), "no reason 4");
    assert!(q.grade_input("d").is_err());
    assert!(q.explanation.contains("Model answer: best"));
    assert!(q.explanation.contains("bad is worth -1"));
    assert_eq!(q.answer_text(), "b) best; reasons 1 2");
}

#[test]
fn hints_describe_what_to_type() {
    assert!(cap().form.hint().contains("3 words or phrases"));
    assert!(design().form.hint().contains("b 1 3"));
}
