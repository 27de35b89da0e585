//! RFC 5322 e-mail: the header block and every text body, decoded from their transfer
//! encodings (base64, quoted-printable) and charsets, become lines; every attachment is
//! extracted as an object of its own, under the message.

use std::io::Read;

use mail_parser::{MessageParser, MimeHeaders};
use sluice_finding::{Reason, Status};

use crate::archive::Budget;
use crate::{extract_nested, read_bounded, ExtractError, Extraction, Limits, SegmentSink};

const MIME: &str = "message/rfc822";

pub(crate) fn extract<R: Read>(
    mut reader: R,
    limits: &Limits,
    budget: &Budget,
    depth: usize,
    sink: &mut dyn SegmentSink,
) -> Result<Extraction, ExtractError> {
    let Some(raw) = read_bounded(&mut reader, limits.max_document_bytes)? else {
        return Ok(Extraction::skipped(MIME, Reason::FileExceedsSizeLimit));
    };
    let size = raw.len() as u64;
    let Some(message) = MessageParser::default().parse(&raw[..]) else {
        // Not parseable as a message: Macie reads a malformed file as text.
        return crate::text::extract(&raw[..], MIME, limits, sink);
    };
    let mut text = String::new();
    let header_end = (message.root_part().raw_body_offset() as usize).min(raw.len());
    text.push_str(&String::from_utf8_lossy(&raw[..header_end]));
    for body in message.text_bodies() {
        if let Some(t) = body.text_contents() {
            text.push_str(t);
            text.push('\n');
        }
    }
    crate::text::stream_lines(text.as_bytes(), limits.chunk_bytes, sink)?;

    let mut status = Status::complete();
    for (i, attachment) in message.attachments().enumerate() {
        let name =
            attachment.attachment_name().map(String::from).unwrap_or_else(|| format!("attachment-{i}"));
        let content_type = attachment
            .content_type()
            .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("octet-stream")));
        let mut contents = attachment.contents();
        if depth + 1 > limits.max_archive_depth {
            status = Status::partial(Reason::ArchiveNestingLevelOverLimit);
            break;
        }
        sink.enter_member(&name);
        let member = extract_nested(
            &mut contents,
            &name,
            content_type.as_deref(),
            Some(attachment.len() as u64),
            limits,
            budget,
            depth + 1,
            sink,
        );
        sink.leave_member();
        let member = member?;
        if member.status.code != sluice_finding::StatusCode::Complete && status.reason.is_none() {
            status = Status::partial(Reason::ArchiveContainsUnprocessedFiles);
        }
    }
    Ok(Extraction { status, mime_type: MIME, size_classified: size })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Segment;

    fn run(raw: &[u8]) -> (Extraction, Vec<String>) {
        let mut texts = Vec::new();
        let mut sink = |s: &Segment<'_>| texts.push(s.text[s.report.clone()].to_string());
        let ex = extract(raw, &Limits::default(), &Budget::default(), 0, &mut sink).unwrap();
        (ex, texts)
    }

    #[test]
    fn base64_bodies_and_attachments_are_decoded() {
        // "SSN: 536-22-8726" in base64, as a body and as a CSV attachment.
        let raw = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: records\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\r\nU1NOOiA1MzYtMjItODcyNg==\r\n--XX\r\nContent-Type: text/csv; name=\"people.csv\"\r\n\
Content-Disposition: attachment; filename=\"people.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\
bmFtZSxzc24KSmFuZSw1MzYtMjItODcyNgo=\r\n--XX--\r\n";
        let (ex, texts) = run(raw);
        assert_eq!(ex.status, Status::complete());
        let all = texts.join("\n");
        assert!(all.contains("SSN: 536-22-8726"), "{all}");
        assert!(texts.iter().any(|t| t == "536-22-8726"), "the attachment's cell: {texts:?}");
        assert!(all.contains("Subject: records"));
    }

    #[test]
    fn unsupported_attachments_make_the_message_partial() {
        let raw = b"From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n\
--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XX\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"x.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\r\n--XX--\r\n";
        let (ex, _) = run(raw);
        assert_eq!(ex.status, Status::partial(Reason::ArchiveContainsUnprocessedFiles));
    }
}
