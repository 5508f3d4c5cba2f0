"""API clients: a name, a role (:mod:`articulation.storage.roles`), an institution and the hash
of their bearer token."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Engine
from sqlmodel import Session, select

from articulation.storage.roles import ROLES, unknown_role
from articulation.storage.tables import ApiClient, now


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ClientExists(ValueError):
    pass


def add_client(engine: Engine, name: str, role: str, institution: str) -> str:
    """Register an API client; returns its bearer token (only its hash is stored)."""
    if role not in ROLES:
        raise ValueError(unknown_role(role))
    token = "art_" + secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        if session.exec(select(ApiClient).where(ApiClient.name == name)).first():
            raise ClientExists(f"a client named {name!r} already exists")
        session.add(
            ApiClient(
                name=name,
                role=role,
                institution=institution,
                token_hash=hash_token(token),
                created_at=now(),
            )
        )
    return token


def client_for_token(session: Session, token: str) -> ApiClient | None:
    return session.exec(select(ApiClient).where(ApiClient.token_hash == hash_token(token))).first()
