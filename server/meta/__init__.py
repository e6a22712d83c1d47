"""The service itself (the API's `meta` tag): health, the vocabularies of every domain, the API docs' own assets."""
