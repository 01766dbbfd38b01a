"""The Wegwijs web app: the chat page (later the caseworker inbox)."""
