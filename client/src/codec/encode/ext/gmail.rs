//! Gmail's labels (X-GM-EXT-1): a label list, and what a label STORE does.
// The signatures take `&Vec<_>`: the contract is `fn(&mut Encoder, &T)`.
#![allow(clippy::ptr_arg)]

use crate::codec::encode::encoder::Encoder;
use crate::codec::encode::error::EncodeError;
use crate::codec::encode::grammar::mailbox;
use crate::types::{GmailLabel, LabelsAction, StoreMode};

/// `(label label ...)`: system labels as `\Name` (the name must be an
/// atom), the others as mailbox names are written (modified UTF-7, quoted
/// or a literal as needed); `()` for none.
pub fn gm_labels(enc: &mut Encoder, labels: &Vec<GmailLabel>) -> Result<(), EncodeError> {
    enc.list(labels, |enc, label| match label {
        GmailLabel::System(name) => {
            enc.token("\\");
            enc.atom(name)
        }
        GmailLabel::Named(name) => mailbox(enc, name),
    })
}

/// `+X-GM-LABELS[.SILENT] (labels)`, `-X-GM-LABELS ...` or
/// `X-GM-LABELS ...`.
pub fn gm_labels_action(enc: &mut Encoder, action: &LabelsAction) -> Result<(), EncodeError> {
    enc.token(match action.mode {
        StoreMode::Add => "+",
        StoreMode::Remove => "-",
        StoreMode::Replace => "",
    });
    enc.token(if action.silent {
        "X-GM-LABELS.SILENT"
    } else {
        "X-GM-LABELS"
    });
    enc.sp();
    gm_labels(enc, &action.labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode::{to_bytes, EncodeOptions};

    fn wire(action: &LabelsAction) -> Vec<u8> {
        let mut enc = Encoder::new(EncodeOptions::default());
        gm_labels_action(&mut enc, action).unwrap();
        to_bytes(&enc.finish())
    }

    #[test]
    fn system_labels_bare_and_others_as_mailbox_names() {
        let labels = vec![
            GmailLabel::system("Important"),
            GmailLabel::named("Muy Importante"),
            GmailLabel::named("été"),
        ];
        assert_eq!(
            wire(&LabelsAction::add(labels)),
            b"+X-GM-LABELS (\\Important \"Muy Importante\" &AOk-t&AOk-)\r\n"
        );
        assert_eq!(
            wire(&LabelsAction::replace(vec![]).silent()),
            b"X-GM-LABELS.SILENT ()\r\n"
        );
        let mut enc = Encoder::new(EncodeOptions::default());
        assert!(gm_labels(&mut enc, &vec![GmailLabel::system("Bad label")]).is_err());
    }
}
