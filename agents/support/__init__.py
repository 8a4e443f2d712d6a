"""The support agent: retrieve, then answer with citations, ask to clarify, or hand off."""
