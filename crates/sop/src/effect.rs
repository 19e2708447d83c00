//! The effects an SOP declares: what its cases do beyond moving from step
//! to step. Each section of a definition that acts on the world outside the
//! case — the correspondence (`[letter]`, and the agenda every request
//! enters), a registry (`[registry]`), escorted visits (`[visit]`), an
//! access review (`[review]`) — is one effect, and one pipeline in the store
//! runs them after each step in this order. A new kind of effect (a
//! provisioning connector, a satisfaction survey) is one more variant here
//! and its handler there; the commands that move cases do not change.

use crate::definition::{AccessReview, LetterTemplate, Registry, Sop, Visit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect<'a> {
    /// Every request enters the agency's agenda of incoming letters, its
    /// dispositions say where it went; with a `[letter]`, the notification
    /// letter is drafted, reviewed, signed and sent in the steps so named.
    Correspondence(Option<&'a LetterTemplate>),
    Registry(&'a Registry),
    Visit(&'a Visit),
    AccessReview(&'a AccessReview),
}

impl Sop {
    /// The SOP's effects, in the order they run after a step.
    pub fn effects(&self) -> Vec<Effect<'_>> {
        let mut effects = vec![Effect::Correspondence(self.letter.as_ref())];
        effects.extend(self.registry.as_ref().map(Effect::Registry));
        effects.extend(self.visit.as_ref().map(Effect::Visit));
        effects.extend(self.review.as_ref().map(Effect::AccessReview));
        effects
    }
}
