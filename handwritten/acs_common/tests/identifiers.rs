//! Raw-id rules: a table for every prefix, and round-trip properties.

use acs_common::identifier::*;
use proptest::prelude::*;
use CommunicationCloudEnvironment::{Dod, Gcch, Public};

fn user(id: &str) -> CommunicationIdentifier {
    CommunicationUserIdentifier::new(id).into()
}
fn phone(value: &str) -> CommunicationIdentifier {
    PhoneNumberIdentifier::new(value).into()
}
fn asserted(value: &str, asserted_id: &str) -> CommunicationIdentifier {
    PhoneNumberIdentifier::with_asserted_id(value, asserted_id).into()
}
fn teams(id: &str, cloud: CommunicationCloudEnvironment) -> CommunicationIdentifier {
    MicrosoftTeamsUserIdentifier::new(id, cloud).into()
}
fn visitor(id: &str) -> CommunicationIdentifier {
    MicrosoftTeamsUserIdentifier::anonymous(id).into()
}
fn app(id: &str, cloud: CommunicationCloudEnvironment) -> CommunicationIdentifier {
    MicrosoftTeamsAppIdentifier::new(id, cloud).into()
}
fn extension(
    user: &str,
    tenant: &str,
    resource: &str,
    cloud: CommunicationCloudEnvironment,
) -> CommunicationIdentifier {
    TeamsExtensionUserIdentifier::new(user, tenant, resource, cloud).into()
}
fn unknown(id: &str) -> CommunicationIdentifier {
    UnknownIdentifier::new(id).into()
}

#[test]
fn raw_id_table() {
    let table: Vec<(&str, CommunicationIdentifier)> = vec![
        // Communication users.
        ("8:acs:resource_0000-user", user("8:acs:resource_0000-user")),
        ("8:acs:noUnderscore", user("8:acs:noUnderscore")),
        ("8:acs:a_b_c_d", user("8:acs:a_b_c_d")),
        ("8:acs:a:b_c", user("8:acs:a:b_c")),
        ("8:dod-acs:resource_user", user("8:dod-acs:resource_user")),
        ("8:gcch-acs:resource_user", user("8:gcch-acs:resource_user")),
        ("8:spool:resource_user", user("8:spool:resource_user")),
        ("8:spool:a_b_c", user("8:spool:a_b_c")),
        ("8:spool:a:b", user("8:spool:a:b")),
        // Teams extension users: exactly three `_`-separated parts.
        ("8:acs:res_ten_usr", extension("usr", "ten", "res", Public)),
        ("8:dod-acs:res_ten_usr", extension("usr", "ten", "res", Dod)),
        ("8:gcch-acs:res_ten_usr", extension("usr", "ten", "res", Gcch)),
        ("8:acs:r:1_t:2_u:3", extension("u:3", "t:2", "r:1", Public)),
        ("8:acs:__", extension("", "", "", Public)),
        // Phone numbers.
        ("4:+14255550123", phone("+14255550123")),
        ("4:14255550123", phone("14255550123")),
        ("4:anonymous", PhoneNumberIdentifier::anonymous().into()),
        (
            "4:+14255550123_207ffef6-9444-41fb-92ab-20eacaae2768",
            asserted("+14255550123", "207ffef6-9444-41fb-92ab-20eacaae2768"),
        ),
        ("4:+1_a_b", asserted("+1_a", "b")),
        ("4:anonymous_x", asserted("anonymous", "x")),
        ("4:+1_", phone("+1_")),
        ("4:+1:2", phone("+1:2")),
        ("4:", phone("")),
        // Microsoft Teams users.
        ("8:orgid:45ab2481-1c1c-4005-be24-0ffb879b1130", teams("45ab2481-1c1c-4005-be24-0ffb879b1130", Public)),
        ("8:orgid:legacyFormat", teams("legacyFormat", Public)),
        ("8:orgid:a:b:c", teams("a:b:c", Public)),
        ("8:orgid:a_b", teams("a_b", Public)),
        ("8:orgid:", teams("", Public)),
        ("8:dod:user", teams("user", Dod)),
        ("8:gcch:user", teams("user", Gcch)),
        ("8:teamsvisitor:visitor", visitor("visitor")),
        ("8:teamsvisitor:a:b_c", visitor("a:b_c")),
        // Microsoft Teams apps.
        ("28:orgid:app", app("app", Public)),
        ("28:dod:app", app("app", Dod)),
        ("28:gcch:app", app("app", Gcch)),
        ("28:orgid:a_b:c", app("a_b:c", Public)),
        // Unknown.
        ("28:ag08-global:01234567", unknown("28:ag08-global:01234567")),
        ("28:gcch-global:01234567", unknown("28:gcch-global:01234567")),
        ("28:45ab2481-1c1c-4005-be24-0ffb879b1130", unknown("28:45ab2481-1c1c-4005-be24-0ffb879b1130")),
        ("8:orgid", unknown("8:orgid")),
        ("8:gcch-acs", unknown("8:gcch-acs")),
        ("8:ACS:resource_user", unknown("8:ACS:resource_user")),
        ("48:abc:def", unknown("48:abc:def")),
        ("4", unknown("4")),
        ("", unknown("")),
        ("plain text", unknown("plain text")),
    ];
    for (raw, expected) in table {
        let parsed = CommunicationIdentifier::from_raw_id(raw);
        assert_eq!(parsed, expected, "parsing {raw:?}");
        assert_eq!(expected.raw_id(), raw, "raw id of {expected:?}");
        assert_eq!(expected.to_string(), raw);
        assert_eq!(raw.parse::<CommunicationIdentifier>().unwrap(), expected);
    }
}

