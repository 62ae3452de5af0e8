//! Gmail's labels (X-GM-EXT-1), the value of X-GM-LABELS.

use crate::codec::parse::{mailbox, ParseError, Parser};
use crate::types::GmailLabel;

/// `(label ...)` as Gmail sends it after `X-GM-LABELS`: a system label
/// bare (`\Inbox`) or quoted (`"\\Important"`), the others as mailbox
/// names (modified UTF-7, atoms or strings); `()` for none.
pub fn gm_labels(p: &mut Parser<'_>) -> Result<Vec<GmailLabel>, ParseError> {
    p.list(|p| {
        if p.eat(b'\\') {
            return Ok(GmailLabel::System(p.atom()?.to_owned()));
        }
        let name = mailbox(p)?;
        Ok(match name.as_str().strip_prefix('\\') {
            Some(system) => GmailLabel::System(system.to_owned()),
            None => GmailLabel::Named(name),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::parse::parse_whole as parse;

    #[test]
    fn bare_quoted_system_and_utf7_names() {
        let labels = parse(
            b"(\\Inbox \"\\\\Important\" foo \"Muy Importante\" &AOk-t&AOk-)\r\n",
            gm_labels,
        )
        .unwrap();
        assert_eq!(
            labels,
            [
                GmailLabel::system("Inbox"),
                GmailLabel::system("Important"),
                GmailLabel::named("foo"),
                GmailLabel::named("Muy Importante"),
                GmailLabel::named("été"),
            ]
        );
        assert_eq!(parse(b"()\r\n", gm_labels).unwrap(), []);
    }

    #[test]
    fn nesting_is_refused_not_followed() {
        let nested = format!("{}\r\n", "(".repeat(10_000));
        assert!(parse(nested.as_bytes(), gm_labels).is_err());
    }
}
