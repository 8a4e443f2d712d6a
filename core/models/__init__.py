"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from core.models.activity import AuditLogEntry, WidgetEvent
from core.models.base import OrgOwned
from core.models.conversation import (
    Call,
    Channel,
    Contact,
    Conversation,
    ConversationEvent,
    ConversationStatus,
    Message,
    MessageRole,
    MessageStatus,
)
from core.models.knowledge import (
    EMBEDDING_DIMENSIONS,
    DocumentStatus,
    KnowledgeChunk,
    KnowledgeDocument,
    KnowledgeSource,
    SourceKind,
)
from core.models.organization import ApiKey, Member, Organization, Role, SignInLink

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "ApiKey",
    "AuditLogEntry",
    "Call",
    "Channel",
    "Contact",
    "Conversation",
    "ConversationEvent",
    "ConversationStatus",
    "DocumentStatus",
    "KnowledgeChunk",
    "KnowledgeDocument",
    "KnowledgeSource",
    "Member",
    "Message",
    "MessageRole",
    "MessageStatus",
    "OrgOwned",
    "Organization",
    "Role",
    "SignInLink",
    "SourceKind",
    "WidgetEvent",
]
