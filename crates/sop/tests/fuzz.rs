//! The parser never panics, whatever it is given: random text, and the seed
//! definitions cut, spliced and garbled; every error it reports points
//! inside the file.

use proptest::prelude::*;
use sop::parse_sop;

fn check(text: &str) {
    let lines = text.lines().count().max(1) + 1;
    match parse_sop("fuzz.toml", text) {
        Ok(sop) => {
            // Whatever parsed also lints and renders.
            let _ = sop::lint::lint(&sop);
            let _ = sop::render::svg(&sop, None);
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in errors {
                assert!(e.at.line >= 1 && e.at.line <= lines, "{e} outside a {lines}-line file");
                assert!(!e.message.is_empty());
            }
        }
    }
}

fn seeds() -> Vec<&'static str> {
    sop::catalog::BUILTIN.iter().filter(|(n, _)| !n.ends_with("agency.toml")).map(|(_, t)| *t).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        check(&text);
    }

    #[test]
    fn garbled_seeds_never_panic(seed in 0usize..5, at in any::<usize>(), len in 0usize..200, insert in r#"[\[\]="a-z0-9 \n#.,-]{0,20}"#) {
        let text = seeds()[seed];
        let mut cut = at % text.len();
        while !text.is_char_boundary(cut) { cut -= 1; }
        let mut end = (cut + len).min(text.len());
        while !text.is_char_boundary(end) { end -= 1; }
        let garbled = format!("{}{insert}{}", &text[..cut], &text[end..]);
        check(&garbled);
    }

    #[test]
    fn shuffled_lines_never_panic(seed in 0usize..5, swaps in proptest::collection::vec((any::<usize>(), any::<usize>()), 1..8)) {
        let mut lines: Vec<&str> = seeds()[seed].lines().collect();
        let n = lines.len();
        for (a, b) in swaps {
            lines.swap(a % n, b % n);
        }
        check(&lines.join("\n"));
    }
}
