//! Body sections: the `[section]<origin>` of `BODY[...]` (RFC 3501
//! section 6.4.5 and 7.4.2).

use std::fmt;

use bytes::Bytes;

/// A body section specifier, as in `BODY[1.2.HEADER.FIELDS (FROM TO)]`.
///
/// ```text
/// section         = "[" [section-spec] "]"
/// section-spec    = section-msgtext / (section-part ["." section-text])
/// section-part    = nz-number *("." nz-number)
/// section-text    = section-msgtext / "MIME"
/// section-msgtext = "HEADER" / "HEADER.FIELDS" [".NOT"] SP header-list / "TEXT"
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Section {
    /// The part numbers (`1.2` is `[1, 2]`); empty for the whole message.
    pub part: Vec<u32>,
    /// What of that part; `None` for the whole part.
    pub text: Option<SectionText>,
}

/// What of a part a [`Section`] names.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum SectionText {
    /// `HEADER`: the header of the message or of the message/rfc822 part.
    Header,
    /// `HEADER.FIELDS (name ...)`: only these header fields.
    HeaderFields(Vec<Bytes>),
    /// `HEADER.FIELDS.NOT (name ...)`: all but these header fields.
    HeaderFieldsNot(Vec<Bytes>),
    /// `TEXT`: the body without the header.
    Text,
    /// `MIME`: the MIME header of a part (only after a part number).
    Mime,
}

impl fmt::Display for Section {
    /// The section in wire form, without the brackets: `1.2.HEADER.FIELDS (FROM TO)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for part in &self.part {
            if !first {
                f.write_str(".")?;
            }
            write!(f, "{part}")?;
            first = false;
        }
        let Some(text) = &self.text else {
            return Ok(());
        };
        if !first {
            f.write_str(".")?;
        }
        let (name, fields) = match text {
            SectionText::Header => ("HEADER", None),
            SectionText::HeaderFields(fields) => ("HEADER.FIELDS", Some(fields)),
            SectionText::HeaderFieldsNot(fields) => ("HEADER.FIELDS.NOT", Some(fields)),
            SectionText::Text => ("TEXT", None),
            SectionText::Mime => ("MIME", None),
        };
        f.write_str(name)?;
        if let Some(fields) = fields {
            f.write_str(" (")?;
            for (i, field) in fields.iter().enumerate() {
                if i > 0 {
                    f.write_str(" ")?;
                }
                f.write_str(&String::from_utf8_lossy(field))?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// `BODY[section]<origin>` as it appears in a FETCH response: the section
/// and, for a partial fetch, the offset the data starts at.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct BodySection {
    /// The section.
    pub section: Section,
    /// `<origin>`: the octet offset of a partial fetch.
    pub origin: Option<u32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_message_displays_empty() {
        assert_eq!(Section::default().to_string(), "");
    }

    #[test]
    fn part_and_header_fields_display_in_wire_form() {
        let section = Section {
            part: vec![1, 2],
            text: Some(SectionText::HeaderFields(vec![
                Bytes::from_static(b"FROM"),
                Bytes::from_static(b"TO"),
            ])),
        };
        assert_eq!(section.to_string(), "1.2.HEADER.FIELDS (FROM TO)");
    }

    #[test]
    fn text_without_part_has_no_dot() {
        let section = Section {
            part: vec![],
            text: Some(SectionText::Text),
        };
        assert_eq!(section.to_string(), "TEXT");
    }
}