#[test]
fn parsed_parts() {
    let CommunicationIdentifier::PhoneNumber(p) = CommunicationIdentifier::from_raw_id("4:+14255550123_abc") else {
        panic!("phone number expected")
    };
    assert_eq!((p.value(), p.asserted_id(), p.is_anonymous()), ("+14255550123", Some("abc"), false));

    let CommunicationIdentifier::PhoneNumber(p) = CommunicationIdentifier::from_raw_id("4:anonymous") else {
        panic!("phone number expected")
    };
    assert!(p.is_anonymous());
    assert_eq!(p.asserted_id(), None);

    let CommunicationIdentifier::MicrosoftTeamsUser(t) = CommunicationIdentifier::from_raw_id("8:teamsvisitor:v")
    else {
        panic!("Teams user expected")
    };
    assert!(t.is_anonymous());
    assert_eq!((t.user_id(), t.cloud()), ("v", Public));

    let CommunicationIdentifier::TeamsExtensionUser(e) = CommunicationIdentifier::from_raw_id("8:gcch-acs:res_ten_usr")
    else {
        panic!("Teams extension user expected")
    };
    assert_eq!((e.resource_id(), e.tenant_id(), e.user_id(), e.cloud()), ("res", "ten", "usr", Gcch));
}

#[test]
fn kinds() {
    let kinds: Vec<&str> = ["8:acs:r_u", "4:+1", "8:orgid:u", "28:orgid:a", "8:acs:r_t_u", "x"]
        .into_iter()
        .map(|raw| CommunicationIdentifier::from_raw_id(raw).kind())
        .collect();
    assert_eq!(
        kinds,
        [
            "communicationUser",
            "phoneNumber",
            "microsoftTeamsUser",
            "microsoftTeamsApp",
            "teamsExtensionUser",
            "unknown"
        ]
    );
}

fn cloud() -> impl Strategy<Value = CommunicationCloudEnvironment> {
    prop_oneof![Just(Public), Just(Dod), Just(Gcch)]
}

/// Any identifier whose parts respect the raw-id rules.
fn identifier() -> impl Strategy<Value = CommunicationIdentifier> {
    let communication_user = (
        prop_oneof![Just("8:acs:"), Just("8:dod-acs:"), Just("8:gcch-acs:"), Just("8:spool:")],
        "[A-Za-z0-9:_-]{0,40}",
    )
        .prop_filter("three parts make a Teams extension user", |(prefix, suffix)| {
            *prefix == "8:spool:" || suffix.split('_').count() != 3
        })
        .prop_map(|(prefix, suffix)| user(&format!("{prefix}{suffix}")));
    let phone_number = prop_oneof![
        "\\+?[0-9]{0,15}".prop_map(|v| phone(&v)),
        ("\\+?[0-9_]{0,15}", "[A-Za-z0-9:-]{1,36}").prop_map(|(v, a)| asserted(&v, &a)),
        Just(PhoneNumberIdentifier::anonymous().into()),
    ];
    let teams_user = prop_oneof![
        ("\\PC{0,40}", cloud()).prop_map(|(id, cloud)| teams(&id, cloud)),
        "\\PC{0,40}".prop_map(|id| visitor(&id)),
    ];
    let teams_app = ("\\PC{0,40}", cloud()).prop_map(|(id, cloud)| app(&id, cloud));
    let teams_extension =
        ("[^_]{0,20}", "[^_]{0,20}", "[^_]{0,20}", cloud()).prop_map(|(u, t, r, cloud)| extension(&u, &t, &r, cloud));
    let unknown_id = "\\PC{0,40}"
        .prop_filter("must not match a known kind", |raw| {
            matches!(CommunicationIdentifier::from_raw_id(raw), CommunicationIdentifier::UnknownKind(_))
        })
        .prop_map(|raw| unknown(&raw));
    prop_oneof![communication_user, phone_number, teams_user, teams_app, teams_extension, unknown_id]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn round_trip_is_exact(id in identifier()) {
        prop_assert_eq!(CommunicationIdentifier::from_raw_id(id.raw_id()), id);
    }

    #[test]
    fn wire_model_round_trip_is_exact(id in identifier()) {
        let model = acs_common_models::CommunicationIdentifierModel::from(&id);
        let json = serde_json::to_string(&model).unwrap();
        let parsed: acs_common_models::CommunicationIdentifierModel = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&parsed, &model);
        prop_assert_eq!(CommunicationIdentifier::try_from(parsed).unwrap(), id);
    }

    #[test]
    fn any_text_parses_and_keeps_its_raw_id(raw in "\\PC{0,60}|[0-9]{1,2}:[a-z-]{0,10}:[\\PC]{0,20}") {
        let parsed = CommunicationIdentifier::from_raw_id(&raw);
        prop_assert_eq!(parsed.raw_id(), raw.as_str());
        prop_assert_eq!(CommunicationIdentifier::from_raw_id(parsed.raw_id()), parsed);
    }
}
