//! Files: an upload's bytes and name as sent, a note that attaches uploads, a refusal read as
//! one, and a ticket's file read back with the key.

use domain::{TicketFile, TicketId};
use ports::{NewFile, TicketFiles, TrackerError, Uploaded};
use testkit::requests::received;
use wiremock::matchers::{body_bytes, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::redmine;

/// Bytes no text encoding would keep as they are.
const BYTES: &[u8] = &[0x89, b'P', b'N', b'G', 0, 0xff, 0xfe, b'\r', b'\n'];

fn png() -> NewFile {
    NewFile {
        name: "mast photo.png".into(),
        content_type: Some("image/png".into()),
        bytes: BYTES.to_vec(),
    }
}

#[tokio::test]
async fn an_upload_sends_the_bytes_as_they_are_with_name_and_type_and_returns_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/uploads.json"))
        .and(query_param("filename", "mast photo.png"))
        .and(query_param("content_type", "image/png"))
        .and(header("content-type", "application/octet-stream"))
        .and(body_bytes(BYTES))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(serde_json::json!({"upload": {"id": 7, "token": "7.ed32257"}})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let uploaded = redmine(&server).upload(png()).await.unwrap();

    assert_eq!(
        uploaded,
        Uploaded {
            token: "7.ed32257".into(),
            name: "mast photo.png".into(),
            content_type: Some("image/png".into()),
        }
    );
}

#[tokio::test]
async fn a_file_over_redmines_limit_is_a_refusal_with_or_without_its_reasons() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/uploads.json"))
        .respond_with(ResponseTemplate::new(422).set_body_json(serde_json::json!({
            "errors": ["This file cannot be uploaded because it exceeds the maximum allowed file size (5242880)"]
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/uploads.json"))
        .respond_with(ResponseTemplate::new(413))
        .mount(&server)
        .await;

    let said = redmine(&server).upload(png()).await.unwrap_err();
    let TrackerError::Rejected { errors, .. } = said else {
        panic!("{said:?}")
    };
    assert!(
        errors[0].contains("maximum allowed file size"),
        "{errors:?}"
    );
    let proxy = redmine(&server).upload(png()).await.unwrap_err();
    assert!(
        matches!(&proxy, TrackerError::Rejected { errors, .. } if errors.is_empty()),
        "{proxy:?}"
    );
}

#[tokio::test]
async fn a_note_with_files_attaches_the_uploads_in_the_same_request() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/issues/42.json"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let files = [
        Uploaded {
            token: "7.ed32257".into(),
            name: "mast.png".into(),
            content_type: Some("image/png".into()),
        },
        Uploaded {
            token: "8.aa".into(),
            name: "notes".into(),
            content_type: None,
        },
    ];

    redmine(&server)
        .add_note_with_files(TicketId::new(42).unwrap(), "Photo.", &files)
        .await
        .unwrap();

    insta::assert_debug_snapshot!(received(&server).await, @r#"
    [
        "PUT /issues/42.json {\"issue\":{\"notes\":\"Photo.\",\"uploads\":[{\"content_type\":\"image/png\",\"filename\":\"mast.png\",\"token\":\"7.ed32257\"},{\"filename\":\"notes\",\"token\":\"8.aa\"}]}}",
    ]
    "#);
}

#[tokio::test]
async fn a_tickets_file_is_read_with_the_key_and_one_gone_is_a_refusal() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/attachments/download/31/mast%20photo.png"))
        .and(header("x-redmine-api-key", "test-key-0123456789"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(BYTES, "image/png"))
        .mount(&server)
        .await;
    let file = |id: u64| TicketFile {
        id,
        name: "mast photo.png".into(),
        size: BYTES.len() as u64,
        content_type: Some("image/png".into()),
    };

    let bytes = redmine(&server).download(&file(31), 1024).await.unwrap();
    assert_eq!(bytes, BYTES);
    let too_large = redmine(&server).download(&file(31), 4).await.unwrap_err();
    assert!(
        matches!(too_large, TrackerError::Rejected { .. }),
        "{too_large:?}"
    );
    let gone = redmine(&server)
        .download(&file(32), 1024)
        .await
        .unwrap_err();
    assert!(matches!(gone, TrackerError::Rejected { .. }), "{gone:?}");
}
