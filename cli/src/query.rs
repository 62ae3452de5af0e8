//! The query syntax of `typed-imap search`, read into typed search keys.

use typed_imap::chrono::NaiveDate;
use typed_imap::types::{Flag, SearchKey, SequenceSet};

/// The syntax, shown at the end of `search --help`.
pub const QUERY_HELP: &str = "\
Query syntax: terms separated by spaces must all match; `or` between two
terms matches either; `not TERM` or `-TERM` matches what TERM does not;
parentheses group. Quote values with spaces: subject:\"weekly report\".

  from:TEXT  to:TEXT  cc:TEXT  bcc:TEXT  subject:TEXT  body:TEXT  text:TEXT
  header:NAME:TEXT          a header field containing TEXT
  since:DATE  before:DATE  on:DATE     received (DATE is YYYY-MM-DD)
  sent-since:DATE  sent-before:DATE  sent-on:DATE
  larger:BYTES  smaller:BYTES
  uid:SET                   UIDs, as 1:100,205
  keyword:NAME
  seen unseen flagged unflagged answered unanswered deleted undeleted
  draft undraft new old recent all
  TEXT                      a word alone is text:TEXT

Example: typed-imap search work INBOX 'from:bob since:2024-01-01 -seen'

With --json, one line per message found: {\"uid\", \"date\" (INTERNALDATE,
RFC 3339), \"from\", \"subject\", \"flags\" (an array), \"size\"}.";

/// Reads `query` into a search key.
pub fn parse(query: &str) -> Result<SearchKey, String> {
    let tokens = tokenize(query)?;
    let mut parser = Parser { tokens, at: 0 };
    let key = parser.conjunction()?;
    match parser.tokens.get(parser.at) {
        None => Ok(key),
        Some(token) => Err(format!("unexpected {token:?} in the query")),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Word(String),
}

/// Words (with `"..."` inside them or around them) and parentheses.
fn tokenize(query: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = query.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' {
                        break;
                    }
                    chars.next();
                    if c == '"' {
                        loop {
                            match chars.next() {
                                Some('"') => break,
                                Some('\\') => word.extend(chars.next()),
                                Some(c) => word.push(c),
                                None => return Err("a quote is not closed".into()),
                            }
                        }
                    } else {
                        word.push(c);
                    }
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    /// Terms one after the other: all must match.
    fn conjunction(&mut self) -> Result<SearchKey, String> {
        let mut key = self.disjunction()?;
        while matches!(self.peek(), Some(Token::Word(_) | Token::Open)) {
            key = key & self.disjunction()?;
        }
        Ok(key)
    }

    /// `a or b or c`.
    fn disjunction(&mut self) -> Result<SearchKey, String> {
        let mut key = self.unary()?;
        while matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case("or")) {
            self.next();
            key = key | self.unary()?;
        }
        Ok(key)
    }

    fn unary(&mut self) -> Result<SearchKey, String> {
        match self.next() {
            None => Err("the query ends where a term was expected".into()),
            Some(Token::Close) => Err("unexpected ')' in the query".into()),
            Some(Token::Open) => {
                let key = self.conjunction()?;
                match self.next() {
                    Some(Token::Close) => Ok(key),
                    _ => Err("a '(' is not closed".into()),
                }
            }
            Some(Token::Word(word)) if word.eq_ignore_ascii_case("not") => Ok(!self.unary()?),
            Some(Token::Word(word)) if word.eq_ignore_ascii_case("or") => {
                Err("`or` needs a term on each side".into())
            }
            Some(Token::Word(word)) => match word.strip_prefix('-') {
                Some(rest) if !rest.is_empty() => Ok(!term(rest)?),
                _ => term(&word),
            },
        }
    }
}

