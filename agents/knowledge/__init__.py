"""Knowledge: turning an organization's documents and web pages into retrievable chunks."""
