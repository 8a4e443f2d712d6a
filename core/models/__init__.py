"""SQLModel tables. Importing this package registers every table on ``SQLModel.metadata``."""

from core.models.activity import AuditLogEntry, WidgetEvent
from core.models.base import OrgOwned
from core.models.conversation import (
    Call,
    CallOutcome,
    Channel,
    Contact,
    Conversation,
    ConversationEvent,
    ConversationNote,
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
from core.models.organization import (
    ApiKey,
    Invitation,
    Member,
    Organization,
    Role,
    SavedReply,
    SignInLink,
)
from core.models.privacy import (
    DataKey,
    DeletionReceipt,
    DeletionStatus,
    DeletionSubject,
    PrivacyRequest,
    PrivacyRequestKind,
    PrivacyRequestStatus,
)
from core.models.rate_limit import RateLimitBucket
from core.models.simulation import (
    CaseStatus,
    Simulation,
    SimulationResult,
    SimulationStatus,
)
from core.models.telephony import NumberSource, PhoneNumber, TelephonyAccount
from core.models.webhook import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "EMBEDDING_DIMENSIONS",
    "ApiKey",
    "AuditLogEntry",
    "Call",
    "CallOutcome",
    "CaseStatus",
    "Channel",
    "Contact",
    "Conversation",
    "ConversationEvent",
    "ConversationNote",
    "ConversationStatus",
    "DataKey",
    "DeletionReceipt",
    "DeletionStatus",
    "DeletionSubject",
    "DeliveryStatus",
    "DocumentStatus",
    "Invitation",
    "KnowledgeChunk",
    "KnowledgeDocument",
    "KnowledgeSource",
    "Member",
    "Message",
    "MessageRole",
    "MessageStatus",
    "NumberSource",
    "OrgOwned",
    "Organization",
    "PhoneNumber",
    "PrivacyRequest",
    "PrivacyRequestKind",
    "PrivacyRequestStatus",
    "RateLimitBucket",
    "Role",
    "SavedReply",
    "SignInLink",
    "Simulation",
    "SimulationResult",
    "SimulationStatus",
    "SourceKind",
    "TelephonyAccount",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookEvent",
    "WidgetEvent",
]
