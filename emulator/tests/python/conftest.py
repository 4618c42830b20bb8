"""Fixtures for driving the emulator through the official Azure SDKs.

The emulator must already run (normally started by ``emulator/tests/official_python_sdk.rs``):
``ACS_EMULATOR_ENDPOINT`` and ``ACS_EMULATOR_CONNECTION_STRING`` name it, and with HTTPS
``REQUESTS_CA_BUNDLE`` points at its CA certificate.
"""

import os

import pytest
from azure.communication.chat import ChatClient, ChatParticipant, CommunicationTokenCredential
from azure.communication.identity import CommunicationIdentityClient


def _env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: start the emulator (cargo run -p acs_emulator -- --tls) and export its output")
    return value


@pytest.fixture(scope="session")
def endpoint():
    return _env("ACS_EMULATOR_ENDPOINT")


@pytest.fixture(scope="session")
def connection_string():
    return _env("ACS_EMULATOR_CONNECTION_STRING")


@pytest.fixture(scope="session")
def identity_client(connection_string):
    return CommunicationIdentityClient.from_connection_string(connection_string)


class Person:
    """A user, its token and a ChatClient acting as it."""

    def __init__(self, identity_client, endpoint, name):
        self.user, token = identity_client.create_user_and_token(["chat"])
        self.token = token.token
        self.name = name
        self.chat = ChatClient(endpoint, CommunicationTokenCredential(self.token))

    def participant(self, **kwargs):
        return ChatParticipant(identifier=self.user, display_name=self.name, **kwargs)


@pytest.fixture
def person(identity_client, endpoint):
    def make(name):
        return Person(identity_client, endpoint, name)

    return make
