"""The support agent (LangGraph), retrieval, and the model providers behind small Protocols."""
