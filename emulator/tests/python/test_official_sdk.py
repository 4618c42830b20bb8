"""Scenarios run through the official SDKs azure-communication-identity 1.5.0 and
azure-communication-chat 1.3.0 against the emulator. Where they disagree, the emulator is wrong."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.communication.chat import (
    ChatClient,
    ChatMessageType,
    ChatParticipant,
    CommunicationTokenCredential,
    CommunicationUserIdentifier,
)
from azure.communication.identity import CommunicationIdentityClient, CommunicationTokenScope


def test_identity_with_connection_string_and_hmac(identity_client, endpoint):
    user = identity_client.create_user()
    assert user.properties["id"].startswith("8:acs:")
    assert user.raw_id == user.properties["id"]

    user2, token = identity_client.create_user_and_token(
        [CommunicationTokenScope.CHAT, CommunicationTokenScope.VOIP], token_expires_in=timedelta(hours=2)
    )
    assert user2.properties["id"] != user.properties["id"]
    expires_on = datetime.fromisoformat(str(token.expires_on).replace("Z", "+00:00"))
    remaining = expires_on - datetime.now(timezone.utc)
    assert timedelta(minutes=119) < remaining <= timedelta(hours=2)

    token2 = identity_client.get_token(user, [CommunicationTokenScope.CHAT], token_expires_in=timedelta(hours=1))
    assert token2.token.count(".") == 2
    # The chat credential reads the token's expiry the way the SDK does (standard base64).
    credential = CommunicationTokenCredential(token2.token)
    assert abs(credential.get_token().expires_on - int(expires_on.timestamp() - 3600)) < 120

    identity_client.revoke_tokens(user)
    identity_client.delete_user(user)
    with pytest.raises(HttpResponseError) as error:
        identity_client.get_token(user, [CommunicationTokenScope.CHAT])
    assert error.value.status_code == 404

    # Out-of-range lifetimes are rejected by the service rules.
    with pytest.raises(HttpResponseError) as error:
        identity_client.get_token(user2, [CommunicationTokenScope.CHAT], token_expires_in=timedelta(minutes=59))
    assert error.value.status_code == 400


def test_wrong_access_key_is_401(endpoint):
    client = CommunicationIdentityClient.from_connection_string(f"endpoint={endpoint};accesskey=d3Jvbmcta2V5LW5vdC10aGUtcmlnaHQtb25l")
    with pytest.raises(HttpResponseError) as error:
        client.create_user()
    assert error.value.status_code == 401


def test_chat_client_threads_idempotency_and_paging(person):
    alice, bob = person("Alice"), person("Bob")
    token = str(uuid.uuid4())
    first = alice.chat.create_chat_thread("Lunch", thread_participants=[alice.participant(), bob.participant()], idempotency_token=token)
    again = alice.chat.create_chat_thread("Lunch", thread_participants=[alice.participant(), bob.participant()], idempotency_token=token)
    assert first.chat_thread.id == again.chat_thread.id
    assert first.chat_thread.created_on == again.chat_thread.created_on
    assert first.errors == []
    assert first.chat_thread.topic == "Lunch"
    assert first.chat_thread.created_by.raw_id == alice.user.raw_id

    for i in range(4):
        alice.chat.create_chat_thread(f"topic {i}", thread_participants=[alice.participant()])
    threads = list(alice.chat.list_chat_threads())
    assert len(threads) == 5  # the repeated create made one thread
    pages = [list(page) for page in alice.chat.list_chat_threads(results_per_page=2).by_page()]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert {t.id for p in pages for t in p} == {t.id for t in threads}
    recent = list(alice.chat.list_chat_threads(start_time=datetime.now(timezone.utc) - timedelta(minutes=5)))
    assert len(recent) == 5
    assert [t.id for t in bob.chat.list_chat_threads()] == [first.chat_thread.id]

    thread = alice.chat.get_chat_thread_client(first.chat_thread.id)
    assert thread.thread_id == first.chat_thread.id
    alice.chat.delete_chat_thread(first.chat_thread.id)
    with pytest.raises(ResourceNotFoundError):
        thread.get_properties()


def test_chat_thread_client_every_method(person):
    alice, bob, carol = person("Alice"), person("Bob"), person("Carol")
    created = alice.chat.create_chat_thread("Plans", thread_participants=[alice.participant(), bob.participant()])
    thread = alice.chat.get_chat_thread_client(created.chat_thread.id)
    bob_thread = bob.chat.get_chat_thread_client(created.chat_thread.id)

    props = thread.get_properties()
    assert props.topic == "Plans" and props.id == created.chat_thread.id
    thread.update_topic("New plans")
    assert bob_thread.get_properties().topic == "New plans"

    sent = thread.send_message("hello", sender_display_name="Alice", metadata={"tag": "greeting"})
    html = bob_thread.send_message("<b>hi</b>", chat_message_type=ChatMessageType.HTML)
    message = bob_thread.get_message(sent.id)
    assert message.content.message == "hello"
    assert message.sender_display_name == "Alice"
    assert message.metadata == {"tag": "greeting"}
    assert message.sender.raw_id == alice.user.raw_id
    assert message.type == ChatMessageType.TEXT
    assert thread.get_message(html.id).type == ChatMessageType.HTML

    thread.update_message(sent.id, content="hello, edited", metadata={"tag": "edited"})
    edited = bob_thread.get_message(sent.id)
    assert edited.content.message == "hello, edited" and edited.edited_on is not None
    assert int(edited.version) > int(message.version)
    with pytest.raises(HttpResponseError) as error:
        bob_thread.update_message(sent.id, content="not mine")
    assert error.value.status_code == 403

    for i in range(5):
        thread.send_message(f"m{i}")
    messages = list(thread.list_messages())
    sequence_ids = [int(m.sequence_id) for m in messages]
    assert sequence_ids == sorted(sequence_ids, reverse=True)
    assert messages[0].content.message == "m4"
    types = {m.type for m in messages}
    assert ChatMessageType.TOPIC_UPDATED in types and ChatMessageType.PARTICIPANT_ADDED in types
    pages = [list(p) for p in thread.list_messages(results_per_page=3).by_page()]
    assert sum(len(p) for p in pages) == len(messages) and len(pages) == -(-len(messages) // 3)
    assert [m.id for p in pages for m in p] == [m.id for m in messages]
    one = [list(p) for p in thread.list_messages(results_per_page=1).by_page()]
    assert all(len(p) == 1 for p in one) and len(one) == len(messages)
    later = list(thread.list_messages(start_time=datetime.now(timezone.utc) + timedelta(hours=1)))
    assert later == []

    bob_thread.delete_message(html.id)
    assert thread.get_message(html.id).deleted_on is not None

    bob_thread.send_read_receipt(sent.id)
    thread.send_read_receipt(sent.id)
    receipts = list(thread.list_read_receipts())
    assert {r.sender.raw_id for r in receipts} == {alice.user.raw_id, bob.user.raw_id}
    assert all(r.chat_message_id == sent.id for r in receipts)
    assert [len(list(p)) for p in thread.list_read_receipts(results_per_page=1).by_page()] == [1, 1]
    assert len(list(thread.list_read_receipts(skip=1))) == 1

    thread.send_typing_notification()
    bob_thread.send_typing_notification(sender_display_name="Bob")

    foreign = CommunicationUserIdentifier("8:acs:00000000-0000-0000-0000-000000000000_" + str(uuid.uuid4()))
    errors = thread.add_participants([carol.participant(share_history_time=datetime.now(timezone.utc)), ChatParticipant(identifier=foreign)])
    assert len(errors) == 1
    failed_participant, error = errors[0]
    assert failed_participant.identifier.raw_id == foreign.raw_id
    assert error.target == foreign.raw_id
    assert thread.add_participants([]) == []

    participants = list(thread.list_participants())
    assert {p.identifier.raw_id for p in participants} == {alice.user.raw_id, bob.user.raw_id, carol.user.raw_id}
    assert {p.display_name for p in participants} == {"Alice", "Bob", "Carol"}
    pages = [list(p) for p in thread.list_participants(results_per_page=1).by_page()]
    assert [len(p) for p in pages] == [1, 1, 1]
    assert len(list(thread.list_participants(skip=2))) == 1

    # Carol joined with shareHistoryTime = now: she sees only what comes after.
    carol_thread = carol.chat.get_chat_thread_client(created.chat_thread.id)
    carol_ids = {m.id for m in carol_thread.list_messages()}
    assert sent.id not in carol_ids
    after = thread.send_message("welcome Carol")
    assert after.id in {m.id for m in carol_thread.list_messages()}

    thread.remove_participant(bob.user)
    with pytest.raises(HttpResponseError) as error:
        bob_thread.list_messages().next()
    assert error.value.status_code == 403
    kinds = [m.type for m in thread.list_messages(results_per_page=1).by_page().next()]
    assert kinds == [ChatMessageType.PARTICIPANT_REMOVED]


def test_non_participant_gets_403(person):
    alice, eve = person("Alice"), person("Eve")
    created = alice.chat.create_chat_thread("secret", thread_participants=[alice.participant()])
    intruder = eve.chat.get_chat_thread_client(created.chat_thread.id)
    for call in (
        intruder.get_properties,
        lambda: intruder.send_message("let me in"),
        lambda: list(intruder.list_messages()),
        lambda: list(intruder.list_participants()),
    ):
        with pytest.raises(HttpResponseError) as error:
            call()
        assert error.value.status_code == 403
        assert error.value.error.code == "Forbidden"


def test_revoked_token_gets_401(identity_client, person, endpoint):
    alice = person("Alice")
    alice.chat.create_chat_thread("before revocation", thread_participants=[alice.participant()])
    identity_client.revoke_tokens(alice.user)
    with pytest.raises(ClientAuthenticationError) as error:
        list(alice.chat.list_chat_threads())
    assert error.value.status_code == 401
    fresh = identity_client.get_token(alice.user, [CommunicationTokenScope.CHAT])
    client = ChatClient(endpoint, CommunicationTokenCredential(fresh.token))
    assert len(list(client.list_chat_threads())) == 1


def test_unknown_api_version_is_400(person, endpoint):
    alice = person("Alice")
    client = ChatClient(endpoint, CommunicationTokenCredential(alice.token), api_version="2019-01-01")
    with pytest.raises(HttpResponseError) as error:
        list(client.list_chat_threads())
    assert error.value.status_code == 400
