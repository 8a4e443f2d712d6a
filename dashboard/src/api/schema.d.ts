// Generated from the API's OpenAPI document by `npm run api:types`. Do not edit:
// change the API, then regenerate. `make dashboard-check` fails when this is stale.

export interface paths {
    "/api/auth/csrf": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Csrf Token
         * @description The token a page signed in by cookie sends in ``X-CSRF-Token`` with every POST, PUT,
         *     PATCH and DELETE, together with its own Origin. It stays the same for the whole session.
         *     Requests with a Bearer token or an API key need none.
         */
        get: operations["csrf_token_api_auth_csrf_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/deletion-receipts/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Receipt
         * @description No sign-in: by the time the receipt is complete, the requester's sign-in is gone.
         */
        get: operations["get_receipt_api_deletion_receipts__token__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/exports/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download Export
         * @description No sign-in: the link is the credential. 404 for an unknown (or replaced) link, 410
         *     once the export has expired. Every download is in the organization's audit log.
         */
        get: operations["download_export_api_exports__token__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Me */
        get: operations["me_api_me_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Organization */
        get: operations["get_organization_api_orgs__org_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Update Organization */
        patch: operations["update_organization_api_orgs__org_id__patch"];
        trace?: never;
    };
    "/api/orgs/{org_id}/analytics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read Analytics
         * @description The organization's figures for conversations started from ``from`` to ``to`` (at most
         *     366 days; the last 30 days when both are omitted). Owners, admins and operators.
         */
        get: operations["read_analytics_api_orgs__org_id__analytics_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Api Keys */
        get: operations["list_api_keys_api_orgs__org_id__api_keys_get"];
        put?: never;
        /** Create Key */
        post: operations["create_key_api_orgs__org_id__api_keys_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/api-keys/{key_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke Key */
        delete: operations["revoke_key_api_orgs__org_id__api_keys__key_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/audit-log": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit Log
         * @description Who did what to whose data, newest first: transcript reads, corrections, exports,
         *     erasures, deletions and legal holds.
         */
        get: operations["audit_log_api_orgs__org_id__audit_log_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Calls */
        get: operations["list_calls_api_orgs__org_id__calls_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/calls/{call_id}/end": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End Call
         * @description The media loop holding the call ends it; a phone call is also completed by Twilio.
         */
        post: operations["end_call_api_orgs__org_id__calls__call_id__end_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/calls/{call_id}/recording": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Call Recording */
        get: operations["call_recording_api_orgs__org_id__calls__call_id__recording_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/contacts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Contacts */
        get: operations["list_contacts_api_orgs__org_id__contacts_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/contacts/{contact_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read Contact */
        get: operations["read_contact_api_orgs__org_id__contacts__contact_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Correct Contact
         * @description Correct a contact's name or email (members of every role, and API keys). The audit
         *     log records the names of the changed fields, never the values.
         */
        patch: operations["correct_contact_api_orgs__org_id__contacts__contact_id__patch"];
        trace?: never;
    };
    "/api/orgs/{org_id}/contacts/{contact_id}/report-minor": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report Minor
         * @description The contact is a child under 13: erase their data at once, with no grace period.
         *     Immediate and irreversible, so privacy staff only (an operator asks one of them).
         */
        post: operations["report_minor_api_orgs__org_id__contacts__contact_id__report_minor_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Conversations
         * @description The inbox: the organization's conversations, last active first, keyset-paged.
         */
        get: operations["list_conversations_api_orgs__org_id__conversations_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations/{conversation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Read Conversation
         * @description One conversation with its transcript. Every read is written to the audit log.
         */
        get: operations["read_conversation_api_orgs__org_id__conversations__conversation_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations/{conversation_id}/assign": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Assign */
        post: operations["assign_api_orgs__org_id__conversations__conversation_id__assign_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations/{conversation_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Conversation Events */
        get: operations["conversation_events_api_orgs__org_id__conversations__conversation_id__events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations/{conversation_id}/join": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Join */
        post: operations["join_api_orgs__org_id__conversations__conversation_id__join_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations/{conversation_id}/leave": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Leave */
        post: operations["leave_api_orgs__org_id__conversations__conversation_id__leave_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations/{conversation_id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Notes */
        get: operations["list_notes_api_orgs__org_id__conversations__conversation_id__notes_get"];
        put?: never;
        /** Add Note */
        post: operations["add_note_api_orgs__org_id__conversations__conversation_id__notes_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations/{conversation_id}/notes/{note_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete Note */
        delete: operations["delete_note_api_orgs__org_id__conversations__conversation_id__notes__note_id__delete"];
        options?: never;
        head?: never;
        /** Edit Note */
        patch: operations["edit_note_api_orgs__org_id__conversations__conversation_id__notes__note_id__patch"];
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations/{conversation_id}/reopen": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reopen */
        post: operations["reopen_api_orgs__org_id__conversations__conversation_id__reopen_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations/{conversation_id}/reply": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reply */
        post: operations["reply_api_orgs__org_id__conversations__conversation_id__reply_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/conversations/{conversation_id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resolve */
        post: operations["resolve_api_orgs__org_id__conversations__conversation_id__resolve_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/deletion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Deletion */
        get: operations["get_deletion_api_orgs__org_id__deletion_get"];
        put?: never;
        /**
         * Request Deletion
         * @description Delete the organization after its grace period. Asked again, the same deletion.
         */
        post: operations["request_deletion_api_orgs__org_id__deletion_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/deletion/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel Deletion
         * @description Cancel during the grace period. The deletion decides: 200 once it is cancelled, 409
         *     once purging has begun (and then it never gets cancelled later), 503 if it could not be
         *     reached just now.
         */
        post: operations["cancel_deletion_api_orgs__org_id__deletion_cancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/deletion/hold": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Hold Deletion
         * @description A legal hold: nothing is purged while it lasts, even past the grace period.
         */
        post: operations["hold_deletion_api_orgs__org_id__deletion_hold_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/deletion/release": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Release Deletion */
        post: operations["release_deletion_api_orgs__org_id__deletion_release_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Exports */
        get: operations["list_exports_api_orgs__org_id__exports_get"];
        put?: never;
        /** Create Export */
        post: operations["create_export_api_orgs__org_id__exports_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/exports/{request_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get Export
         * @description The export's state; once it is ready, a fresh download link (earlier ones stop
         *     working). Committed before the answer, so the link works the moment it is shown.
         */
        get: operations["get_export_api_orgs__org_id__exports__request_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/inbox/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Inbox Events
         * @description Every conversation event of the organization, live: the inbox's feed.
         */
        get: operations["inbox_events_api_orgs__org_id__inbox_events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/invitations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Invitations */
        get: operations["list_invitations_api_orgs__org_id__invitations_get"];
        put?: never;
        /**
         * Create Invitation
         * @description Invite someone by email with a role the caller may grant.
         */
        post: operations["create_invitation_api_orgs__org_id__invitations_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/invitations/{invitation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke Invitation
         * @description Withdraw a pending invitation (in Clerk mode, Clerk's invitation too).
         */
        delete: operations["revoke_invitation_api_orgs__org_id__invitations__invitation_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/knowledge/documents": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Documents */
        get: operations["list_documents_api_orgs__org_id__knowledge_documents_get"];
        put?: never;
        /** Upload Document */
        post: operations["upload_document_api_orgs__org_id__knowledge_documents_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/knowledge/documents/{document_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Document */
        get: operations["get_document_api_orgs__org_id__knowledge_documents__document_id__get"];
        put?: never;
        post?: never;
        /** Delete Document */
        delete: operations["delete_document_api_orgs__org_id__knowledge_documents__document_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/knowledge/documents/{document_id}/reingest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reingest Document */
        post: operations["reingest_document_api_orgs__org_id__knowledge_documents__document_id__reingest_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/knowledge/imports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Import From Web */
        post: operations["import_from_web_api_orgs__org_id__knowledge_imports_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/knowledge/reembed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reembed Knowledge
         * @description After a change of embedding model: re-embed what the old model embedded.
         */
        post: operations["reembed_knowledge_api_orgs__org_id__knowledge_reembed_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/knowledge/search": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Search */
        post: operations["search_api_orgs__org_id__knowledge_search_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/knowledge/sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Sources */
        get: operations["list_sources_api_orgs__org_id__knowledge_sources_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/knowledge/sources/{source_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete Source */
        delete: operations["delete_source_api_orgs__org_id__knowledge_sources__source_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/knowledge/sources/{source_id}/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sync Source Now
         * @description Re-read the website or sitemap now, without waiting for its schedule.
         */
        post: operations["sync_source_now_api_orgs__org_id__knowledge_sources__source_id__sync_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/knowledge/try": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Try Question
         * @description What the assistant would answer to ``question``: the passages retrieved, the answer with
         *     its citations and the decision (answer, clarify or hand off) and why. The conversation
         *     turn's own answer path, but nothing is stored: no conversation, no message.
         */
        post: operations["try_question_api_orgs__org_id__knowledge_try_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/members": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Members */
        get: operations["list_members_api_orgs__org_id__members_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/members/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete Own Account
         * @description Delete your own member account: your member row, sign-in links and identity-provider
         *     user. What you wrote stays the organization's.
         */
        delete: operations["delete_own_account_api_orgs__org_id__members_me_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/members/{member_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove Member
         * @description Remove a member from the organization (never the last owner). What they wrote stays.
         */
        delete: operations["remove_member_api_orgs__org_id__members__member_id__delete"];
        options?: never;
        head?: never;
        /**
         * Change Member Role
         * @description Give a member another role (one the caller may grant); the last owner stays owner.
         */
        patch: operations["change_member_role_api_orgs__org_id__members__member_id__patch"];
        trace?: never;
    };
    "/api/orgs/{org_id}/phone-numbers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Phone Numbers */
        get: operations["list_phone_numbers_api_orgs__org_id__phone_numbers_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/phone-numbers/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import Phone Numbers
         * @description Stores the connected account's numbers and routes their calls to this installation.
         */
        post: operations["import_phone_numbers_api_orgs__org_id__phone_numbers_import_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/phone-numbers/{number_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete Phone Number */
        delete: operations["delete_phone_number_api_orgs__org_id__phone_numbers__number_id__delete"];
        options?: never;
        head?: never;
        /** Change Phone Number */
        patch: operations["change_phone_number_api_orgs__org_id__phone_numbers__number_id__patch"];
        trace?: never;
    };
    "/api/orgs/{org_id}/privacy/erasures": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Request Erasure
         * @description Erase a contact's data after the organization's grace period (cancellable until
         *     then). An email is resolved to this organization's contacts here: the workflow only ever
         *     sees ids. Asking again while an erasure of the contact is pending returns that one.
         */
        post: operations["request_erasure_api_orgs__org_id__privacy_erasures_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/privacy/requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Requests
         * @description Exports and erasures of every kind, newest first.
         */
        get: operations["list_requests_api_orgs__org_id__privacy_requests_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/privacy/requests/{request_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read Request */
        get: operations["read_request_api_orgs__org_id__privacy_requests__request_id__get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/privacy/requests/{request_id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel Request
         * @description Cancel a contact erasure in its grace period; 409 once it has started.
         */
        post: operations["cancel_request_api_orgs__org_id__privacy_requests__request_id__cancel_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/privacy/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Privacy Settings */
        get: operations["get_privacy_settings_api_orgs__org_id__privacy_settings_get"];
        /** Update Privacy Settings */
        put: operations["update_privacy_settings_api_orgs__org_id__privacy_settings_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/saved-replies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Saved Replies */
        get: operations["list_saved_replies_api_orgs__org_id__saved_replies_get"];
        put?: never;
        /** Create Saved Reply */
        post: operations["create_saved_reply_api_orgs__org_id__saved_replies_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/saved-replies/{reply_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /** Update Saved Reply */
        put: operations["update_saved_reply_api_orgs__org_id__saved_replies__reply_id__put"];
        post?: never;
        /** Delete Saved Reply */
        delete: operations["delete_saved_reply_api_orgs__org_id__saved_replies__reply_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/simulations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Simulations */
        get: operations["list_simulations_api_orgs__org_id__simulations_get"];
        put?: never;
        /** Start Simulation */
        post: operations["start_simulation_api_orgs__org_id__simulations_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/simulations/{simulation_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Simulation */
        get: operations["get_simulation_api_orgs__org_id__simulations__simulation_id__get"];
        put?: never;
        post?: never;
        /** Delete Simulation */
        delete: operations["delete_simulation_api_orgs__org_id__simulations__simulation_id__delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/simulations/{simulation_id}/results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Results */
        get: operations["list_results_api_orgs__org_id__simulations__simulation_id__results_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/telephony": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Telephony */
        get: operations["get_telephony_api_orgs__org_id__telephony_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/telephony/account": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Connect Account
         * @description Checked with Twilio first (422 with the reason when it refuses them); afterwards only
         *     the hint ``AC…1234`` can be read.
         */
        put: operations["connect_account_api_orgs__org_id__telephony_account_put"];
        post?: never;
        /** Disconnect Account */
        delete: operations["disconnect_account_api_orgs__org_id__telephony_account_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/telephony/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Update Telephony Settings
         * @description Changes the fields sent (422 naming a field that does not validate).
         */
        put: operations["update_telephony_settings_api_orgs__org_id__telephony_settings_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List Endpoints */
        get: operations["list_endpoints_api_orgs__org_id__webhooks_get"];
        put?: never;
        /**
         * Create Endpoint
         * @description Outside local mode a private-network or loopback address is refused (422).
         */
        post: operations["create_endpoint_api_orgs__org_id__webhooks_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/webhooks/{endpoint_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get Endpoint */
        get: operations["get_endpoint_api_orgs__org_id__webhooks__endpoint_id__get"];
        put?: never;
        post?: never;
        /**
         * Delete Endpoint
         * @description The endpoint and its delivery log.
         */
        delete: operations["delete_endpoint_api_orgs__org_id__webhooks__endpoint_id__delete"];
        options?: never;
        head?: never;
        /** Update Endpoint */
        patch: operations["update_endpoint_api_orgs__org_id__webhooks__endpoint_id__patch"];
        trace?: never;
    };
    "/api/orgs/{org_id}/webhooks/{endpoint_id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List Deliveries
         * @description Newest first.
         */
        get: operations["list_deliveries_api_orgs__org_id__webhooks__endpoint_id__deliveries_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replay Delivery
         * @description A new delivery of the same event (the same ``webhook-id``); 409 while disabled.
         */
        post: operations["replay_delivery_api_orgs__org_id__webhooks__endpoint_id__deliveries__delivery_id__replay_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/orgs/{org_id}/webhooks/{endpoint_id}/secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate Secret
         * @description A new secret, shown once; deliveries are signed with it from now on.
         */
        post: operations["rotate_secret_api_orgs__org_id__webhooks__endpoint_id__secret_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Widget Config
         * @description Branding and the pre-chat form setting, from the organization's settings.
         */
        get: operations["widget_config_api_widget_config_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My Conversations */
        get: operations["my_conversations_api_widget_conversations_get"];
        put?: never;
        /** Start Conversation */
        post: operations["start_conversation_api_widget_conversations_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/conversations/{conversation_id}/end": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End Conversation */
        post: operations["end_conversation_api_widget_conversations__conversation_id__end_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/conversations/{conversation_id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Events */
        get: operations["events_api_widget_conversations__conversation_id__events_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/conversations/{conversation_id}/human": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Ask For Human */
        post: operations["ask_for_human_api_widget_conversations__conversation_id__human_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/conversations/{conversation_id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** History */
        get: operations["history_api_widget_conversations__conversation_id__messages_get"];
        put?: never;
        /** Post Message */
        post: operations["post_message_api_widget_conversations__conversation_id__messages_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/conversations/{conversation_id}/messages/{message_id}/feedback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Feedback */
        post: operations["feedback_api_widget_conversations__conversation_id__messages__message_id__feedback_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Track
         * @description Widget analytics in batches. Browser and device come from the user agent; the IP is
         *     recorded here, server-side, and expires with the organization's IP retention.
         */
        post: operations["track_api_widget_events_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/identify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Identify
         * @description Link the visitor to a verified customer: the customer's backend signed
         *     ``{user_id, email, name, exp}`` with the organization's widget secret (HS256), so the
         *     identity cannot be spoofed from the browser. ``exp`` is required, at most 24 hours ahead
         *     (60 seconds of clock skew allowed); 401 with the reason otherwise.
         */
        post: operations["identify_api_widget_identify_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/visitors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start Visitor */
        post: operations["start_visitor_api_widget_visitors_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/widget/voice": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start Voice
         * @description A voice session for the visitor: in their conversation, or a new one (channel voice).
         */
        post: operations["start_voice_api_widget_voice_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sign-in": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Sign In With Link
         * @description Spend a one-time sign-in link and set the session cookie (local mode only).
         */
        get: operations["sign_in_with_link_auth_sign_in_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/sign-out": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign Out */
        post: operations["sign_out_auth_sign_out_post"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Healthz
         * @description The process is alive (no dependency checked).
         */
        get: operations["healthz_healthz_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readyz
         * @description PostgreSQL and Temporal both answer within the deadline; otherwise 503 with what is
         *     missing. Both are checked at once, each bounded as a whole (a connection included).
         */
        get: operations["readyz_readyz_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** AccountCredentials */
        AccountCredentials: {
            /** Account Sid */
            account_sid: string;
            /** Auth Token */
            auth_token: string;
        };
        /** Analytics */
        Analytics: {
            /** Busiest Hours */
            busiest_hours: components["schemas"]["HourCounts"][];
            /** Days */
            days: components["schemas"]["DayCount"][];
            /**
             * End
             * Format: date
             * @description Last day (inclusive), in time_zone
             */
            end: string;
            knowledge_gaps: components["schemas"]["KnowledgeGaps"];
            resolution: components["schemas"]["Resolution"];
            response_times: components["schemas"]["ResponseTimes"];
            satisfaction: components["schemas"]["Satisfaction"];
            /**
             * Start
             * Format: date
             * @description First day, in time_zone
             */
            start: string;
            /** Time Zone */
            time_zone: string;
        };
        /** AnsweringPoint */
        AnsweringPoint: {
            /**
             * Answered
             * @description share of answerable test questions answered
             */
            answered: number;
            /**
             * Declined
             * @description share of unanswerable test questions declined
             */
            declined: number;
            /** Threshold */
            threshold: number;
        };
        /** ApiKeyCreate */
        ApiKeyCreate: {
            /** Name */
            name: string;
            /**
             * @description At or below the caller's own role: an admin grants admin or operator; an owner also compliance. Never owner.
             * @default admin
             */
            role: components["schemas"]["Role"];
        };
        /** ApiKeyCreated */
        ApiKeyCreated: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Last Used At */
            last_used_at: string | null;
            /** Name */
            name: string;
            /** Prefix */
            prefix: string;
            /** Revoked At */
            revoked_at: string | null;
            role: components["schemas"]["Role"];
            /**
             * Secret
             * @description Shown once; only a hash is stored.
             */
            secret: string;
        };
        /** ApiKeyPublic */
        ApiKeyPublic: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Last Used At */
            last_used_at: string | null;
            /** Name */
            name: string;
            /** Prefix */
            prefix: string;
            /** Revoked At */
            revoked_at: string | null;
            role: components["schemas"]["Role"];
        };
        /** AssignBody */
        AssignBody: {
            /** Member Id */
            member_id: string | null;
        };
        /** AuditEntryPublic */
        AuditEntryPublic: {
            /** Action */
            action: string;
            /** Actor Api Key Id */
            actor_api_key_id: string | null;
            /** Actor Member Id */
            actor_member_id: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Details */
            details: {
                [key: string]: unknown;
            };
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Target Id */
            target_id: string | null;
            /** Target Type */
            target_type: string | null;
        };
        /** AuditPage */
        AuditPage: {
            /** Items */
            items: components["schemas"]["AuditEntryPublic"][];
            /** Total */
            total: number;
        };
        /** Body_upload_document_api_orgs__org_id__knowledge_documents_post */
        Body_upload_document_api_orgs__org_id__knowledge_documents_post: {
            /**
             * File
             * @description PDF, TXT, Markdown, HTML, DOCX or CSV
             */
            file: string;
        };
        /**
         * BusinessHours
         * @description When the organization's people answer the phone, in its own time zone.
         */
        BusinessHours: {
            /**
             * Timezone
             * @description an IANA time zone, e.g. America/New_York
             */
            timezone: string;
            weekly?: components["schemas"]["WeeklyHours"];
        };
        /** CallList */
        CallList: {
            /** Calls */
            calls: components["schemas"]["CallView"][];
            /** Next Cursor */
            next_cursor: string | null;
        };
        /**
         * CallOutcome
         * @enum {string}
         */
        CallOutcome: "completed" | "transferred" | "callback" | "ended_by_operator" | "failed" | "not_answered";
        /** CallView */
        CallView: {
            /** Conversation Id */
            conversation_id: string | null;
            /** Direction */
            direction: string;
            /** Duration Seconds */
            duration_seconds: number | null;
            /** Ended At */
            ended_at: string | null;
            /** From Number */
            from_number: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            outcome: components["schemas"]["CallOutcome"] | null;
            /** Recorded */
            recorded: boolean;
            /**
             * Started At
             * Format: date-time
             */
            started_at: string;
            /** Status */
            status: string;
            /** To Number */
            to_number: string | null;
            /** Transfer Target */
            transfer_target: string | null;
        };
        /**
         * Candidate
         * @description The change tried. Anything left out stays as the organization has it now; the
         *     knowledge base is always the one it has now.
         */
        Candidate: {
            /**
             * K
             * @description passages retrieved per turn
             */
            k?: number | null;
            /**
             * Model
             * @description the chat model's name
             */
            model?: string | null;
            /**
             * Operating Point
             * @description the keyless judge's threshold: higher hands off more, lower answers more
             */
            operating_point?: number | null;
            responder?: components["schemas"]["Responder"] | null;
            search_mode?: components["schemas"]["SearchMode"] | null;
        };
        /**
         * CaseStatus
         * @enum {string}
         */
        CaseStatus: "pending" | "done" | "failed";
        /** CauseCount */
        CauseCount: {
            /**
             * Cause
             * @enum {string}
             */
            cause: "requested" | "dissatisfied" | "unanswered" | "ai_error" | "operator_took_over";
            /** Count */
            count: number;
            /**
             * Share
             * @description Of all conversations started in the range
             */
            share: number;
        };
        /**
         * Channel
         * @enum {string}
         */
        Channel: "chat" | "voice" | "phone";
        /** ContactBrief */
        ContactBrief: {
            /** Email */
            email: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Name */
            name: string | null;
        };
        /**
         * ContactCorrection
         * @description Send the fields to change; ``null`` clears one, a field left out stays as it is.
         */
        ContactCorrection: {
            /** Email */
            email?: string | null;
            /** Name */
            name?: string | null;
        };
        /** ContactPage */
        ContactPage: {
            /** Items */
            items: components["schemas"]["ContactPublic"][];
            /** Total */
            total: number;
        };
        /**
         * ContactPanel
         * @description Who the conversation is with, for the panel beside the transcript.
         */
        ContactPanel: {
            /** Browser */
            browser: string | null;
            /** Device */
            device: string | null;
            /**
             * Earlier Conversations
             * @description The contact's other conversations, latest first
             */
            earlier_conversations: components["schemas"]["EarlierConversation"][];
            /** Email */
            email: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Name */
            name: string | null;
            /**
             * Pages
             * @description Pages the contact was seen on, latest first
             */
            pages: components["schemas"]["PageSeen"][];
            /** Phone */
            phone: string | null;
            /** Verified */
            verified: boolean;
        };
        /** ContactPublic */
        ContactPublic: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Email */
            email: string | null;
            /** External Id */
            external_id: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Name */
            name: string | null;
            /** Phone */
            phone: string | null;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /** Verified */
            verified: boolean;
        };
        /**
         * ConversationCases
         * @description Recorded conversations: by id, or the last ``last`` ones, or a date range (of the
         *     questions), or both of those.
         */
        ConversationCases: {
            /** Conversation Ids */
            conversation_ids?: string[] | null;
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "conversations";
            /** Last */
            last?: number | null;
            /** Since */
            since?: string | null;
            /** Until */
            until?: string | null;
        };
        /** ConversationDetail */
        ConversationDetail: {
            contact: components["schemas"]["ContactBrief"] | null;
            /** @description The contact's browser, device, pages seen and earlier conversations */
            contact_panel: components["schemas"]["ContactPanel"] | null;
            conversation: components["schemas"]["ConversationSummary"];
            live: components["schemas"]["LiveState"] | null;
            /** Messages */
            messages: components["schemas"]["TranscriptMessage"][];
        };
        /** ConversationPage */
        ConversationPage: {
            /** Items */
            items: components["schemas"]["InboxItem"][];
            /**
             * Next Cursor
             * @description Pass as `cursor` for the next page; None on the last
             */
            next_cursor?: string | null;
            /**
             * Total
             * @description Conversations matching the filters, on every page
             */
            total: number;
        };
        /** ConversationPublic */
        ConversationPublic: {
            /** Channel */
            channel: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Last Message At */
            last_message_at: string | null;
            /** Status */
            status: string;
        };
        /**
         * ConversationStatus
         * @enum {string}
         */
        ConversationStatus: "open" | "waiting_for_human" | "with_operator" | "resolved" | "closed";
        /** ConversationSummary */
        ConversationSummary: {
            /** Assignee Id */
            assignee_id: string | null;
            channel: components["schemas"]["Channel"];
            /** Contact Id */
            contact_id: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Last Message At */
            last_message_at: string | null;
            /** Needs Human */
            needs_human: boolean;
            status: components["schemas"]["ConversationStatus"];
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /** Corrected */
        Corrected: {
            /**
             * Changed
             * @description the names of the fields that changed
             */
            changed: string[];
            contact: components["schemas"]["ContactPublic"];
        };
        /** CsrfToken */
        CsrfToken: {
            /**
             * Csrf Token
             * @description Send it in the header named below
             */
            csrf_token: string;
            /**
             * Header
             * @default X-CSRF-Token
             */
            header: string;
        };
        /** DayCount */
        DayCount: {
            /**
             * By Channel
             * @description Conversations started, per channel
             */
            by_channel: {
                [key: string]: number;
            };
            /**
             * Day
             * Format: date
             */
            day: string;
            /** Total */
            total: number;
        };
        /**
         * Decision
         * @enum {string}
         */
        Decision: "answer" | "clarify" | "handoff";
        /**
         * DecisionTrail
         * @description Why the AI answered as it did.
         */
        DecisionTrail: {
            /**
             * Decision
             * @description answer, clarify or handoff
             */
            decision: string | null;
            /**
             * Error
             * @description The error type when the turn failed
             */
            error: string | null;
            /**
             * Grounding
             * @description The grounding figures behind the decision (scores, coverage, margins)
             */
            grounding: {
                [key: string]: number | boolean | null;
            };
            /**
             * Judge
             * @description Who judged the grounding: keyless or model
             */
            judge: string | null;
            /** Model */
            model: string | null;
            /** Passages */
            passages: components["schemas"]["TrailPassage"][];
            /** Prompt Version */
            prompt_version: string | null;
            /**
             * Query
             * @description What was searched for
             */
            query: string | null;
            /** Reason */
            reason: string | null;
            /**
             * Route
             * @description retrieve, or why retrieval was skipped
             */
            route: string | null;
        };
        /** DeletionPublic */
        DeletionPublic: {
            /** Cancelled At */
            cancelled_at?: string | null;
            /** Completed At */
            completed_at?: string | null;
            /**
             * Deadline
             * Format: date-time
             * @description Every store is purged by then (legal holds excepted)
             */
            deadline: string;
            /**
             * Deleted
             * @description Rows, files or histories deleted per store
             */
            deleted: {
                [key: string]: number;
            };
            hold?: components["schemas"]["LegalHoldPublic"] | null;
            /**
             * Purge After
             * Format: date-time
             * @description When purging starts, unless cancelled or held
             */
            purge_after: string;
            /**
             * Requested At
             * Format: date-time
             */
            requested_at: string;
            /**
             * Stage
             * @description The store being purged
             */
            stage?: string | null;
            status: components["schemas"]["DeletionStatus"];
        };
        /** DeletionRequestedPublic */
        DeletionRequestedPublic: {
            /** Cancelled At */
            cancelled_at?: string | null;
            /** Completed At */
            completed_at?: string | null;
            /**
             * Deadline
             * Format: date-time
             * @description Every store is purged by then (legal holds excepted)
             */
            deadline: string;
            /**
             * Deleted
             * @description Rows, files or histories deleted per store
             */
            deleted: {
                [key: string]: number;
            };
            hold?: components["schemas"]["LegalHoldPublic"] | null;
            /** Message */
            message: string;
            /**
             * Purge After
             * Format: date-time
             * @description When purging starts, unless cancelled or held
             */
            purge_after: string;
            /**
             * Receipt Token
             * @description Fetches the receipt at /api/deletion-receipts/{token} once the organization is gone. Shown once: only the first request gets it.
             */
            receipt_token: string | null;
            /**
             * Requested At
             * Format: date-time
             */
            requested_at: string;
            /**
             * Stage
             * @description The store being purged
             */
            stage?: string | null;
            status: components["schemas"]["DeletionStatus"];
        };
        /**
         * DeletionStatus
         * @enum {string}
         */
        DeletionStatus: "scheduled" | "on_hold" | "purging" | "completed" | "cancelled" | "failed";
        /**
         * DeletionSubject
         * @enum {string}
         */
        DeletionSubject: "organization" | "member";
        /** DeliveryList */
        DeliveryList: {
            /** Deliveries */
            deliveries: components["schemas"]["DeliveryPublic"][];
            /**
             * Next Cursor
             * @description Pass as `cursor` for the next page; None on the last
             */
            next_cursor: string | null;
        };
        /** DeliveryPublic */
        DeliveryPublic: {
            /** Attempts */
            attempts: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Duration Ms */
            duration_ms: number | null;
            /**
             * Event Id
             * Format: uuid
             */
            event_id: string;
            /** Event Type */
            event_type: string;
            /** Finished At */
            finished_at: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Last Attempt At */
            last_attempt_at: string | null;
            /** Last Error */
            last_error: string | null;
            /** Replay Of */
            replay_of: string | null;
            /** Response Status */
            response_status: number | null;
            status: components["schemas"]["DeliveryStatus"];
        };
        /**
         * DeliveryStatus
         * @enum {string}
         */
        DeliveryStatus: "pending" | "succeeded" | "failed";
        /** DocumentPage */
        DocumentPage: {
            /** Items */
            items: components["schemas"]["DocumentPublic"][];
            /** Total */
            total: number;
        };
        /** DocumentPublic */
        DocumentPublic: {
            /** Chunk Count */
            chunk_count: number;
            /** Content Type */
            content_type: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Duplicate
             * @default false
             */
            duplicate: boolean;
            /** Embedding Model */
            embedding_model: string | null;
            /** Failure Reason */
            failure_reason: string | null;
            /** Filename */
            filename: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Ingested At */
            ingested_at: string | null;
            progress: components["schemas"]["Progress"];
            /** Size Bytes */
            size_bytes: number | null;
            /** Source Id */
            source_id: string | null;
            source_type: components["schemas"]["SourceKind"];
            /** Source Url */
            source_url: string | null;
            status: components["schemas"]["DocumentStatus"];
            /** Title */
            title: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /**
         * DocumentStatus
         * @enum {string}
         */
        DocumentStatus: "pending" | "processing" | "ready" | "failed";
        /** Durations */
        Durations: {
            /** Count */
            count: number;
            /** Median Seconds */
            median_seconds: number | null;
            /** P90 Seconds */
            p90_seconds: number | null;
        };
        /** EarlierConversation */
        EarlierConversation: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Last Message At */
            last_message_at: string | null;
            status: components["schemas"]["ConversationStatus"];
        };
        /** EndpointCreate */
        EndpointCreate: {
            /**
             * Description
             * @default
             */
            description: string;
            /**
             * Event Types
             * @description Any of: conversation.created, conversation.resolved, message.created, handoff.requested, document.ready, document.failed, call.ended, export.ready, deletion.completed
             */
            event_types: ("conversation.created" | "conversation.resolved" | "message.created" | "handoff.requested" | "document.ready" | "document.failed" | "call.ended" | "export.ready" | "deletion.completed")[];
            /** Url */
            url: string;
        };
        /** EndpointPublic */
        EndpointPublic: {
            /** Consecutive Failures */
            consecutive_failures: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Description */
            description: string;
            /** Disabled Reason */
            disabled_reason: string | null;
            /** Enabled */
            enabled: boolean;
            /** Event Types */
            event_types: string[];
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /**
             * Previous Secret Expires At
             * @description After a rotation: until when the replaced secret also signs; else None
             */
            previous_secret_expires_at: string | null;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /** Url */
            url: string;
        };
        /** EndpointUpdate */
        EndpointUpdate: {
            /** Description */
            description?: string | null;
            /**
             * Enabled
             * @description true re-enables a disabled endpoint
             */
            enabled?: boolean | null;
            /**
             * Event Types
             * @description Any of: conversation.created, conversation.resolved, message.created, handoff.requested, document.ready, document.failed, call.ended, export.ready, deletion.completed
             */
            event_types?: ("conversation.created" | "conversation.resolved" | "message.created" | "handoff.requested" | "document.ready" | "document.failed" | "call.ended" | "export.ready" | "deletion.completed")[] | null;
            /** Url */
            url?: string | null;
        };
        /** EndpointWithSecret */
        EndpointWithSecret: {
            /** Consecutive Failures */
            consecutive_failures: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Description */
            description: string;
            /** Disabled Reason */
            disabled_reason: string | null;
            /** Enabled */
            enabled: boolean;
            /** Event Types */
            event_types: string[];
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /**
             * Previous Secret Expires At
             * @description After a rotation: until when the replaced secret also signs; else None
             */
            previous_secret_expires_at: string | null;
            /**
             * Secret
             * @description whsec_…: shown once; verify signatures with it
             */
            secret: string;
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
            /** Url */
            url: string;
        };
        /**
         * ErasureRequest
         * @description Erase one contact, by id, or every contact of this organization with an email.
         */
        ErasureRequest: {
            /** Contact Id */
            contact_id?: string | null;
            /** Email */
            email?: string | null;
        };
        /** ErasureRequests */
        ErasureRequests: {
            /** Requests */
            requests: components["schemas"]["PrivacyRequestPublic"][];
        };
        /** ErrorMessage */
        ErrorMessage: {
            /** Detail */
            detail: string;
        };
        /** ExportAccepted */
        ExportAccepted: {
            /**
             * Id
             * Format: uuid
             */
            id: string;
            kind: components["schemas"]["PrivacyRequestKind"];
            status: components["schemas"]["PrivacyRequestStatus"];
        };
        /** ExportCreate */
        ExportCreate: {
            /** Contact Id */
            contact_id?: string | null;
        };
        /** ExportStatus */
        ExportStatus: {
            /** Completed At */
            completed_at: string | null;
            /** Contact Id */
            contact_id: string | null;
            /** Counts */
            counts: {
                [key: string]: number;
            };
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Download Url */
            download_url?: string | null;
            /** Downloaded At */
            downloaded_at: string | null;
            /** Expires At */
            expires_at: string | null;
            /** Failure Reason */
            failure_reason: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            kind: components["schemas"]["PrivacyRequestKind"];
            /** Link Expired */
            link_expired: boolean;
            /** Size Bytes */
            size_bytes: number | null;
            status: components["schemas"]["PrivacyRequestStatus"];
        };
        /** FeedbackBody */
        FeedbackBody: {
            /**
             * Value
             * @description 1 for thumbs up, -1 for thumbs down
             */
            value: number;
        };
        /** GapExample */
        GapExample: {
            /**
             * Asked At
             * Format: date-time
             */
            asked_at: string;
            /**
             * Conversation Id
             * Format: uuid
             */
            conversation_id: string;
            /**
             * Message Id
             * Format: uuid
             */
            message_id: string;
            /** Text */
            text: string;
        };
        /** HTTPValidationError */
        HTTPValidationError: {
            /** Detail */
            detail?: components["schemas"]["ValidationError"][];
        };
        /** HourCounts */
        HourCounts: {
            /**
             * Hours
             * @description 24 counts, hour 0 to 23, of conversations started
             */
            hours: number[];
            /**
             * Weekday
             * @description 0 is Monday
             */
            weekday: number;
        };
        /** IdentifyBody */
        IdentifyBody: {
            /** Token */
            token: string;
        };
        /** ImportRequest */
        ImportRequest: {
            /**
             * @description url, website or sitemap
             * @default url
             */
            kind: components["schemas"]["SourceKind"];
            /** Max Pages */
            max_pages?: number | null;
            /** Url */
            url: string;
        };
        /** InboxItem */
        InboxItem: {
            /** Assignee Id */
            assignee_id: string | null;
            channel: components["schemas"]["Channel"];
            /** @description Who the conversation is with, if known */
            contact: components["schemas"]["ContactBrief"] | null;
            /** Contact Id */
            contact_id: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Last Message At */
            last_message_at: string | null;
            /** Needs Human */
            needs_human: boolean;
            /**
             * Preview
             * @description The newest message, shortened (None before the first)
             */
            preview?: string | null;
            status: components["schemas"]["ConversationStatus"];
            /**
             * Updated At
             * Format: date-time
             */
            updated_at: string;
        };
        /** InputProblem */
        InputProblem: {
            /** Loc */
            loc: (string | number)[];
            /** Msg */
            msg: string;
            /** Type */
            type: string;
        } & {
            [key: string]: unknown;
        };
        /** InvalidInput */
        InvalidInput: {
            /** Detail */
            detail: components["schemas"]["InputProblem"][] | string;
        };
        /** InvitationCreate */
        InvitationCreate: {
            /** Email */
            email: string;
            /** @default operator */
            role: components["schemas"]["Role"];
        };
        /** InvitationCreated */
        InvitationCreated: {
            /** Accepted At */
            accepted_at: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Email */
            email: string;
            /** Email Error */
            email_error?: string | null;
            /**
             * Emailed
             * @description whether an email with the link went out
             */
            emailed: boolean;
            /**
             * Expires At
             * Format: date-time
             */
            expires_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /**
             * Link
             * @description Local sign-in: the one-time link, shown once (only its hash is stored). Clerk: null, Clerk emails the invitation.
             */
            link: string | null;
            /** Revoked At */
            revoked_at: string | null;
            role: components["schemas"]["Role"];
            status: components["schemas"]["InvitationStatus"];
        };
        /** InvitationPublic */
        InvitationPublic: {
            /** Accepted At */
            accepted_at: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Email */
            email: string;
            /**
             * Expires At
             * Format: date-time
             */
            expires_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Revoked At */
            revoked_at: string | null;
            role: components["schemas"]["Role"];
            status: components["schemas"]["InvitationStatus"];
        };
        /**
         * InvitationStatus
         * @enum {string}
         */
        InvitationStatus: "pending" | "accepted" | "revoked" | "expired";
        /** KnowledgeGap */
        KnowledgeGap: {
            /** Count */
            count: number;
            /**
             * Declined
             * @description Questions the AI could not answer from the knowledge
             */
            declined: number;
            /** Examples */
            examples: components["schemas"]["GapExample"][];
            /**
             * Label
             * @description The question nearest the group's centre
             */
            label: string;
            /**
             * Thumbs Down
             * @description Answers the visitor rated down
             */
            thumbs_down: number;
        };
        /** KnowledgeGaps */
        KnowledgeGaps: {
            /** Clusters */
            clusters: components["schemas"]["KnowledgeGap"][];
            /**
             * Considered
             * @description The most recent ones grouped (at most a cap)
             */
            considered: number;
            /**
             * Questions
             * @description Questions found in the range
             */
            questions: number;
        };
        /**
         * LabelledQuestion
         * @description One question of a labelled set, as in ``bench/questions``: articles that answer it and
         *     facts a right answer holds, or ``why`` the knowledge does not answer it.
         */
        LabelledQuestion: {
            /**
             * Articles
             * @description document ids, file names or titles of the articles that answer it
             */
            articles?: string[];
            /** Facts */
            facts?: string[];
            /**
             * History
             * @description earlier visitor messages
             */
            history?: string[];
            /** Id */
            id?: string | null;
            /** Question */
            question: string;
            /** Why */
            why?: string | null;
        };
        /** LegalHoldPublic */
        LegalHoldPublic: {
            /** Reason */
            reason: string;
            /** Since */
            since: string | null;
        };
        /** LegalHoldRequest */
        LegalHoldRequest: {
            /**
             * Reason
             * @description A reason code or case number (letters, digits, _ . : / -), never a person's name or email
             */
            reason: string;
        };
        /** LiveOperator */
        LiveOperator: {
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Name */
            name: string;
        };
        /**
         * LiveState
         * @description What the conversation's workflow says now (None when it is not running).
         */
        LiveState: {
            operator: components["schemas"]["LiveOperator"] | null;
            /** Pending Handoff */
            pending_handoff: boolean;
            /** Queued */
            queued: number;
            /** Status */
            status: string;
        };
        /** Me */
        Me: {
            /** Api Key Id */
            api_key_id: string | null;
            /** Email */
            email: string | null;
            /** Is Platform Staff */
            is_platform_staff: boolean;
            /** Member Id */
            member_id: string | null;
            /** Name */
            name: string | null;
            /** Org Id */
            org_id: string;
            /** Organization Name */
            organization_name: string;
            /** Role */
            role: string;
        };
        /** MemberDeletedPublic */
        MemberDeletedPublic: {
            /**
             * Receipt Token
             * @description Fetches the receipt; shown once
             */
            receipt_token: string;
            status: components["schemas"]["DeletionStatus"];
        };
        /** MemberPublic */
        MemberPublic: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Email */
            email: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Name */
            name: string;
            role: components["schemas"]["Role"];
        };
        /** MemberRolePublic */
        MemberRolePublic: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Email */
            email: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Name */
            name: string;
            role: components["schemas"]["Role"];
        };
        /** NewConversation */
        NewConversation: {
            /** Text */
            text?: string | null;
        };
        /** NewMessage */
        NewMessage: {
            /** Client Message Id */
            client_message_id?: string | null;
            /** Text */
            text: string;
        };
        /** NoteBody */
        NoteBody: {
            /** Content */
            content: string;
        };
        /** NotePublic */
        NotePublic: {
            /** Author Member Id */
            author_member_id: string | null;
            /** Author Name */
            author_name: string | null;
            /** Content */
            content: string;
            /**
             * Conversation Id
             * Format: uuid
             */
            conversation_id: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Updated At */
            updated_at: string | null;
        };
        /** OrganizationPublic */
        OrganizationPublic: {
            /**
             * Answering Curve
             * @description What each operating point did on the held-out test questions
             */
            answering_curve?: components["schemas"]["AnsweringPoint"][];
            /**
             * Calibrated Answer Threshold
             * @description The keyless judge's calibrated operating point (settings.answer_threshold overrides it)
             */
            calibrated_answer_threshold?: number;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Name */
            name: string;
            /**
             * Public Key
             * @description The widget's public key, for the embed snippet
             */
            public_key: string;
            /** Settings */
            settings: {
                [key: string]: unknown;
            };
        };
        /** OrganizationUpdate */
        OrganizationUpdate: {
            /** Name */
            name?: string | null;
            /** Settings */
            settings?: {
                [key: string]: unknown;
            } | null;
        };
        /** PageSeen */
        PageSeen: {
            /**
             * Seen At
             * Format: date-time
             */
            seen_at: string;
            /** Title */
            title: string | null;
            /** Url */
            url: string;
        };
        /** PhoneNumberChange */
        PhoneNumberChange: {
            /** Assistant Enabled */
            assistant_enabled?: boolean | null;
            /** Label */
            label?: string | null;
        };
        /** PhoneNumberList */
        PhoneNumberList: {
            /** Numbers */
            numbers: components["schemas"]["PhoneNumberView"][];
        };
        /** PhoneNumberView */
        PhoneNumberView: {
            /** Assistant Enabled */
            assistant_enabled: boolean;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Label */
            label: string;
            /** Number */
            number: string;
            /** Source */
            source: string;
        };
        /** PostedPublic */
        PostedPublic: {
            /**
             * Conversation Id
             * Format: uuid
             */
            conversation_id: string;
            /**
             * Message Id
             * Format: uuid
             */
            message_id: string;
        };
        /**
         * PrivacyRequestKind
         * @enum {string}
         */
        PrivacyRequestKind: "organization_export" | "contact_export" | "contact_erasure";
        /** PrivacyRequestPage */
        PrivacyRequestPage: {
            /** Items */
            items: components["schemas"]["PrivacyRequestPublic"][];
            /** Total */
            total: number;
        };
        /** PrivacyRequestPublic */
        PrivacyRequestPublic: {
            /** Completed At */
            completed_at: string | null;
            /** Contact Id */
            contact_id: string | null;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Downloaded At */
            downloaded_at: string | null;
            /** Expires At */
            expires_at: string | null;
            /** Failure Reason */
            failure_reason: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            kind: components["schemas"]["PrivacyRequestKind"];
            /** Reason */
            reason: string | null;
            /** Receipt */
            receipt: {
                [key: string]: unknown;
            };
            /** Requested By Member Id */
            requested_by_member_id: string | null;
            /** Size Bytes */
            size_bytes: number | null;
            status: components["schemas"]["PrivacyRequestStatus"];
            /** Workflow Id */
            workflow_id: string | null;
        };
        /**
         * PrivacyRequestStatus
         * @enum {string}
         */
        PrivacyRequestStatus: "pending" | "scheduled" | "running" | "completed" | "failed" | "cancelled";
        /** PrivacySettings */
        PrivacySettings: {
            /**
             * Contact Erasure Grace Days
             * @description Days a contact erasure waits (and can be cancelled); a reported minor is erased at once
             * @default 1
             */
            contact_erasure_grace_days: number;
            /**
             * Conversation Retention Days
             * @description Delete conversations this many days after their last message; null keeps them while the account is active
             */
            conversation_retention_days?: number | null;
            /**
             * Deletion Grace Days
             * @description Days an organization deletion waits (and can be cancelled) before purging
             * @default 7
             */
            deletion_grace_days: number;
            /**
             * Ip Retention Days
             * @description Days raw IP addresses of widget events are kept before removal
             * @default 30
             */
            ip_retention_days: number;
        };
        /** Progress */
        Progress: {
            /** Done */
            done: number;
            /** Stage */
            stage: string;
            /** Total */
            total: number;
        };
        /** QuestionCases */
        QuestionCases: {
            /**
             * @description discriminator enum property added by openapi-typescript
             * @enum {string}
             */
            kind: "questions";
            /** Questions */
            questions: components["schemas"]["LabelledQuestion"][];
        };
        /** ReceiptPublic */
        ReceiptPublic: {
            /** Cancelled At */
            cancelled_at: string | null;
            /** Completed At */
            completed_at: string | null;
            /**
             * Deadline
             * Format: date-time
             */
            deadline: string;
            /** Deleted */
            deleted: {
                [key: string]: number;
            };
            /** Member Id */
            member_id: string | null;
            /**
             * Org Id
             * Format: uuid
             */
            org_id: string;
            /**
             * Purge After
             * Format: date-time
             */
            purge_after: string;
            /**
             * Requested At
             * Format: date-time
             */
            requested_at: string;
            status: components["schemas"]["DeletionStatus"];
            subject: components["schemas"]["DeletionSubject"];
        };
        /** ReembedStarted */
        ReembedStarted: {
            /** Workflow Id */
            workflow_id: string;
        };
        /** ReplyBody */
        ReplyBody: {
            /** Text */
            text: string;
        };
        /** Resolution */
        Resolution: {
            /** Conversations */
            conversations: number;
            /** Handed Off */
            handed_off: number;
            /** Handoff Causes */
            handoff_causes: components["schemas"]["CauseCount"][];
            /** Handoff Rate */
            handoff_rate: number | null;
            /** Resolved By Ai */
            resolved_by_ai: number;
            /**
             * Resolved By Ai Share
             * @description Ended with no handoff and no operator; None without conversations
             */
            resolved_by_ai_share: number | null;
        };
        /**
         * Responder
         * @enum {string}
         */
        Responder: "keyless" | "model";
        /** ResponseTimes */
        ResponseTimes: {
            /** @description Handoff to the first operator message */
            first_response: components["schemas"]["Durations"];
            /** @description Handoff to the conversation's resolution */
            resolution: components["schemas"]["Durations"];
        };
        /**
         * Role
         * @enum {string}
         */
        Role: "owner" | "admin" | "operator" | "compliance";
        /** RoleChange */
        RoleChange: {
            role: components["schemas"]["Role"];
        };
        /** Satisfaction */
        Satisfaction: {
            /** Thumbs Down */
            thumbs_down: number;
            /** Thumbs Up */
            thumbs_up: number;
            /**
             * Thumbs Up Share
             * @description Up of all rated answers; None if none
             */
            thumbs_up_share: number | null;
        };
        /** SavedReplyBody */
        SavedReplyBody: {
            /** Content */
            content: string;
            /**
             * Shortcut
             * @description Typed after '/' in the reply box
             */
            shortcut: string;
            /** Title */
            title: string;
        };
        /** SavedReplyPublic */
        SavedReplyPublic: {
            /** Content */
            content: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Shortcut */
            shortcut: string;
            /** Title */
            title: string;
            /** Updated At */
            updated_at: string | null;
        };
        /** SearchHit */
        SearchHit: {
            /**
             * Chunk Id
             * Format: uuid
             */
            chunk_id: string;
            /** Content */
            content: string;
            /**
             * Document Id
             * Format: uuid
             */
            document_id: string;
            /** Rank */
            rank: number;
            /** Score */
            score: number;
            /** Section */
            section: string;
            /** Source Url */
            source_url: string | null;
            /** Title */
            title: string;
        };
        /**
         * SearchMode
         * @enum {string}
         */
        SearchMode: "vector" | "hybrid";
        /** SearchRequest */
        SearchRequest: {
            /**
             * K
             * @default 5
             */
            k: number;
            mode?: components["schemas"]["SearchMode"] | null;
            /** Query */
            query: string;
        };
        /** SimulationAnswer */
        SimulationAnswer: {
            /** Citations */
            citations?: components["schemas"]["SimulationCitation"][];
            /** Decision */
            decision?: string | null;
            /** Model */
            model?: string | null;
            /** Prompt Version */
            prompt_version?: string | null;
            /** Reason */
            reason?: string | null;
            scores?: components["schemas"]["SimulationScores"] | null;
            /**
             * Text
             * @default
             */
            text: string;
        };
        /** SimulationCitation */
        SimulationCitation: {
            /** Document Id */
            document_id?: string | null;
            /** Number */
            number?: number | null;
            /** Title */
            title?: string | null;
        };
        /** SimulationPage */
        SimulationPage: {
            /** Items */
            items: components["schemas"]["SimulationPublic"][];
            /** Total */
            total: number;
        };
        /** SimulationProgressPublic */
        SimulationProgressPublic: {
            /**
             * Done
             * @description cases run (failed ones included)
             */
            done: number;
            /** Total */
            total: number;
        };
        /** SimulationPublic */
        SimulationPublic: {
            /**
             * Candidate
             * @description the change tried
             */
            candidate: {
                [key: string]: unknown;
            };
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Created By */
            created_by: string | null;
            /**
             * Failed
             * @description cases that could not be run, each with its error
             */
            failed: number;
            /** Failure Reason */
            failure_reason: string | null;
            /** Finished At */
            finished_at: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            progress: components["schemas"]["SimulationProgressPublic"];
            /**
             * Source
             * @description where the cases come from
             */
            source: {
                [key: string]: unknown;
            };
            status: components["schemas"]["SimulationStatus"];
            /**
             * Summary
             * @description counts over the run: changes, decisions and scores before and after, and the article labels no document matched (unmatched_articles)
             */
            summary: {
                [key: string]: unknown;
            };
        };
        /** SimulationRequest */
        SimulationRequest: {
            candidate?: components["schemas"]["Candidate"];
            /** Source */
            source: components["schemas"]["QuestionCases"] | components["schemas"]["ConversationCases"];
        };
        /** SimulationResultPage */
        SimulationResultPage: {
            /** Items */
            items: components["schemas"]["SimulationResultPublic"][];
            /** Total */
            total: number;
        };
        /** SimulationResultPublic */
        SimulationResultPublic: {
            /** @description with the candidate change */
            after: components["schemas"]["SimulationAnswer"] | null;
            /** @description the recorded answer, or the current one */
            before: components["schemas"]["SimulationAnswer"] | null;
            /** Case Key */
            case_key: string;
            /** Conversation Id */
            conversation_id: string | null;
            /** Decision Changed */
            decision_changed: boolean;
            /**
             * Diff
             * @description a unified line diff of the two answers
             */
            diff: string | null;
            /** Error */
            error: string | null;
            /** History */
            history: {
                [key: string]: unknown;
            }[];
            /** Labels */
            labels: {
                [key: string]: unknown;
            };
            /** Message Id */
            message_id: string | null;
            /** Question */
            question: string;
            /** Seq */
            seq: number;
            status: components["schemas"]["CaseStatus"];
            /** Text Changed */
            text_changed: boolean;
        };
        /** SimulationScores */
        SimulationScores: {
            /** All Facts */
            all_facts: boolean;
            /** Decided Right */
            decided_right: boolean;
            /** Facts Found */
            facts_found: number;
            /** Facts Total */
            facts_total: number;
            /** Right Article */
            right_article: boolean | null;
            /** Unsupported Sentences */
            unsupported_sentences: string[];
        };
        /**
         * SimulationStatus
         * @enum {string}
         */
        SimulationStatus: "pending" | "running" | "completed" | "failed";
        /**
         * SourceKind
         * @enum {string}
         */
        SourceKind: "file" | "url" | "website" | "sitemap";
        /** SourcePublic */
        SourcePublic: {
            /**
             * Id
             * Format: uuid
             */
            id: string;
            kind: components["schemas"]["SourceKind"];
            /** Last Error */
            last_error: string | null;
            /** Last Synced At */
            last_synced_at: string | null;
            /** Max Pages */
            max_pages: number;
            /** Url */
            url: string;
        };
        /**
         * SourceWithCounts
         * @description A followed website or sitemap, its sync rhythm and its pages counted by status.
         */
        SourceWithCounts: {
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Failed */
            failed: number;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** In Progress */
            in_progress: number;
            kind: components["schemas"]["SourceKind"];
            /** Last Error */
            last_error: string | null;
            /** Last Synced At */
            last_synced_at: string | null;
            /** Max Pages */
            max_pages: number;
            /** Pages */
            pages: number;
            /** Ready */
            ready: number;
            /** Sync Interval Hours */
            sync_interval_hours: number;
            /** Url */
            url: string;
        };
        /** TelephonyAccountView */
        TelephonyAccountView: {
            /**
             * Account Hint
             * @description the connected account, e.g. AC…1234
             */
            account_hint: string;
            /**
             * Connected At
             * Format: date-time
             */
            connected_at: string;
            /**
             * Provider
             * @default twilio
             * @constant
             */
            provider: "twilio";
        };
        /**
         * TelephonySettings
         * @description How the organization's phone calls are answered (``PUT .../telephony/settings``).
         */
        TelephonySettings: {
            /** @description when calls are put through; none: always */
            business_hours?: components["schemas"]["BusinessHours"] | null;
            /**
             * Call Greeting
             * @description spoken first on every call
             * @default Hello, thanks for calling. How can I help you today?
             */
            call_greeting: string;
            /**
             * Handoff Number
             * @description where a call is put through to a person; none: no transfer
             */
            handoff_number?: string | null;
            /**
             * Record Calls
             * @description keep the audio of calls
             * @default false
             */
            record_calls: boolean;
        };
        /** TelephonyView */
        TelephonyView: {
            account: components["schemas"]["TelephonyAccountView"] | null;
            settings: components["schemas"]["TelephonySettings"];
            voice: components["schemas"]["VoiceView"];
        };
        /** TrackedBatch */
        TrackedBatch: {
            /** Events */
            events: components["schemas"]["TrackedEvent"][];
        };
        /** TrackedEvent */
        TrackedEvent: {
            /** At */
            at?: string | null;
            /** Referrer */
            referrer?: string | null;
            /** Title */
            title?: string | null;
            /**
             * Type
             * @enum {string}
             */
            type: "page_view" | "widget_opened" | "message_sent";
            /** Url */
            url?: string | null;
        };
        /**
         * TrailPassage
         * @description One passage the retriever found for the question.
         */
        TrailPassage: {
            /** Chunk Id */
            chunk_id: string | null;
            /**
             * Cited
             * @description The answer cites this passage
             */
            cited: boolean;
            /** Document Id */
            document_id: string | null;
            /**
             * Excerpt
             * @description The passage's text, shortened; None once deleted
             */
            excerpt: string | null;
            /** Rank */
            rank: number | null;
            /** Score */
            score: number | null;
            /** Section */
            section: string;
            /** Title */
            title: string;
        };
        /** TranscriptMessage */
        TranscriptMessage: {
            /** Citations */
            citations: {
                [key: string]: unknown;
            }[];
            /** Content */
            content: string;
            /**
             * Conversation Id
             * Format: uuid
             */
            conversation_id: string;
            /**
             * Created At
             * Format: date-time
             */
            created_at: string;
            /** Feedback */
            feedback: number | null;
            /**
             * Heard
             * @description An interrupted spoken answer: the part the caller heard
             */
            heard?: string | null;
            /**
             * Id
             * Format: uuid
             */
            id: string;
            /** Model */
            model: string | null;
            /** Prompt Version */
            prompt_version: string | null;
            /** Role */
            role: string;
            /**
             * Status
             * @description complete, failed, or interrupted (a spoken answer)
             * @default complete
             */
            status: string;
            /** @description An assistant answer's decision trail: retrieved passages and scores, the decision and why, the model and prompt version (members only) */
            trail: components["schemas"]["DecisionTrail"] | null;
        };
        /** TryCitation */
        TryCitation: {
            /**
             * Chunk Id
             * Format: uuid
             */
            chunk_id: string;
            /**
             * Document Id
             * Format: uuid
             */
            document_id: string;
            /** Number */
            number: number;
            /** Section */
            section: string;
            /** Source Url */
            source_url: string | null;
            /** Title */
            title: string;
        };
        /** TryPassage */
        TryPassage: {
            /**
             * Chunk Id
             * Format: uuid
             */
            chunk_id: string;
            /** Cited */
            cited: boolean;
            /** Content */
            content: string;
            /**
             * Document Id
             * Format: uuid
             */
            document_id: string;
            /** Rank */
            rank: number;
            /** Score */
            score: number;
            /** Section */
            section: string;
            /** Source Url */
            source_url: string | null;
            /** Title */
            title: string;
        };
        /** TryRequest */
        TryRequest: {
            /** Question */
            question: string;
        };
        /** TryResult */
        TryResult: {
            /**
             * Answer
             * @description what the visitor would be sent
             */
            answer: string;
            /** Citations */
            citations: components["schemas"]["TryCitation"][];
            /** @description answer, clarify or handoff */
            decision: components["schemas"]["Decision"];
            /** Model */
            model: string;
            /** Passages */
            passages: components["schemas"]["TryPassage"][];
            /** Reason */
            reason: string;
        };
        /** ValidationError */
        ValidationError: {
            /** Context */
            ctx?: Record<string, never>;
            /** Input */
            input?: unknown;
            /** Location */
            loc: (string | number)[];
            /** Message */
            msg: string;
            /** Error Type */
            type: string;
        };
        /** VisitorSession */
        VisitorSession: {
            /**
             * Contact Id
             * Format: uuid
             */
            contact_id: string;
            /** Organization Name */
            organization_name: string;
            /** Visitor Token */
            visitor_token: string;
        };
        /** VisitorStart */
        VisitorStart: {
            /** Email */
            email?: string | null;
            /** Name */
            name?: string | null;
        };
        /** VoiceRequest */
        VoiceRequest: {
            /** Conversation Id */
            conversation_id?: string | null;
        };
        /** VoiceSession */
        VoiceSession: {
            /**
             * Call Id
             * Format: uuid
             */
            call_id: string;
            /**
             * Conversation Id
             * Format: uuid
             */
            conversation_id: string;
            /** Stream Url */
            stream_url: string;
        };
        /** VoiceView */
        VoiceView: {
            /** Description */
            description: string;
            /**
             * Speaks
             * @description false: no voice is available on this installation
             */
            speaks: boolean;
        };
        /**
         * WeeklyHours
         * @description Opening ranges per weekday; a day without ranges is closed.
         */
        WeeklyHours: {
            /** Fri */
            fri?: string[];
            /** Mon */
            mon?: string[];
            /** Sat */
            sat?: string[];
            /** Sun */
            sun?: string[];
            /** Thu */
            thu?: string[];
            /** Tue */
            tue?: string[];
            /** Wed */
            wed?: string[];
        };
        /** WidgetConfig */
        WidgetConfig: {
            /** Avatar Url */
            avatar_url: string | null;
            /** Color */
            color: string;
            /** Greeting */
            greeting: string;
            /** Organization Name */
            organization_name: string;
            /** Position */
            position: string;
            /** Pre Chat */
            pre_chat: string;
            /**
             * Privacy Policy Url
             * @description The privacy policy the widget links to
             */
            privacy_policy_url: string;
            /** Theme */
            theme: string;
            /**
             * Voice
             * @description The widget may offer a voice call (the server can speak)
             */
            voice: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    csrf_token_api_auth_csrf_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CsrfToken"];
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
        };
    };
    get_receipt_api_deletion_receipts__token__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReceiptPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    download_export_api_exports__token__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                token: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The export's ZIP archive */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/zip": string;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The link has expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    me_api_me_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
        };
    };
    get_organization_api_orgs__org_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrganizationPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    update_organization_api_orgs__org_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrganizationUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrganizationPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    read_analytics_api_orgs__org_id__analytics_get: {
        parameters: {
            query?: {
                /** @description First day (YYYY-MM-DD), in tz */
                from?: string | null;
                /** @description Last day, inclusive (YYYY-MM-DD), in tz */
                to?: string | null;
                /** @description IANA time zone the days and hours are counted in; UTC when omitted */
                tz?: string | null;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Analytics"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_api_keys_api_orgs__org_id__api_keys_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyPublic"][];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    create_key_api_orgs__org_id__api_keys_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApiKeyCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyCreated"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    revoke_key_api_orgs__org_id__api_keys__key_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                key_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    audit_log_api_orgs__org_id__audit_log_get: {
        parameters: {
            query?: {
                /** @description an action or its prefix, e.g. privacy. or contact. */
                action?: string | null;
                since?: string | null;
                until?: string | null;
                actor_member_id?: string | null;
                limit?: number;
                /** @description rows to skip (narrow the filters to go deeper) */
                offset?: number;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_calls_api_orgs__org_id__calls_get: {
        parameters: {
            query?: {
                conversation_id?: string | null;
                /** @description rows per page */
                limit?: number;
                cursor?: string | null;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallList"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    end_call_api_orgs__org_id__calls__call_id__end_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                call_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    call_recording_api_orgs__org_id__calls__call_id__recording_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                call_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The call as a two-channel 8 kHz 16-bit WAV: the caller on the left, the assistant on the right */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "audio/wav": string;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_contacts_api_orgs__org_id__contacts_get: {
        parameters: {
            query?: {
                /** @description exact match */
                email?: string | null;
                /** @description part of name or email */
                q?: string | null;
                /** @description rows per page */
                limit?: number;
                /** @description rows to skip (narrow the filters to go deeper) */
                offset?: number;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactPage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    read_contact_api_orgs__org_id__contacts__contact_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contact_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContactPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    correct_contact_api_orgs__org_id__contacts__contact_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contact_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ContactCorrection"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Corrected"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    report_minor_api_orgs__org_id__contacts__contact_id__report_minor_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                contact_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrivacyRequestPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_conversations_api_orgs__org_id__conversations_get: {
        parameters: {
            query?: {
                status?: components["schemas"]["ConversationStatus"] | null;
                channel?: components["schemas"]["Channel"] | null;
                /** @description created at or after (ISO 8601 with a time zone) */
                since?: string | null;
                /** @description created before */
                until?: string | null;
                /** @description `me`, `unassigned`, or a member id; omitted: anyone */
                assignee?: string | null;
                needs_human?: boolean | null;
                /** @description full-text search over the messages (words, "a phrase", -excluded, or); whole words, no stemming */
                q?: string | null;
                /** @description next_cursor of the previous page */
                cursor?: string | null;
                /** @description rows per page */
                limit?: number;
                /** @description rows to skip (narrow the filters to go deeper) */
                offset?: number;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationPage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    read_conversation_api_orgs__org_id__conversations__conversation_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationDetail"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    assign_api_orgs__org_id__conversations__conversation_id__assign_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AssignBody"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    conversation_events_api_orgs__org_id__conversations__conversation_id__events_get: {
        parameters: {
            query?: never;
            header?: {
                "last-event-id"?: number | null;
            };
            path: {
                conversation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Server-sent events: `id`, `event` and JSON `data` per event, from after Last-Event-ID (or `after`) on */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    join_api_orgs__org_id__conversations__conversation_id__join_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    leave_api_orgs__org_id__conversations__conversation_id__leave_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_notes_api_orgs__org_id__conversations__conversation_id__notes_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotePublic"][];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    add_note_api_orgs__org_id__conversations__conversation_id__notes_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NoteBody"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotePublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    delete_note_api_orgs__org_id__conversations__conversation_id__notes__note_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                note_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    edit_note_api_orgs__org_id__conversations__conversation_id__notes__note_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                note_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NoteBody"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotePublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    reopen_api_orgs__org_id__conversations__conversation_id__reopen_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    reply_api_orgs__org_id__conversations__conversation_id__reply_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReplyBody"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: string;
                    };
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    resolve_api_orgs__org_id__conversations__conversation_id__resolve_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                conversation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    get_deletion_api_orgs__org_id__deletion_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletionPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    request_deletion_api_orgs__org_id__deletion_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletionRequestedPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    cancel_deletion_api_orgs__org_id__deletion_cancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletionPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    hold_deletion_api_orgs__org_id__deletion_hold_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LegalHoldRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletionPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    release_deletion_api_orgs__org_id__deletion_release_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletionPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_exports_api_orgs__org_id__exports_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportStatus"][];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The link has expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    create_export_api_orgs__org_id__exports_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExportCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportAccepted"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The link has expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    get_export_api_orgs__org_id__exports__request_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                request_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportStatus"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The link has expired */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    inbox_events_api_orgs__org_id__inbox_events_get: {
        parameters: {
            query?: never;
            header?: {
                "last-event-id"?: number | null;
            };
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Server-sent events: `id`, `event` and JSON `data` per event, from after Last-Event-ID (or `after`) on */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_invitations_api_orgs__org_id__invitations_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationPublic"][];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    create_invitation_api_orgs__org_id__invitations_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["InvitationCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvitationCreated"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description The identity provider (Clerk) refused or did not answer */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    revoke_invitation_api_orgs__org_id__invitations__invitation_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                invitation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description The identity provider (Clerk) refused or did not answer */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_documents_api_orgs__org_id__knowledge_documents_get: {
        parameters: {
            query?: {
                status?: components["schemas"]["DocumentStatus"] | null;
                /** @description rows per page */
                limit?: number;
                /** @description rows to skip (narrow the filters to go deeper) */
                offset?: number;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentPage"];
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    upload_document_api_orgs__org_id__knowledge_documents_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["Body_upload_document_api_orgs__org_id__knowledge_documents_post"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    get_document_api_orgs__org_id__knowledge_documents__document_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                document_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentPublic"];
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    delete_document_api_orgs__org_id__knowledge_documents__document_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                document_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    reingest_document_api_orgs__org_id__knowledge_documents__document_id__reingest_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                document_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentPublic"];
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    import_from_web_api_orgs__org_id__knowledge_imports_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ImportRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DocumentPublic"] | components["schemas"]["SourcePublic"];
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    reembed_knowledge_api_orgs__org_id__knowledge_reembed_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReembedStarted"];
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    search_api_orgs__org_id__knowledge_search_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SearchRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SearchHit"][];
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_sources_api_orgs__org_id__knowledge_sources_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SourceWithCounts"][];
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    delete_source_api_orgs__org_id__knowledge_sources__source_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                source_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    sync_source_now_api_orgs__org_id__knowledge_sources__source_id__sync_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                source_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    try_question_api_orgs__org_id__knowledge_try_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TryRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TryResult"];
                };
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The body is larger than the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The file's type is not supported */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_members_api_orgs__org_id__members_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberPublic"][];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    delete_own_account_api_orgs__org_id__members_me_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberDeletedPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    remove_member_api_orgs__org_id__members__member_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                member_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    change_member_role_api_orgs__org_id__members__member_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                member_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RoleChange"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemberRolePublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_phone_numbers_api_orgs__org_id__phone_numbers_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PhoneNumberList"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    import_phone_numbers_api_orgs__org_id__phone_numbers_import_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PhoneNumberList"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    delete_phone_number_api_orgs__org_id__phone_numbers__number_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                number_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    change_phone_number_api_orgs__org_id__phone_numbers__number_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                number_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PhoneNumberChange"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PhoneNumberView"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    request_erasure_api_orgs__org_id__privacy_erasures_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ErasureRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErasureRequests"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_requests_api_orgs__org_id__privacy_requests_get: {
        parameters: {
            query?: {
                kind?: components["schemas"]["PrivacyRequestKind"] | null;
                status?: components["schemas"]["PrivacyRequestStatus"] | null;
                contact_id?: string | null;
                /** @description rows per page */
                limit?: number;
                /** @description rows to skip (narrow the filters to go deeper) */
                offset?: number;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrivacyRequestPage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    read_request_api_orgs__org_id__privacy_requests__request_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                request_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrivacyRequestPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    cancel_request_api_orgs__org_id__privacy_requests__request_id__cancel_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                request_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrivacyRequestPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    get_privacy_settings_api_orgs__org_id__privacy_settings_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrivacySettings"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    update_privacy_settings_api_orgs__org_id__privacy_settings_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PrivacySettings"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrivacySettings"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_saved_replies_api_orgs__org_id__saved_replies_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedReplyPublic"][];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    create_saved_reply_api_orgs__org_id__saved_replies_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SavedReplyBody"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedReplyPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    update_saved_reply_api_orgs__org_id__saved_replies__reply_id__put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                reply_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SavedReplyBody"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedReplyPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    delete_saved_reply_api_orgs__org_id__saved_replies__reply_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                reply_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_simulations_api_orgs__org_id__simulations_get: {
        parameters: {
            query?: {
                /** @description rows per page */
                limit?: number;
                /** @description rows to skip (narrow the filters to go deeper) */
                offset?: number;
            };
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimulationPage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    start_simulation_api_orgs__org_id__simulations_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SimulationRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimulationPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    get_simulation_api_orgs__org_id__simulations__simulation_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                simulation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimulationPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    delete_simulation_api_orgs__org_id__simulations__simulation_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                simulation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_results_api_orgs__org_id__simulations__simulation_id__results_get: {
        parameters: {
            query?: {
                /** @description rows per page */
                limit?: number;
                /** @description rows to skip (narrow the filters to go deeper) */
                offset?: number;
            };
            header?: never;
            path: {
                simulation_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SimulationResultPage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    get_telephony_api_orgs__org_id__telephony_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TelephonyView"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    connect_account_api_orgs__org_id__telephony_account_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AccountCredentials"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TelephonyAccountView"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    disconnect_account_api_orgs__org_id__telephony_account_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    update_telephony_settings_api_orgs__org_id__telephony_settings_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TelephonySettings"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TelephonySettings"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_endpoints_api_orgs__org_id__webhooks_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EndpointPublic"][];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    create_endpoint_api_orgs__org_id__webhooks_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EndpointCreate"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EndpointWithSecret"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    get_endpoint_api_orgs__org_id__webhooks__endpoint_id__get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                endpoint_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EndpointPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    delete_endpoint_api_orgs__org_id__webhooks__endpoint_id__delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                endpoint_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    update_endpoint_api_orgs__org_id__webhooks__endpoint_id__patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                endpoint_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EndpointUpdate"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EndpointPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    list_deliveries_api_orgs__org_id__webhooks__endpoint_id__deliveries_get: {
        parameters: {
            query?: {
                /** @description rows per page */
                limit?: number;
                /** @description next_cursor of the previous page */
                cursor?: string | null;
            };
            header?: never;
            path: {
                endpoint_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryList"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    replay_delivery_api_orgs__org_id__webhooks__endpoint_id__deliveries__delivery_id__replay_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                endpoint_id: string;
                delivery_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    rotate_secret_api_orgs__org_id__webhooks__endpoint_id__secret_post: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                endpoint_id: string;
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EndpointWithSecret"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    widget_config_api_widget_config_get: {
        parameters: {
            query?: never;
            header: {
                "x-perceptron-key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WidgetConfig"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    my_conversations_api_widget_conversations_get: {
        parameters: {
            query?: {
                /** @description for EventSource, which sends no headers */
                token?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationPublic"][];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    start_conversation_api_widget_conversations_post: {
        parameters: {
            query?: {
                /** @description for EventSource, which sends no headers */
                token?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewConversation"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    end_conversation_api_widget_conversations__conversation_id__end_post: {
        parameters: {
            query?: {
                /** @description for EventSource, which sends no headers */
                token?: string | null;
            };
            header?: never;
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    events_api_widget_conversations__conversation_id__events_get: {
        parameters: {
            query?: {
                /** @description same as Last-Event-ID */
                after?: number | null;
                /** @description for EventSource, which sends no headers */
                token?: string | null;
            };
            header?: {
                "last-event-id"?: number | null;
            };
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Server-sent events: `id`, `event` and JSON `data` per event, from after Last-Event-ID (or `after`) on */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    ask_for_human_api_widget_conversations__conversation_id__human_post: {
        parameters: {
            query?: {
                /** @description for EventSource, which sends no headers */
                token?: string | null;
            };
            header?: never;
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    history_api_widget_conversations__conversation_id__messages_get: {
        parameters: {
            query?: {
                /** @description for EventSource, which sends no headers */
                token?: string | null;
            };
            header?: never;
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    }[];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    post_message_api_widget_conversations__conversation_id__messages_post: {
        parameters: {
            query?: {
                /** @description for EventSource, which sends no headers */
                token?: string | null;
            };
            header?: never;
            path: {
                conversation_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewMessage"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PostedPublic"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    feedback_api_widget_conversations__conversation_id__messages__message_id__feedback_post: {
        parameters: {
            query?: {
                /** @description for EventSource, which sends no headers */
                token?: string | null;
            };
            header?: never;
            path: {
                conversation_id: string;
                message_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FeedbackBody"];
            };
        };
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    track_api_widget_events_post: {
        parameters: {
            query?: never;
            header: {
                "x-perceptron-key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TrackedBatch"];
            };
        };
        responses: {
            /** @description Successful Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: number;
                    };
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    identify_api_widget_identify_post: {
        parameters: {
            query?: {
                /** @description for EventSource, which sends no headers */
                token?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IdentifyBody"];
            };
        };
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VisitorSession"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    start_visitor_api_widget_visitors_post: {
        parameters: {
            query?: never;
            header: {
                "x-perceptron-key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VisitorStart"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VisitorSession"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
            /** @description Too many requests: wait for Retry-After seconds */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    start_voice_api_widget_voice_post: {
        parameters: {
            query?: {
                /** @description for EventSource, which sends no headers */
                token?: string | null;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["VoiceRequest"];
            };
        };
        responses: {
            /** @description Successful Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VoiceSession"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The resource is in a state that does not allow this */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Validation Error */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HTTPValidationError"];
                };
            };
            /** @description A dependency (the database, Temporal) does not answer */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
        };
    };
    sign_in_with_link_auth_sign_in_get: {
        parameters: {
            query: {
                token: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            307: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
        };
    };
    sign_out_auth_sign_out_post: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The body could not be read (e.g. a malformed multipart form) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Not signed in, or the credential is unknown, expired or revoked */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description Signed in, but not allowed here (another organization, a role below the one needed, or a site not on the allowed origins) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description No such resource in the caller's organization */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorMessage"];
                };
            };
            /** @description The input does not match the spec, or a value is refused */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["InvalidInput"];
                };
            };
        };
    };
    healthz_healthz_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: string;
                    };
                };
            };
        };
    };
    readyz_readyz_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Successful Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
        };
    };
}
