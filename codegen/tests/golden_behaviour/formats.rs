//! Wire formats in bodies (alone, in arrays, in maps), in the path, the query and headers.

use acs_test_support::{MockTransport, Reply};
use golden_formats_rest::models::Event;
use golden_formats_rest::EventHeaders;
use time::macros::{date, datetime};

use crate::client;

fn wire_event() -> serde_json::Value {
    serde_json::json!({
        "at": "2026-03-04T05:06:07.5Z",
        "day": "2026-03-04",
        "legacyAt": "Wed, 04 Mar 2026 05:06:07 GMT",
        "httpAt": "Wed, 04 Mar 2026 05:06:07 GMT",
        "epoch": 1772600767,
        "length": "PT1H30M",
        "payload": "aGVsbG8=",
        "urlPayload": "aGk_Pz8",
        "correlation": "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f",
        "count": 9007199254740993_i64,
        "small": -5,
        "ratio": 0.5,
        "precise": 2.25,
        "link": "https://example.com/x",
        "history": ["Wed, 04 Mar 2026 05:06:07 GMT"],
        "days": ["2026-03-04", "2026-03-05"],
        "epochs": [0, 1772600767],
        "chunks": ["AQID"],
        "deadlines": { "soon": "2026-03-04T05:06:07Z" },
        "durations": { "short": "PT5S" },
        "nested": [["2026-01-01"]]
    })
}

#[test]
fn every_format_reads_and_writes_back_the_same_json() {
    let event: Event = serde_json::from_value(wire_event()).unwrap();
    assert_eq!(event.at, datetime!(2026-03-04 05:06:07.5 UTC));
    assert_eq!(event.day, date!(2026 - 03 - 04));
    assert_eq!(event.legacy_at, Some(datetime!(2026-03-04 05:06:07 UTC)));
    assert_eq!(event.http_at, Some(datetime!(2026-03-04 05:06:07 UTC)));
    assert_eq!(event.epoch, Some(datetime!(2026-03-04 05:06:07 UTC)));
    assert_eq!(event.length, Some(time::Duration::minutes(90)));
    assert_eq!(event.payload.as_deref(), Some(&b"hello"[..]));
    assert_eq!(event.url_payload.as_deref(), Some(&b"hi???"[..]));
    assert_eq!(event.correlation.unwrap().to_string(), "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f");
    assert_eq!(event.count, Some(9007199254740993));
    assert_eq!(event.ratio, Some(0.5_f32));
    assert_eq!(event.days.as_ref().unwrap()[1], date!(2026 - 03 - 05));
    assert_eq!(event.epochs.as_ref().unwrap()[0], time::OffsetDateTime::UNIX_EPOCH);
    assert_eq!(event.chunks.as_ref().unwrap()[0], vec![1, 2, 3]);
    assert_eq!(event.durations.as_ref().unwrap()["short"], time::Duration::seconds(5));
    assert_eq!(event.nested.as_ref().unwrap()[0][0], date!(2026 - 01 - 01));
    assert_eq!(serde_json::to_value(&event).unwrap(), wire_event());
}

#[test]
fn a_value_in_the_wrong_format_names_the_field() {
    let mut wire = wire_event();
    wire["days"][1] = "05/03/2026".into();
    let error = serde_json::from_value::<Event>(wire).unwrap_err().to_string();
    assert!(error.contains("05/03/2026") || error.contains("date"), "{error}");
}

#[tokio::test]
async fn parameters_and_headers_use_their_formats() {
    let mock = MockTransport::new();
    mock.push(Reply::with_headers(
        200,
        &[
            ("date", "Wed, 04 Mar 2026 05:06:07 GMT"),
            ("last-modified", "Wed, 04 Mar 2026 05:06:08 GMT"),
            ("x-ms-sequence", "9007199254740993"),
            ("x-ms-request-id", "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f"),
            ("x-ms-ratio", "0.25"),
            ("x-ms-hash", "AQID"),
            ("x-ms-flag", "true"),
        ],
        serde_json::to_vec(&wire_event()).unwrap(),
    ));
    let client = client!(golden_formats_rest, mock);
    let event: Event = serde_json::from_value(wire_event()).unwrap();
    let options = golden_formats_rest::EventsRecordOptions {
        after: Some(datetime!(2026-03-04 05:06:07 UTC)),
        within: Some(time::Duration::seconds(90)),
        ids: Some(vec![uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2)]),
        if_unmodified_since: Some(datetime!(2026-03-04 05:06:07 UTC)),
        x_ms_token: Some(b"hello".to_vec()),
        ..Default::default()
    };
    let response =
        client.events().record(date!(2026 - 03 - 04), event.try_into().unwrap(), Some(options)).await.unwrap();
    assert_eq!(response.date().unwrap(), Some(datetime!(2026-03-04 05:06:07 UTC)));
    assert_eq!(response.last_modified().unwrap(), Some(datetime!(2026-03-04 05:06:08 UTC)));
    assert_eq!(response.sequence().unwrap(), Some(9007199254740993));
    assert_eq!(
        response.request_id().unwrap().map(|u| u.to_string()).as_deref(),
        Some("6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f")
    );
    assert_eq!(response.ratio().unwrap(), Some(0.25));
    assert_eq!(response.hash().unwrap(), Some(vec![1, 2, 3]));
    assert_eq!(response.flag().unwrap(), Some(true));

    let sent = mock.only();
    assert_eq!(sent.path(), "/events/2026-03-04");
    assert_eq!(sent.query("after").as_deref(), Some("1772600767"));
    assert_eq!(sent.query("within").as_deref(), Some("PT1M30S"));
    assert_eq!(
        sent.query("ids").as_deref(),
        Some("00000000-0000-0000-0000-000000000001,00000000-0000-0000-0000-000000000002")
    );
    assert_eq!(sent.header("if-unmodified-since"), Some("Wed, 04 Mar 2026 05:06:07 GMT"));
    assert_eq!(sent.header("x-ms-token"), Some("aGVsbG8="));
    assert_eq!(sent.json(), wire_event());
}
