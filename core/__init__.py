"""The platform every layer uses: settings, database and models, migrations, logging and
redaction, the Temporal client, payload codec and encryption, storage, workflow ids."""