/// One term: `name:value` or a bare word.
fn term(word: &str) -> Result<SearchKey, String> {
    let Some((name, value)) = word.split_once(':') else {
        return flag_term(word).map_or_else(|| Ok(SearchKey::text(word)), Ok);
    };
    let key = match name.to_ascii_lowercase().as_str() {
        "from" => SearchKey::from(value),
        "to" => SearchKey::to(value),
        "cc" => SearchKey::cc(value),
        "bcc" => SearchKey::bcc(value),
        "subject" => SearchKey::subject(value),
        "body" => SearchKey::body(value),
        "text" => SearchKey::text(value),
        "header" => {
            let (field, text) = value
                .split_once(':')
                .ok_or_else(|| format!("{word:?}: write header:NAME:TEXT"))?;
            SearchKey::header(field, text)
        }
        "since" => SearchKey::since(date(word, value)?),
        "before" => SearchKey::before(date(word, value)?),
        "on" => SearchKey::on(date(word, value)?),
        "sent-since" => SearchKey::sent_since(date(word, value)?),
        "sent-before" => SearchKey::sent_before(date(word, value)?),
        "sent-on" => SearchKey::sent_on(date(word, value)?),
        "larger" => SearchKey::larger(number(word, value)?),
        "smaller" => SearchKey::smaller(number(word, value)?),
        "uid" => SearchKey::uid(
            value
                .parse::<SequenceSet>()
                .map_err(|e| format!("{word:?}: {e}"))?,
        ),
        "keyword" => SearchKey::keyword(keyword(word, value)?),
        _ => return Err(format!("{word:?}: unknown term {name:?} (see --help)")),
    };
    Ok(key)
}

fn flag_term(word: &str) -> Option<SearchKey> {
    Some(match word.to_ascii_lowercase().as_str() {
        "seen" => SearchKey::seen(),
        "unseen" => SearchKey::unseen(),
        "flagged" => SearchKey::flagged(),
        "unflagged" => SearchKey::unflagged(),
        "answered" => SearchKey::answered(),
        "unanswered" => SearchKey::unanswered(),
        "deleted" => SearchKey::deleted(),
        "undeleted" => SearchKey::undeleted(),
        "draft" => SearchKey::draft(),
        "undraft" => SearchKey::undraft(),
        "new" => SearchKey::new_messages(),
        "old" => SearchKey::old(),
        "recent" => SearchKey::recent(),
        "all" => SearchKey::all(),
        _ => return None,
    })
}

fn date(word: &str, value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|e| format!("{word:?}: a date is YYYY-MM-DD ({e})"))
}

fn number(word: &str, value: &str) -> Result<u32, String> {
    value
        .parse()
        .map_err(|_| format!("{word:?}: a size is a number of bytes"))
}

fn keyword(word: &str, value: &str) -> Result<Flag, String> {
    Flag::keyword(value).map_err(|e| format!("{word:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(query: &str, key: SearchKey) {
        assert_eq!(parse(query).unwrap(), key, "{query}");
    }

    #[test]
    fn terms_side_by_side_must_all_match() {
        same(
            "from:bob unseen",
            SearchKey::from("bob") & SearchKey::unseen(),
        );
    }

    #[test]
    fn or_binds_tighter_than_the_implicit_and() {
        same(
            "from:bob or from:carol seen",
            (SearchKey::from("bob") | SearchKey::from("carol")) & SearchKey::seen(),
        );
    }

    #[test]
    fn not_and_a_leading_minus_negate() {
        same("-seen", !SearchKey::seen());
        same(
            "not (flagged or seen)",
            !(SearchKey::flagged() | SearchKey::seen()),
        );
    }

    #[test]
    fn quoted_values_keep_their_spaces() {
        same(
            "subject:\"weekly report\"",
            SearchKey::subject("weekly report"),
        );
        same("\"two words\"", SearchKey::text("two words"));
    }

    #[test]
    fn dates_sizes_uids_and_headers_are_typed() {
        let day = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        same("since:2024-01-31", SearchKey::since(day));
        same("larger:1000", SearchKey::larger(1000u32));
        same(
            "uid:1:5,9",
            SearchKey::uid("1:5,9".parse::<SequenceSet>().unwrap()),
        );
        same("header:List-Id:rust", SearchKey::header("List-Id", "rust"));
    }

    #[test]
    fn a_bare_word_searches_the_text() {
        same("invoice", SearchKey::text("invoice"));
    }

    #[test]
    fn mistakes_are_explained() {
        for (query, says) in [
            ("since:yesterday", "YYYY-MM-DD"),
            ("colour:red", "unknown term"),
            ("(seen", "not closed"),
            ("seen )", "unexpected"),
            ("subject:\"open", "quote"),
            ("or seen", "`or`"),
            ("larger:big", "number"),
        ] {
            let error = parse(query).unwrap_err();
            assert!(error.contains(says), "{query}: {error}");
        }
    }
}
